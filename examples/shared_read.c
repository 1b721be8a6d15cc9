// shared_read: outputs the bytes of /shared/<input> (the user's shared files, read-only); with an empty input, the names under /shared, one a line; returns 1 (and says why on stderr) when it cannot.
#include <faasm/faasm.h>
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int main(void) {
    char name[512];
    int32_t n = faasmGetInputSize();
    if (n < 0 || n >= (int32_t)sizeof(name) - 9) {
        fprintf(stderr, "input too long\n");
        return 1;
    }
    faasmGetInput((uint8_t*)name, n);
    name[n] = 0;

    if (n == 0) {
        DIR* d = opendir("/shared");
        if (!d) {
            fprintf(stderr, "opendir /shared: %s\n", strerror(errno));
            return 1;
        }
        char out[4096];
        size_t len = 0;
        struct dirent* e;
        while ((e = readdir(d)) != NULL) {
            if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0) continue;
            len += snprintf(out + len, sizeof(out) - len, "%s\n", e->d_name);
            if (len >= sizeof(out)) { len = sizeof(out) - 1; break; }
        }
        closedir(d);
        faasmSetOutput((const uint8_t*)out, (int32_t)len);
        return 0;
    }

    char path[520];
    snprintf(path, sizeof(path), "/shared/%s", name);
    FILE* f = fopen(path, "rb");
    if (!f) {
        fprintf(stderr, "open %s: %s\n", path, strerror(errno));
        return 1;
    }
    size_t cap = 1 << 16, len = 0, r;
    uint8_t* buf = malloc(cap);
    while ((r = fread(buf + len, 1, cap - len, f)) > 0) {
        len += r;
        if (len == cap) buf = realloc(buf, cap *= 2);
    }
    fclose(f);
    faasmSetOutput(buf, (int32_t)len);
    return 0;
}
