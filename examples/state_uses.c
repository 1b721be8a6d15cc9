// state_uses: imports every state/chaining call of the ABI and runs the one named by its input (default: faasmWriteState("k", ...)); proves such modules link and load (the calls fail at run time until implemented).
#include <faasm/faasm.h>
#include <string.h>

static int chained(void) { return 0; }

int main(void) {
    char name[64];
    int32_t len = faasmGetInputSize();
    if (len > (int32_t)sizeof(name) - 1) len = (int32_t)sizeof(name) - 1;
    int32_t got = len > 0 ? faasmGetInput((uint8_t*)name, len) : 0;
    name[got] = '\0';

    static const uint8_t value[] = "value";
    uint8_t buf[16];
    const char* k = "k";
#define IS(s) (strcmp(name, (s)) == 0)
    if (got == 0 || IS("write_state")) faasmWriteState(k, value, 5);
    else if (IS("write_state_offset")) faasmWriteStateOffset(k, 5, 1, value, 2);
    else if (IS("read_state")) faasmReadState(k, buf, 5);
    else if (IS("read_state_ptr")) faasmReadStatePtr(k, 5)[0] = 'x';
    else if (IS("read_state_offset")) faasmReadStateOffset(k, 5, 1, buf, 2);
    else if (IS("read_state_offset_ptr")) faasmReadStateOffsetPtr(k, 5, 1, 2)[0] = 'x';
    else if (IS("append_state")) faasmAppendState(k, value, 5);
    else if (IS("read_appended_state")) faasmReadAppendedState(k, buf, 10, 2);
    else if (IS("clear_appended_state")) faasmClearAppendedState(k);
    else if (IS("flag_state_dirty")) faasmFlagStateDirty(k, 5);
    else if (IS("flag_state_offset_dirty")) faasmFlagStateOffsetDirty(k, 5, 1, 2);
    else if (IS("push_state")) faasmPushState(k);
    else if (IS("push_state_partial")) faasmPushStatePartial(k);
    else if (IS("pull_state")) faasmPullState(k, 5);
    else if (IS("lock_state_read")) faasmLockStateRead(k);
    else if (IS("unlock_state_read")) faasmUnlockStateRead(k);
    else if (IS("lock_state_write")) faasmLockStateWrite(k);
    else if (IS("unlock_state_write")) faasmUnlockStateWrite(k);
    else if (IS("lock_state_global")) faasmLockStateGlobal(k);
    else if (IS("unlock_state_global")) faasmUnlockStateGlobal(k);
    else if (IS("chain_name")) faasmAwaitCall(faasmChainNamed("echo", value, 5));
    else if (IS("chain_ptr")) faasmAwaitCallOutput(faasmChainPtr(chained, value, 5), buf, sizeof(buf));
    else if (IS("get_idx")) buf[0] = (uint8_t)faasmGetIdx();
    else if (IS("conf_flag")) buf[0] = (uint8_t)faasmGetConfFlag("flag");
    else if (IS("read_state_size")) buf[0] = (uint8_t)faasmReadStateSize(k);
    else return 2;
#undef IS
    faasmSetOutput((const uint8_t*)"done", 4);
    return 0;
}
