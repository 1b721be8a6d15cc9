// shared_get: outputs state key "shared", read through a pointer; proves a write by another Faaslet on this host is seen without push or pull.
#include <faasm/faasm.h>

int main(void) {
    int32_t size = faasmReadStateSize("shared");
    uint8_t* shared = faasmReadStatePtr("shared", size);
    faasmSetOutput(shared, size);
    return 0;
}
