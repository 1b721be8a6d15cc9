// net_client: input "<host> <port> <bytes> [message]": connects, sends the message, or <bytes> bytes of filler when there is none, then reads the reply to the end and outputs it; return code = the errno of a refused connect; proves policed sockets (allow-list, bandwidth, socket cap).
#include <faasm/faasm.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int main(void) {
    char in[512] = {0};
    int32_t len = faasmGetInput((uint8_t*)in, sizeof(in) - 1);
    in[len] = '\0';
    char host[256] = {0};
    int port = 0, bytes = 0, consumed = 0;
    if (sscanf(in, "%255s %d %d %n", host, &port, &bytes, &consumed) < 3) return 2;
    const char* message = in + consumed;

    int32_t sock = faasmNetConnect(host, port);
    if (sock < 0) {
        printf("connect failed: %d\n", sock);
        return -sock;
    }
    if (*message) {
        faasmNetSend(sock, (const uint8_t*)message, (int32_t)strlen(message));
    } else {
        static uint8_t filler[65536];
        memset(filler, 'x', sizeof(filler));
        for (int sent = 0; sent < bytes; sent += sizeof(filler)) {
            int n = bytes - sent < (int)sizeof(filler) ? bytes - sent : (int)sizeof(filler);
            faasmNetSend(sock, filler, n);
        }
        faasmNetClose(sock);
        return 0;
    }
    static uint8_t reply[65536];
    int32_t total = 0, n;
    while (total < (int32_t)sizeof(reply) && (n = faasmNetRecv(sock, reply + total, sizeof(reply) - total)) > 0) {
        total += n;
    }
    faasmSetOutput(reply, total);
    return 0;
}
