// malloc_bomb: mallocs and fills 1 MiB blocks forever, abort()s when malloc returns NULL; proves the per-Faaslet memory limit holds.
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define BLOCK (1024 * 1024)

static void* volatile last;  // escapes each block so the compiler keeps them

int main(void) {
    unsigned long mib = 0;
    for (;;) {
        char* p = malloc(BLOCK);
        if (p == NULL) {
            fprintf(stderr, "malloc_bomb: malloc returned NULL after %lu MiB, aborting\n", mib);
            abort();
        }
        memset(p, (int)(mib & 0xff) | 1, BLOCK);
        last = p;
        mib++;
    }
}
