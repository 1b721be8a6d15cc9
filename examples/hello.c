// hello: prints a line to stdout and outputs "Hello <input>"; proves WASI stdout capture and the input/output ABI.
#include <faasm/faasm.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int main(void) {
    printf("hello from a Faaslet\n");

    int32_t inLen = faasmGetInputSize();
    static const char prefix[] = "Hello ";
    size_t prefixLen = sizeof(prefix) - 1;

    uint8_t* out = malloc(prefixLen + (size_t)inLen + 1);
    if (out == NULL) return 1;
    memcpy(out, prefix, prefixLen);
    int32_t got = inLen > 0 ? faasmGetInput(out + prefixLen, inLen) : 0;

    faasmSetOutput(out, (int32_t)prefixLen + got);
    free(out);
    return 0;
}
