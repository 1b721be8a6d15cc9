// trap: executes __builtin_trap() (wasm unreachable) in a named function; proves a trap fails the call with a clear message naming the function.
#include <stdio.h>

__attribute__((noinline)) static void trap_here(void) { __builtin_trap(); }

int main(void) {
    printf("trap: about to trap\n");
    fflush(stdout);
    trap_here();
    return 0;
}
