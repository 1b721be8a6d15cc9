// oob_access: reads and writes through a pointer far past the end of linear memory; proves an out-of-bounds access traps that call only.
#include <stdio.h>

int main(void) {
    printf("oob_access: touching 0x7ffffff0\n");
    fflush(stdout);
    volatile int* p = (volatile int*)0x7ffffff0;
    int v = *p;
    *p = v + 1;
    printf("oob_access: NOT TRAPPED (read %d)\n", v);
    return 0;
}
