// fanout: input N (or "ptr:N"): chains N calls of function "square" (or, with ptr:, of its own function square_here by pointer) with inputs 1..N, awaits them all and outputs the sum of their outputs; a failed child makes it return 1. fanout 20 = 2870.
#include <faasm/faasm.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX 1000

// A chained entry of this module: reads its input, outputs its square.
int square_here(void) {
    char in[32] = {0};
    int32_t len = faasmGetInput((uint8_t*)in, sizeof(in) - 1);
    in[len] = '\0';
    long long n = atoll(in);
    char out[32];
    int w = snprintf(out, sizeof(out), "%lld", n * n);
    faasmSetOutput((const uint8_t*)out, w);
    return 0;
}

int main(void) {
    char in[32] = {0};
    int32_t len = faasmGetInput((uint8_t*)in, sizeof(in) - 1);
    in[len] = '\0';
    int by_pointer = strncmp(in, "ptr:", 4) == 0;
    int n = atoi(by_pointer ? in + 4 : in);
    if (n < 0 || n > MAX) return 2;

    static int ids[MAX];
    for (int i = 1; i <= n; i++) {
        char arg[16];
        int w = snprintf(arg, sizeof(arg), "%d", i);
        ids[i - 1] = by_pointer ? faasmChainPtr(square_here, (const uint8_t*)arg, w)
                                : faasmChainNamed("square", (const uint8_t*)arg, w);
    }
    long long sum = 0;
    int failed = 0;
    for (int i = 0; i < n; i++) {
        char out[32] = {0};
        if (faasmAwaitCall(ids[i]) != 0) {
            failed = 1;
            continue;
        }
        faasmAwaitCallOutput(ids[i], (uint8_t*)out, sizeof(out) - 1);
        sum += atoll(out);
    }
    char out[32];
    int w = snprintf(out, sizeof(out), "%lld", sum);
    faasmSetOutput((const uint8_t*)out, w);
    return failed;
}
