// loop_forever: spins forever on a volatile flag; proves the runtime's wall-time limit interrupts running wasm code.
#include <stdio.h>

static volatile int stop = 0;
static volatile unsigned long spins = 0;

int main(void) {
    printf("loop_forever: spinning\n");
    fflush(stdout);
    while (!stop) spins++;
    return 0;
}
