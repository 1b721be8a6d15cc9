// counter: under the global lock, pulls the 4-byte little-endian integer at key "counter", adds one, pushes it, and outputs the new value in decimal; proves global locks and push/pull (N concurrent calls count to exactly N).
#include <faasm/faasm.h>
#include <stdio.h>
#include <string.h>

int main(void) {
    const char* key = "counter";
    faasmLockStateGlobal(key);
    faasmPullState(key, 4);
    uint8_t* p = faasmReadStatePtr(key, 4);
    int32_t value;
    memcpy(&value, p, 4);
    value++;
    memcpy(p, &value, 4);
    faasmPushState(key);
    faasmUnlockStateGlobal(key);

    char out[16];
    int n = snprintf(out, sizeof(out), "%d", value);
    faasmSetOutput((const uint8_t*)out, n);
    return 0;
}
