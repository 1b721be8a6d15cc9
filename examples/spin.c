// spin: input N (milliseconds, at most 60000): busy-loops on the monotonic clock for N ms of wall time, then outputs "spun N"; a bounded CPU-bound call for fairness tests.
#include <faasm/faasm.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static long long now_ms(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (long long)t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

int main(void) {
    char in[32] = {0};
    int32_t len = faasmGetInput((uint8_t*)in, sizeof(in) - 1);
    in[len] = '\0';
    long ms = atol(in);
    if (ms < 0 || ms > 60000) return 2;
    volatile unsigned long spins = 0;
    long long end = now_ms() + ms;
    while (now_ms() < end) spins++;
    char out[32];
    int w = snprintf(out, sizeof(out), "spun %ld", ms);
    faasmSetOutput((const uint8_t*)out, w);
    return 0;
}
