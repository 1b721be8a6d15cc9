// file_escape: tries to read /etc/passwd directly, via "..", and via symlinks; prints BLOCKED/READ per attempt and outputs the number of successful reads; proves the file system sandbox holds.
#include <faasm/faasm.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static int reads = 0;

// Tries to open and read `path`; prints the result; counts successful reads.
static void attempt(const char* path) {
    int fd = open(path, O_RDONLY);
    if (fd < 0) {
        printf("BLOCKED %s (open: %s)\n", path, strerror(errno));
        return;
    }
    char buf[48];
    ssize_t n = read(fd, buf, sizeof(buf));
    int err = errno;
    close(fd);
    if (n < 0) {
        printf("BLOCKED %s (read: %s)\n", path, strerror(err));
        return;
    }
    for (ssize_t i = 0; i < n; i++)
        if (buf[i] < 0x20 || buf[i] > 0x7e) buf[i] = '.';
    printf("READ %s: %.*s\n", path, (int)n, buf);
    reads++;
}

// Tries to create symlink `link` -> `target`, then to read through it.
static void attemptLink(const char* target, const char* link) {
    unlink(link);
    if (symlink(target, link) != 0) {
        printf("BLOCKED %s -> %s (symlink: %s)\n", link, target, strerror(errno));
        return;
    }
    attempt(link);
    unlink(link);
}

int main(void) {
    attempt("/etc/passwd");
    attempt("../../../../etc/passwd");
    attempt("/data/../../etc/passwd");
    attempt("/data/../../../../../../etc/passwd");
    attemptLink("/etc/passwd", "/data/escape_abs");
    attemptLink("../../../../../../etc/passwd", "/data/escape_rel");
    attemptLink("/etc/passwd", "escape_cwd");

    char out[16];
    int len = snprintf(out, sizeof(out), "%d", reads);
    faasmSetOutput((const uint8_t*)out, len);
    return 0;
}
