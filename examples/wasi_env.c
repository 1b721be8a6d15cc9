// wasi_env: prints argv, $GREETING, /data/in.txt, writes /data/out.txt, checks clock and random, outputs "ok"; proves the WASI args/env/files/clock/random wiring.
#include <faasm/faasm.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

int main(int argc, char** argv) {
    for (int i = 0; i < argc; i++) printf("arg[%d]=%s\n", i, argv[i]);

    const char* greeting = getenv("GREETING");
    printf("GREETING=%s\n", greeting ? greeting : "(unset)");

    FILE* in = fopen("/data/in.txt", "rb");
    if (in) {
        char buf[1024];
        size_t n;
        printf("in.txt:\n");
        while ((n = fread(buf, 1, sizeof(buf), in)) > 0) fwrite(buf, 1, n, stdout);
        printf("\n");
        fclose(in);
    } else {
        printf("in.txt: (absent)\n");
    }

    FILE* out = fopen("/data/out.txt", "wb");
    if (out) {
        fputs("written by wasi_env", out);
        fclose(out);
        printf("out.txt written\n");
    } else {
        printf("out.txt: cannot write\n");
    }

    struct timespec ts;
    if (clock_gettime(CLOCK_REALTIME, &ts) == 0 && ts.tv_sec > 0)
        printf("clock ok\n");
    else
        printf("clock FAILED\n");

    unsigned char rnd[32];
    if (getentropy(rnd, sizeof(rnd)) == 0)
        printf("random ok\n");
    else
        printf("random FAILED\n");

    faasmSetOutput((const uint8_t*)"ok", 2);
    return 0;
}
