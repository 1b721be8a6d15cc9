// scratch_fill: input CAP (the byte limit the host gave /tmp). Fills /tmp until a write is refused, then tries to get past the limit by a sparse write, an ftruncate, and a hard link, and checks that deleting a file gives its bytes back; outputs one word per step, e.g. "filled=1048576 err=quota sparse=blocked grow=blocked freed=ok link=blocked".
#include <faasm/faasm.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static char chunk[65536];

// Writes `total` bytes to a new file in 64 KiB writes; returns the bytes written before the first failure.
static long fill(const char* path, long total, int* err) {
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (fd < 0) { *err = errno; return -1; }
    long done = 0;
    *err = 0;
    while (done < total) {
        long n = total - done < (long)sizeof(chunk) ? total - done : (long)sizeof(chunk);
        ssize_t w = write(fd, chunk, n);
        if (w < 0) { *err = errno; break; }
        done += w;
    }
    close(fd);
    return done;
}

static const char* word(int blocked) { return blocked ? "blocked" : "ALLOWED"; }

int main(void) {
    char input[32] = {0};
    int32_t len = faasmGetInputSize();
    if (len <= 0 || len >= (int32_t)sizeof(input)) return 2;
    faasmGetInput((uint8_t*)input, len);
    long cap = atol(input);
    memset(chunk, 'x', sizeof(chunk));
    int err;

    long filled = fill("/tmp/a", cap * 4, &err);
    const char* why = err == EDQUOT ? "quota" : strerror(err);

    int fd = open("/tmp/b", O_RDWR | O_CREAT, 0644);
    int sparse = pwrite(fd, "x", 1, 1L << 30) < 0;
    int grow = ftruncate(fd, 1L << 30) != 0;
    close(fd);

    unlink("/tmp/a");
    long half = fill("/tmp/c", cap / 2, &err);
    int freed = half == cap / 2;

    // a second name for /tmp/c, then the first removed: its bytes still count
    link("/tmp/c", "/tmp/d");
    unlink("/tmp/c");
    long more = fill("/tmp/e", cap / 2 + 65536, &err);
    int linkBlocked = more < cap / 2 + 65536;

    char out[256];
    int n = snprintf(out, sizeof(out), "filled=%ld err=%s sparse=%s grow=%s freed=%s link=%s", filled, why,
                     word(sparse), word(grow), freed ? "ok" : "FAILED", word(linkBlocked));
    faasmSetOutput((const uint8_t*)out, n);
    return 0;
}
