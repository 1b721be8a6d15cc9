// zygote: FAASM_ZYGOTE sieves the primes below 2,000,000 once at load (expensive set-up); each call outputs "setups=<n> calls=<n> primes=<count>"; proves set-up runs once per load and every call starts from its snapshot (always setups=1 calls=1).
#include <faasm/faasm.h>
#include <stdio.h>
#include <stdlib.h>

#define LIMIT 2000000

static int setups = 0;
static int calls = 0;
static int prime_count = 0;
static unsigned char* composite = NULL;

FAASM_ZYGOTE() {
    setups++;
    composite = calloc(LIMIT, 1);
    if (composite == NULL) return 1;
    for (long i = 2; i < LIMIT; i++) {
        if (!composite[i]) {
            prime_count++;
            for (long long j = (long long)i * i; j < LIMIT; j += i) composite[j] = 1;
        }
    }
    printf("zygote: %d primes below %d\n", prime_count, LIMIT);
    return 0;
}

FAASM_MAIN() {
    calls++;
    // the table built by the zygote is in the snapshot: answer from it
    long n = 0;
    for (long i = 2; i < LIMIT; i++) n += !composite[i];
    char out[64];
    int len = snprintf(out, sizeof(out), "setups=%d calls=%d primes=%ld", setups, calls, n);
    faasmSetOutput((const uint8_t*)out, len);
    return n == prime_count ? 0 : 1;
}
