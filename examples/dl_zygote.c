// jfaasm-build: -Wl,--growable-table
/*
 * A zygote that tries to dlopen: the snapshot taken after it must not hold a
 * library, so dlopen returns NULL there. The call outputs what the zygote got,
 * then loads the library itself (input: its name) and calls scale(2).
 */
#include <dlfcn.h>
#include <stdio.h>
#include <string.h>

static char zygote_said[300] = "zygote did not run";

FAASM_ZYGOTE() {
    void* lib = dlopen("libscale.wasm", RTLD_NOW);
    const char* err = dlerror();
    snprintf(zygote_said, sizeof zygote_said, "%s: %s", lib ? "opened" : "null", err ? err : "no error");
    return 0;
}

FAASM_MAIN() {
    char name[128] = {0};
    int n = faasmGetInput((uint8_t*)name, sizeof name - 1);
    name[n < 0 ? 0 : n] = 0;
    void* lib = dlopen(name, RTLD_NOW);
    int (*scale)(int) = lib ? (int (*)(int))dlsym(lib, "scale") : 0;
    char out[400];
    n = snprintf(out, sizeof out, "zygote %s; call scale(2)=%d", zygote_said, scale ? scale(2) : -1);
    faasmSetOutput((uint8_t*)out, n);
    return 0;
}
