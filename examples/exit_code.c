// exit_code: parses its input as a decimal int n, sets output, then calls exit(n); proves WASI proc_exit becomes the return code and output set before exit is kept.
#include <faasm/faasm.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int main(void) {
    char buf[32];
    int32_t len = faasmGetInputSize();
    if (len > (int32_t)sizeof(buf) - 1) len = (int32_t)sizeof(buf) - 1;
    int32_t got = len > 0 ? faasmGetInput((uint8_t*)buf, len) : 0;
    buf[got] = '\0';
    int n = (int)strtol(buf, NULL, 10);

    char out[64];
    int outLen = snprintf(out, sizeof(out), "exiting with %d", n);
    faasmSetOutput((const uint8_t*)out, outLen);
    printf("exit_code: exiting with %d\n", n);
    exit(n);
}
