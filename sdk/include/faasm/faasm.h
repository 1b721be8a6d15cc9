/*
 * faasm/faasm.h - the JFaasm function ABI (compatible with Faasm's C ABI).
 *
 * Every host call is a WebAssembly import from module "env". Pointers are
 * wasm linear-memory addresses, every integer is an int32_t. Include this
 * header from C or C++; build with sdk/build-function.sh.
 *
 * Entry styles:
 *   - plain `int main(...)`: a WASI command (the runtime calls `_start`);
 *   - FAASM_MAIN() { ... }: a reactor exporting `faasm_main` (the runtime
 *     calls `_initialize` if exported, then `faasm_main`); its int result is
 *     the call's return code.
 *
 * Status: the runtime implements every call here (docs/host-interface.md);
 * chaining needs a scheduler (jfaasm serve), not jfaasm run.
 */
#ifndef FAASM_FAASM_H
#define FAASM_FAASM_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define FAASM_IMPORT(NAME) \
    __attribute__((import_module("env"), import_name(#NAME)))

/* ---------------------------------------------------------------------- */
/* Raw host imports                                                       */
/* ---------------------------------------------------------------------- */

/* Input and output of this call. */

/* Copies up to len bytes of the call's input into buf, returns the number
 * copied. len 0 returns the total input size. */
FAASM_IMPORT(__faasm_read_input)
int32_t __faasm_read_input(uint8_t* buf, int32_t len);

/* Sets the call's output to buf[0..len) (replaces any earlier output). */
FAASM_IMPORT(__faasm_write_output)
void __faasm_write_output(const uint8_t* buf, int32_t len);

/* Chaining. */

/* Calls function `name` of the same user with the given input; returns a
 * call id for __faasm_await_call*. */
FAASM_IMPORT(__faasm_chain_name)
int32_t __faasm_chain_name(const char* name, const uint8_t* input, int32_t len);

/* Calls a function of this module by function pointer (table index); the
 * target has the signature int f(void) and reads its input with
 * faasmGetInput. Returns a call id. */
FAASM_IMPORT(__faasm_chain_ptr)
int32_t __faasm_chain_ptr(int32_t funcIdx, const uint8_t* input, int32_t len);

/* Waits for a chained call, returns its return code. */
FAASM_IMPORT(__faasm_await_call)
int32_t __faasm_await_call(int32_t id);

/* Waits for a chained call and copies up to len bytes of its output into
 * buf; returns the number copied (len 0: the output size). */
FAASM_IMPORT(__faasm_await_call_output)
int32_t __faasm_await_call_output(int32_t id, uint8_t* buf, int32_t len);

/* Index of this call among its siblings (chained calls). */
FAASM_IMPORT(__faasm_get_idx)
int32_t __faasm_get_idx(void);

/* Returns 1 if configuration flag `key` is set, else 0. */
FAASM_IMPORT(__faasm_conf_flag)
int32_t __faasm_conf_flag(const char* key);

/* State (keys are scoped to the function's user). */

/* Copies up to len bytes of value `key` into buf; returns the value size
 * (len 0 only asks the size). */
FAASM_IMPORT(__faasm_read_state)
int32_t __faasm_read_state(const char* key, uint8_t* buf, int32_t len);

/* Maps value `key` (totalLen bytes) into this Faaslet's memory, shared with
 * other Faaslets on the host; returns its address. */
FAASM_IMPORT(__faasm_read_state_ptr)
uint8_t* __faasm_read_state_ptr(const char* key, int32_t totalLen);

/* Copies bytes [offset, offset+len) of value `key` into buf. */
FAASM_IMPORT(__faasm_read_state_offset)
void __faasm_read_state_offset(const char* key, int32_t totalLen,
                               int32_t offset, uint8_t* buf, int32_t len);

/* Maps bytes [offset, offset+len) of value `key`; returns their address. */
FAASM_IMPORT(__faasm_read_state_offset_ptr)
uint8_t* __faasm_read_state_offset_ptr(const char* key, int32_t totalLen,
                                       int32_t offset, int32_t len);

/* Sets value `key` to data[0..len) (local tier; push to make it global). */
FAASM_IMPORT(__faasm_write_state)
void __faasm_write_state(const char* key, const uint8_t* data, int32_t len);

/* Writes data[0..len) at `offset` of value `key` (totalLen bytes). */
FAASM_IMPORT(__faasm_write_state_offset)
void __faasm_write_state_offset(const char* key, int32_t totalLen,
                                int32_t offset, const uint8_t* data,
                                int32_t len);

/* Appends one element data[0..len) to appended-state list `key`. */
FAASM_IMPORT(__faasm_append_state)
void __faasm_append_state(const char* key, const uint8_t* data, int32_t len);

/* Reads the first nElems appended elements (len bytes in all) into buf. */
FAASM_IMPORT(__faasm_read_appended_state)
void __faasm_read_appended_state(const char* key, uint8_t* buf, int32_t len,
                                 int32_t nElems);

/* Removes all appended elements of `key`. */
FAASM_IMPORT(__faasm_clear_appended_state)
void __faasm_clear_appended_state(const char* key);

/* Marks all of value `key` (totalLen bytes) dirty, e.g. after writing
 * through a pointer from __faasm_read_state_ptr. */
FAASM_IMPORT(__faasm_flag_state_dirty)
void __faasm_flag_state_dirty(const char* key, int32_t totalLen);

/* Marks bytes [offset, offset+len) of value `key` dirty. */
FAASM_IMPORT(__faasm_flag_state_offset_dirty)
void __faasm_flag_state_offset_dirty(const char* key, int32_t totalLen,
                                     int32_t offset, int32_t len);

/* Pushes the whole local value `key` to the global tier. */
FAASM_IMPORT(__faasm_push_state)
void __faasm_push_state(const char* key);

/* Pushes only the dirty chunks of `key` to the global tier. */
FAASM_IMPORT(__faasm_push_state_partial)
void __faasm_push_state_partial(const char* key);

/* Refreshes the local copy of `key` (totalLen bytes) from the global tier. */
FAASM_IMPORT(__faasm_pull_state)
void __faasm_pull_state(const char* key, int32_t totalLen);

/* Local (per-host) read/write locks on `key`. */
FAASM_IMPORT(__faasm_lock_state_read)
void __faasm_lock_state_read(const char* key);
FAASM_IMPORT(__faasm_unlock_state_read)
void __faasm_unlock_state_read(const char* key);
FAASM_IMPORT(__faasm_lock_state_write)
void __faasm_lock_state_write(const char* key);
FAASM_IMPORT(__faasm_unlock_state_write)
void __faasm_unlock_state_write(const char* key);

/* Global (all hosts) lock on `key`. */
FAASM_IMPORT(__faasm_lock_state_global)
void __faasm_lock_state_global(const char* key);
FAASM_IMPORT(__faasm_unlock_state_global)
void __faasm_unlock_state_global(const char* key);

/* ---------------------------------------------------------------------- */
/* Convenience wrappers with Faasm's names                                */
/* ---------------------------------------------------------------------- */

/* A function that can be chained by pointer: no arguments, int result. */
typedef int (*FaasmFuncPtr)(void);

static inline int32_t faasmGetInputSize(void) {
    return __faasm_read_input(NULL, 0);
}
static inline int32_t faasmGetInput(uint8_t* buf, int32_t len) {
    return __faasm_read_input(buf, len);
}
static inline void faasmSetOutput(const uint8_t* buf, int32_t len) {
    __faasm_write_output(buf, len);
}

static inline int32_t faasmChainNamed(const char* name, const uint8_t* input,
                                      int32_t len) {
    return __faasm_chain_name(name, input, len);
}
/* In wasm a function pointer is its index in the module's table. */
static inline int32_t faasmChainPtr(FaasmFuncPtr funcPtr, const uint8_t* input,
                                    int32_t len) {
    return __faasm_chain_ptr((int32_t)(intptr_t)funcPtr, input, len);
}
static inline int32_t faasmAwaitCall(int32_t id) {
    return __faasm_await_call(id);
}
static inline int32_t faasmAwaitCallOutput(int32_t id, uint8_t* buf,
                                           int32_t len) {
    return __faasm_await_call_output(id, buf, len);
}
static inline int32_t faasmGetIdx(void) { return __faasm_get_idx(); }
static inline int32_t faasmGetConfFlag(const char* key) {
    return __faasm_conf_flag(key);
}

static inline int32_t faasmReadState(const char* key, uint8_t* buf,
                                     int32_t len) {
    return __faasm_read_state(key, buf, len);
}
static inline int32_t faasmReadStateSize(const char* key) {
    return __faasm_read_state(key, NULL, 0);
}
static inline uint8_t* faasmReadStatePtr(const char* key, int32_t totalLen) {
    return __faasm_read_state_ptr(key, totalLen);
}
static inline void faasmReadStateOffset(const char* key, int32_t totalLen,
                                        int32_t offset, uint8_t* buf,
                                        int32_t len) {
    __faasm_read_state_offset(key, totalLen, offset, buf, len);
}
static inline uint8_t* faasmReadStateOffsetPtr(const char* key,
                                               int32_t totalLen,
                                               int32_t offset, int32_t len) {
    return __faasm_read_state_offset_ptr(key, totalLen, offset, len);
}
static inline void faasmWriteState(const char* key, const uint8_t* data,
                                   int32_t len) {
    __faasm_write_state(key, data, len);
}
static inline void faasmWriteStateOffset(const char* key, int32_t totalLen,
                                         int32_t offset, const uint8_t* data,
                                         int32_t len) {
    __faasm_write_state_offset(key, totalLen, offset, data, len);
}
static inline void faasmAppendState(const char* key, const uint8_t* data,
                                    int32_t len) {
    __faasm_append_state(key, data, len);
}
static inline void faasmReadAppendedState(const char* key, uint8_t* buf,
                                          int32_t len, int32_t nElems) {
    __faasm_read_appended_state(key, buf, len, nElems);
}
static inline void faasmClearAppendedState(const char* key) {
    __faasm_clear_appended_state(key);
}
static inline void faasmFlagStateDirty(const char* key, int32_t totalLen) {
    __faasm_flag_state_dirty(key, totalLen);
}
static inline void faasmFlagStateOffsetDirty(const char* key, int32_t totalLen,
                                             int32_t offset, int32_t len) {
    __faasm_flag_state_offset_dirty(key, totalLen, offset, len);
}
static inline void faasmPushState(const char* key) { __faasm_push_state(key); }
static inline void faasmPushStatePartial(const char* key) {
    __faasm_push_state_partial(key);
}
static inline void faasmPullState(const char* key, int32_t totalLen) {
    __faasm_pull_state(key, totalLen);
}
static inline void faasmLockStateRead(const char* key) {
    __faasm_lock_state_read(key);
}
static inline void faasmUnlockStateRead(const char* key) {
    __faasm_unlock_state_read(key);
}
static inline void faasmLockStateWrite(const char* key) {
    __faasm_lock_state_write(key);
}
static inline void faasmUnlockStateWrite(const char* key) {
    __faasm_unlock_state_write(key);
}
static inline void faasmLockStateGlobal(const char* key) {
    __faasm_lock_state_global(key);
}
static inline void faasmUnlockStateGlobal(const char* key) {
    __faasm_unlock_state_global(key);
}

/* ---------------------------------------------------------------------- */
/* Entry point                                                            */
/* ---------------------------------------------------------------------- */

/* Faasm-style entry: write `FAASM_MAIN() { ... return 0; }`. The module is
 * built as a reactor (sdk/build-function.sh detects FAASM_MAIN) and exports
 * `faasm_main`; the returned int is the call's return code. In C++ the
 * function has C linkage. */
#ifdef __cplusplus
#define FAASM_MAIN()                                                         \
    extern "C" __attribute__((export_name("faasm_main"))) int faasm_main(void)
#else
#define FAASM_MAIN()                                                         \
    __attribute__((export_name("faasm_main"))) int faasm_main(void)
#endif

/* ---------------------------------------------------------------------- */
/* Network: client sockets, only to host:port patterns the function is    */
/* allowed (deny by default). Results are >= 0, or a negative errno:       */
/* -EACCES (not allowed), -ECONNREFUSED, -EMFILE (too many open), -EBADF.  */
/* Why a call was refused is written to the call's stderr.                 */
/* ---------------------------------------------------------------------- */

/* Connects to host:port (a name or an address); returns a socket handle. */
FAASM_IMPORT(__faasm_net_connect)
int32_t __faasm_net_connect(const char* host, int32_t port);

/* Sends len bytes (all of them, within the call's bandwidth); returns len. */
FAASM_IMPORT(__faasm_net_send)
int32_t __faasm_net_send(int32_t sock, const uint8_t* buf, int32_t len);

/* Receives up to len bytes; returns how many, 0 at the end of the stream. */
FAASM_IMPORT(__faasm_net_recv)
int32_t __faasm_net_recv(int32_t sock, uint8_t* buf, int32_t len);

/* Closes a socket (all of a call's sockets close when the call ends). */
FAASM_IMPORT(__faasm_net_close)
int32_t __faasm_net_close(int32_t sock);

static inline int32_t faasmNetConnect(const char* host, int32_t port) {
    return __faasm_net_connect(host, port);
}
static inline int32_t faasmNetSend(int32_t sock, const uint8_t* buf, int32_t len) {
    return __faasm_net_send(sock, buf, len);
}
static inline int32_t faasmNetRecv(int32_t sock, uint8_t* buf, int32_t len) {
    return __faasm_net_recv(sock, buf, len);
}
static inline int32_t faasmNetClose(int32_t sock) { return __faasm_net_close(sock); }

/* Dynamic loading: a wasm library (a side module built with
 * sdk/build-library.sh) uploaded by the same user, loaded into this
 * Faaslet: it shares this function's memory and function table, and lives
 * until the call ends. The main function must be linked with
 * -Wl,--growable-table (sdk/build-function.sh does it for a source with the
 * line `// jfaasm-build: -Wl,--growable-table`). <dlfcn.h> wraps these. */

/* Loads library `name`; returns a handle > 0, or 0 (see __faasm_dlerror). */
FAASM_IMPORT(__faasm_dlopen)
int32_t __faasm_dlopen(const char* name, int32_t flags);

/* A function pointer (table index) or data address exported by the library
 * as `symbol`, or 0 (see __faasm_dlerror). */
FAASM_IMPORT(__faasm_dlsym)
int32_t __faasm_dlsym(int32_t handle, const char* symbol);

/* Invalidates the handle and its function pointers; 0, or -1 if unknown. */
FAASM_IMPORT(__faasm_dlclose)
int32_t __faasm_dlclose(int32_t handle);

/* Copies the last dl error (NUL-terminated, truncated to len) into buf and
 * clears it; returns its length, 0 if there was none. */
FAASM_IMPORT(__faasm_dlerror)
int32_t __faasm_dlerror(char* buf, int32_t len);

/* Zygote: write `FAASM_ZYGOTE() { ... return 0; }` next to FAASM_MAIN() for
 * expensive set-up (load a model, build a table). The runtime runs it once,
 * when the function is loaded, after the constructors, then snapshots the
 * Faaslet: every call starts from that snapshot with the set-up done. A
 * non-zero result fails the load. Only for FAASM_MAIN functions: in a plain
 * `main` program the constructors run on every call and would undo it. */
#ifdef __cplusplus
#define FAASM_ZYGOTE()                                                       \
    extern "C" __attribute__((export_name("faasm_zygote"))) int faasm_zygote(void)
#else
#define FAASM_ZYGOTE()                                                       \
    __attribute__((export_name("faasm_zygote"))) int faasm_zygote(void)
#endif

#ifdef __cplusplus
}
#endif

#endif /* FAASM_FAASM_H */
