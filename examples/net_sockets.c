// net_sockets: input "<host> <port> <n>": opens n sockets without closing them and outputs how many succeeded and the first error; proves the per-call socket cap and that sockets are closed when the call ends.
#include <faasm/faasm.h>
#include <stdio.h>

int main(void) {
    char in[300] = {0};
    int32_t len = faasmGetInput((uint8_t*)in, sizeof(in) - 1);
    in[len] = '\0';
    char host[256] = {0};
    int port = 0, n = 0;
    if (sscanf(in, "%255s %d %d", host, &port, &n) < 3) return 2;
    int opened = 0, error = 0;
    for (int i = 0; i < n; i++) {
        int32_t s = faasmNetConnect(host, port);
        if (s < 0) {
            error = s;
            break;
        }
        opened++;
    }
    char out[64];
    int w = snprintf(out, sizeof(out), "opened=%d error=%d", opened, error);
    faasmSetOutput((const uint8_t*)out, w);
    return 0;
}
