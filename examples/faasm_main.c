// faasm_main: FAASM_MAIN reactor; outputs "faasm_main:<input>", returns 3 if the input is "fail" else 0; proves the reactor entry and return codes.
#include <faasm/faasm.h>
#include <stdlib.h>
#include <string.h>

FAASM_MAIN() {
    int32_t len = faasmGetInputSize();
    static const char prefix[] = "faasm_main:";
    size_t prefixLen = sizeof(prefix) - 1;

    uint8_t* out = malloc(prefixLen + (size_t)len + 1);
    if (out == NULL) return 1;
    memcpy(out, prefix, prefixLen);
    int32_t got = len > 0 ? faasmGetInput(out + prefixLen, len) : 0;
    faasmSetOutput(out, (int32_t)prefixLen + got);

    int fail = got == 4 && memcmp(out + prefixLen, "fail", 4) == 0;
    free(out);
    return fail ? 3 : 0;
}
