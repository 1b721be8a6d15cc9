/*
 * dlfcn.h - POSIX dynamic loading for JFaasm functions, over the host calls
 * __faasm_dlopen/__faasm_dlsym/__faasm_dlclose/__faasm_dlerror (faasm.h).
 * wasi-libc has no <dlfcn.h>; this one maps the standard names onto the
 * host. A library is a side module of the same user (sdk/build-library.sh).
 * Flags are accepted and ignored: binding is always immediate and local.
 */
#ifndef JFAASM_DLFCN_H
#define JFAASM_DLFCN_H

#include <faasm/faasm.h>

#define RTLD_LAZY 1
#define RTLD_NOW 2
#define RTLD_GLOBAL 0x100
#define RTLD_LOCAL 0

#ifdef __cplusplus
extern "C" {
#endif

static inline void* dlopen(const char* name, int flags) {
    return (void*)(intptr_t)__faasm_dlopen(name, flags);
}
static inline void* dlsym(void* handle, const char* symbol) {
    return (void*)(intptr_t)__faasm_dlsym((int32_t)(intptr_t)handle, symbol);
}
static inline int dlclose(void* handle) {
    return __faasm_dlclose((int32_t)(intptr_t)handle);
}
/* The text lives in a static buffer, as POSIX allows: valid until the next
 * dlerror. NULL when no error happened since the last call. */
static inline char* dlerror(void) {
    static char text[512];
    return __faasm_dlerror(text, (int32_t)sizeof text) > 0 ? text : (char*)0;
}

#ifdef __cplusplus
}
#endif

#endif /* JFAASM_DLFCN_H */
