// static_counter: increments a static variable and outputs it in decimal; proves every call starts from the snapshot (the output is always 1).
#include <faasm/faasm.h>
#include <stdio.h>

static int counter = 0;

int main(void) {
    counter++;
    char out[16];
    int n = snprintf(out, sizeof(out), "%d", counter);
    faasmSetOutput((const uint8_t*)out, n);
    return 0;
}
