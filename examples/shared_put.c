// shared_put: writes its input into state key "shared" through a pointer (faasmReadStatePtr + memcpy) without pushing; with an input starting "push:" it writes the rest and pushes it; proves Faaslets on one host share state pages with no copy.
#include <faasm/faasm.h>
#include <stdlib.h>
#include <string.h>

int main(void) {
    int32_t len = faasmGetInputSize();
    uint8_t* in = malloc(len > 0 ? len : 1);
    faasmGetInput(in, len);
    int push = len >= 5 && memcmp(in, "push:", 5) == 0;
    uint8_t* value = push ? in + 5 : in;
    int32_t size = push ? len - 5 : len;

    uint8_t* shared = faasmReadStatePtr("shared", size);
    memcpy(shared, value, size);
    if (push) {
        faasmPushState("shared");
    }
    return 0;
}
