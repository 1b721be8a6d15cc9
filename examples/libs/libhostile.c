/*
 * A hostile library for dl_main.c ("libhostile.wasm call NAME"): each
 * function misbehaves in one way; each must fail only the call that ran it.
 */
#include <faasm/faasm.h>

void boom(void) { __builtin_trap(); }

void wild_write(void) { *(volatile int*)0x7ffffff0 = 1; }

void grow_forever(void) {
    while (__builtin_wasm_memory_grow(0, 1024) != -1) {
    }
    *(volatile int*)0 = *(volatile int*)0x7ffffff0;
}

void say(void) { __faasm_write_output((const uint8_t*)"from the library", 16); }
