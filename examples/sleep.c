// sleep: input N (milliseconds, at most 60000): sleeps N ms (WASI poll_oneoff on the monotonic clock), then outputs "slept N"; a slow call for scheduling tests (many at once cost no CPU).
#include <faasm/faasm.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

int main(void) {
    char in[32] = {0};
    int32_t len = faasmGetInput((uint8_t*)in, sizeof(in) - 1);
    in[len] = '\0';
    long ms = atol(in);
    if (ms < 0 || ms > 60000) return 2;
    struct timespec t = {ms / 1000, (ms % 1000) * 1000000L};
    if (nanosleep(&t, NULL) != 0) return 3;
    char out[32];
    int w = snprintf(out, sizeof(out), "slept %ld", ms);
    faasmSetOutput((const uint8_t*)out, w);
    return 0;
}
