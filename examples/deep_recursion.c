// deep_recursion: unbounded non-tail recursion with tiny frames; proves exhausting the engine's call stack is a trap for that call only.
#include <stdio.h>

static volatile int stop = 0;
static volatile int sink = 0;

// noinline + volatile accesses after the call: no tail call, no loop.
__attribute__((noinline)) static int recurse(int depth) {
    if (stop) return depth;
    sink = depth;
    int r = recurse(depth + 1);
    sink = r;
    return r;
}

int main(void) {
    printf("deep_recursion: recursing\n");
    fflush(stdout);
    int r = recurse(0);
    printf("deep_recursion: NOT TRAPPED (%d)\n", r);
    return 0;
}
