// jfaasm-build: -Wl,--growable-table
/*
 * Dynamic loading: dlopen()s a library of the same user (input: its name,
 * then an optional mode), calls its functions through function pointers and
 * lets it read and write this function's memory.
 *   "libscale.wasm"            the demo below; output: what each call gave
 *   "NAME call SYMBOL"         calls SYMBOL as void(void) (a hostile library)
 *   "NAME int SYMBOL"          calls SYMBOL as int(int) with 5, outputs the result
 *   "NAME stale"               calls a function pointer after dlclose
 *   "NAME malloc"              mallocs 1 MiB, dlopens, mallocs 8 MiB more,
 *                              then checks the library's data is untouched
 *                              (its pages are never the allocator's)
 * A failed dlopen/dlsym sets the output to dlerror()'s text and returns 1.
 */
#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static char out[1024];
static char* volatile heap[9]; /* kept, so the compiler cannot drop the mallocs */
static int numbers[4] = {10, 20, 30, 40};

static int twice(int x) { return 2 * x; }

/* Exported: a library may import it (libs/libimports.c). */
__attribute__((export_name("caller_square"))) int caller_square(int x) { return x * x; }

static int fail(const char* what) {
    const char* err = dlerror();
    int n = snprintf(out, sizeof out, "%s: %s", what, err ? err : "(no dlerror)");
    faasmSetOutput((uint8_t*)out, n);
    return 1;
}

int main(void) {
    char input[256] = {0};
    int n = faasmGetInput((uint8_t*)input, sizeof input - 1);
    input[n < 0 ? 0 : n] = 0;
    char* mode = strchr(input, ' ');
    if (mode) *mode++ = 0;

    if (mode && strcmp(mode, "malloc") == 0) {
        // The allocator's heap now ends where the library's pages will start.
        heap[0] = malloc(1 << 20);
        if (heap[0]) memset(heap[0], 0x55, 1 << 20);
    }
    void* lib = dlopen(input, RTLD_NOW);
    if (!lib) return fail("dlopen");

    if (mode && strncmp(mode, "call ", 5) == 0) {
        void (*f)(void) = (void (*)(void))dlsym(lib, mode + 5);
        if (!f) return fail("dlsym");
        f();
        faasmSetOutput((const uint8_t*)"returned", 8);
        return 0;
    }

    if (mode && strncmp(mode, "int ", 4) == 0) {
        int (*f)(int) = (int (*)(int))dlsym(lib, mode + 4);
        if (!f) return fail("dlsym");
        n = snprintf(out, sizeof out, "%s(5)=%d", mode + 4, f(5));
        faasmSetOutput((uint8_t*)out, n);
        return 0;
    }

    int (*scale)(int) = (int (*)(int))dlsym(lib, "scale");
    if (!scale) return fail("dlsym");
    if (mode && strcmp(mode, "malloc") == 0) {
        int* offset = (int*)dlsym(lib, "offset");
        if (!offset) return fail("dlsym");
        for (int i = 1; i < 9; i++) {
            heap[i] = malloc(1 << 20);
            if (!heap[i]) return fail("malloc");
            memset(heap[i], 0xAA, 1 << 20);
        }
        int lib_at = (int)(intptr_t)offset, overlaps = 0;
        for (int i = 0; i < 9; i++) {
            int at = (int)(intptr_t)heap[i];
            overlaps += lib_at >= at && lib_at < at + (1 << 20);
        }
        n = snprintf(out, sizeof out, "offset=%d scale(1)=%d overlaps=%d", *offset, scale(1), overlaps);
        faasmSetOutput((uint8_t*)out, n);
        return 0;
    }
    if (mode && strcmp(mode, "stale") == 0) {
        dlclose(lib);
        return scale(1); // traps: the pointer died with the handle
    }

    void (*fill)(char*, int) = (void (*)(char*, int))dlsym(lib, "fill");
    int (*sum)(const int*, int) = (int (*)(const int*, int))dlsym(lib, "sum");
    int (*(*pick)(void))(int) = (int (*(*)(void))(int))dlsym(lib, "pick");
    int (*apply)(int (*)(int), int) = (int (*)(int (*)(int), int))dlsym(lib, "apply");
    int (*calls)(void) = (int (*)(void))dlsym(lib, "calls_so_far");
    int* offset = (int*)dlsym(lib, "offset");
    if (!fill || !sum || !pick || !apply || !calls || !offset) return fail("dlsym");

    char letters[11] = {0};
    fill(letters, 10);                // the library writes our memory
    int s = sum(numbers, 4);          // and reads it
    int a = scale(7);                 // 7*3 + offset
    *offset = 100;                    // its data is in our memory too
    int b = pick()(1);                // a pointer the library took itself
    int c = apply(twice, 21);         // the library calls back into us
    void* missing = dlsym(lib, "no_such_symbol");
    const char* err = dlerror();
    n = snprintf(out, sizeof out,
                 "fill=%s sum=%d scale(7)=%d scale(1)=%d apply=%d calls=%d missing=%s dlerror=%s",
                 letters, s, a, b, c, calls(), missing ? "found" : "null", err ? err : "none");
    faasmSetOutput((uint8_t*)out, n);
    return dlclose(lib);
}
