// {{NAME}}: a JFaasm function. Outputs "Hello <input>".
#include <faasm/faasm.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

FAASM_MAIN() {
    int32_t len = faasmGetInputSize();
    char* out = malloc(6 + len);
    memcpy(out, "Hello ", 6);
    faasmGetInput((uint8_t*)out + 6, len);
    printf("{{NAME}} called with %d bytes\n", len); // stdout goes to the call's logs
    faasmSetOutput((const uint8_t*)out, 6 + len);
    return 0;
}
