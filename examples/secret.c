// secret: outputs what a previous call left in its static buffer (always empty), then stores its own input there; proves nothing leaks from one call, or tenant, to the next.
#include <faasm/faasm.h>
#include <stdlib.h>
#include <string.h>

static char secret[256];
static char* heap_secret = NULL;

FAASM_MAIN() {
    char out[512];
    size_t n = strnlen(secret, sizeof(secret));
    memcpy(out, secret, n);
    if (heap_secret != NULL) {  // a pointer into the heap kept from an earlier call
        size_t m = strnlen(heap_secret, 255);
        memcpy(out + n, heap_secret, m);
        n += m;
    }
    faasmSetOutput((const uint8_t*)out, (int32_t)n);

    int32_t len = faasmGetInput((uint8_t*)secret, sizeof(secret) - 1);
    secret[len] = '\0';
    heap_secret = malloc(256);
    memcpy(heap_secret, secret, (size_t)len + 1);
    return 0;
}
