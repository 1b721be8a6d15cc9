// reverse: output = input bytes in reverse order; proves the function really processes its input.
#include <faasm/faasm.h>
#include <stdlib.h>

int main(void) {
    int32_t len = faasmGetInputSize();
    uint8_t* buf = malloc(len > 0 ? (size_t)len : 1);
    if (buf == NULL) return 1;
    int32_t n = len > 0 ? faasmGetInput(buf, len) : 0;
    for (int32_t i = 0, j = n - 1; i < j; i++, j--) {
        uint8_t t = buf[i];
        buf[i] = buf[j];
        buf[j] = t;
    }
    faasmSetOutput(buf, n);
    free(buf);
    return 0;
}
