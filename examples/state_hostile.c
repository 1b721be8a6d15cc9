// state_hostile: misuses the state ABI in the way named by its input (bad key pointer, unterminated key, negative or out-of-range lengths and offsets, a data pointer outside memory, unlocking what it does not hold, locking then trapping); proves each traps one call with a clear message and leaves stored values intact.
#include <faasm/faasm.h>
#include <string.h>

static char long_key[4096];

int main(void) {
    char op[64] = {0};
    int32_t len = faasmGetInput((uint8_t*)op, sizeof(op) - 1);
    op[len] = '\0';
    static const uint8_t data[16] = "0123456789abcdef";
    uint8_t buf[16];
#define IS(s) (strcmp(op, (s)) == 0)
    if (IS("bad_key_pointer")) faasmWriteState((const char*)0x7ffffff0, data, 4);
    else if (IS("unterminated_key")) {
        memset(long_key, 'k', sizeof(long_key));
        faasmWriteState(long_key, data, 4);
    }
    else if (IS("negative_length")) faasmWriteState("v", data, -1);
    else if (IS("data_outside_memory")) faasmWriteState("v", (const uint8_t*)0x7ffffff0, 16);
    else if (IS("offset_out_of_range")) faasmWriteStateOffset("v", 16, 12, data, 8);
    else if (IS("wrong_total_length")) faasmWriteStateOffset("v", 32, 0, data, 4);
    else if (IS("read_wrong_size")) faasmReadState("v", buf, 8);
    else if (IS("read_unknown_key")) faasmReadState("no-such-key", buf, 16);
    else if (IS("unlock_not_held")) faasmUnlockStateWrite("v");
    else if (IS("global_unlock_not_held")) faasmUnlockStateGlobal("v");
    else if (IS("lock_then_trap")) {
        faasmLockStateGlobal("v");
        faasmLockStateWrite("v");
        __builtin_trap();
    }
    else if (IS("lock_and_unlock")) {
        faasmLockStateGlobal("v");
        faasmLockStateWrite("v");
        faasmUnlockStateWrite("v");
        faasmUnlockStateGlobal("v");
    }
    else if (IS("write_push")) {
        faasmWriteState("v", data, 16);
        faasmPushState("v");
    }
    else if (IS("read")) {
        faasmReadState("v", buf, 16);
        faasmSetOutput(buf, 16);
    }
    else return 99;
    return 0;
}
