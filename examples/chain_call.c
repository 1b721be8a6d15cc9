// chain_call: input "<function> <input...>": chains the named function of the same user with the rest as its input, awaits it, outputs its output and returns its return code; proves a chained call runs under the callee's own settings (its network allow-list).
#include <faasm/faasm.h>
#include <string.h>

int main(void) {
    static char in[4096];
    int32_t len = faasmGetInput((uint8_t*)in, sizeof(in) - 1);
    in[len] = '\0';
    char* space = strchr(in, ' ');
    if (space == NULL) return 2;
    *space = '\0';
    const char* rest = space + 1;
    int32_t id = faasmChainNamed(in, (const uint8_t*)rest, (int32_t)strlen(rest));
    int32_t rc = faasmAwaitCall(id);
    static uint8_t out[65536];
    int32_t n = faasmAwaitCallOutput(id, out, sizeof(out));
    if (n > 0) faasmSetOutput(out, n);
    return rc;
}
