// echo: output = input byte for byte (binary-safe, any size); proves input/output round-trips exactly.
#include <faasm/faasm.h>
#include <stdlib.h>

int main(void) {
    int32_t len = faasmGetInputSize();
    uint8_t* buf = malloc(len > 0 ? (size_t)len : 1);
    if (buf == NULL) return 1;
    int32_t got = len > 0 ? faasmGetInput(buf, len) : 0;
    faasmSetOutput(buf, got);
    free(buf);
    return 0;
}
