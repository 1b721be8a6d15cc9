// square: parses its input as a decimal integer n and outputs n*n in decimal; the child of fanout.
#include <faasm/faasm.h>
#include <stdio.h>
#include <stdlib.h>

int main(void) {
    char in[32] = {0};
    int32_t len = faasmGetInput((uint8_t*)in, sizeof(in) - 1);
    in[len] = '\0';
    long long n = atoll(in);
    char out[32];
    int w = snprintf(out, sizeof(out), "%lld", n * n);
    faasmSetOutput((const uint8_t*)out, w);
    return 0;
}
