// files_hostile: tries to change the read-only shared files (/shared/f, /shared/sub/g must exist) in every way WASI offers, and to reach outside /shared and /tmp by "..", absolute paths and symlinks; prints BLOCKED/ALLOWED per attempt and outputs the number allowed (0 when the sandbox holds).
#include <faasm/faasm.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <unistd.h>

static int allowed = 0;

static void report(const char* what, int ok) {
    if (ok) {
        printf("ALLOWED %s\n", what);
        allowed++;
    } else {
        printf("BLOCKED %s (%s)\n", what, strerror(errno));
    }
}

// Opens with the flags; the attempt counts as allowed if the open succeeds.
static void tryOpen(const char* what, const char* path, int flags) {
    int fd = open(path, flags, 0644);
    report(what, fd >= 0);
    if (fd >= 0) close(fd);
}

// Reads a path outside the sandbox; allowed if any byte comes back.
static void tryRead(const char* what, const char* path) {
    char buf[16];
    int fd = open(path, O_RDONLY);
    ssize_t n = fd >= 0 ? read(fd, buf, sizeof(buf)) : -1;
    report(what, n > 0);
    if (fd >= 0) close(fd);
}

int main(void) {
    // writes to a shared file
    tryOpen("open O_WRONLY", "/shared/f", O_WRONLY);
    tryOpen("open O_RDWR", "/shared/f", O_RDWR);
    tryOpen("open O_TRUNC", "/shared/f", O_WRONLY | O_TRUNC);
    tryOpen("open O_APPEND", "/shared/f", O_WRONLY | O_APPEND);
    tryOpen("open O_CREAT new file", "/shared/new", O_WRONLY | O_CREAT);
    tryOpen("open O_CREAT in subdirectory", "/shared/sub/new", O_RDWR | O_CREAT);
    int fd = open("/shared/f", O_RDONLY);
    if (fd >= 0) {
        report("write on a read fd", write(fd, "x", 1) == 1);
        report("pwrite on a read fd", pwrite(fd, "x", 1, 0) == 1);
        report("ftruncate on a read fd", ftruncate(fd, 0) == 0);
        report("posix_fallocate on a read fd", posix_fallocate(fd, 0, 4096) == 0);
        struct timespec ts[2] = {{0, 0}, {0, 0}};
        report("futimens on a read fd", futimens(fd, ts) == 0);
        close(fd);
    } else {
        report("open O_RDONLY (must work)", 1); // counted: the test expects reads to work
    }
    struct timeval tv[2] = {{0, 0}, {0, 0}};
    report("utimes", utimes("/shared/f", tv) == 0);
    // the namespace of the shared directory
    report("unlink", unlink("/shared/f") == 0);
    report("unlink in subdirectory", unlink("/shared/sub/g") == 0);
    report("rmdir", rmdir("/shared/sub") == 0);
    report("mkdir", mkdir("/shared/d", 0755) == 0);
    report("rename within /shared", rename("/shared/f", "/shared/f2") == 0);
    report("rename /shared -> /tmp", rename("/shared/f", "/tmp/stolen") == 0);
    FILE* t = fopen("/tmp/planted", "wb");
    if (t) { fputs("planted", t); fclose(t); }
    report("rename /tmp -> /shared", rename("/tmp/planted", "/shared/planted") == 0);
    report("rename /tmp over a shared file", rename("/tmp/planted", "/shared/f") == 0);
    report("symlink in /shared", symlink("f", "/shared/link") == 0);
    // a hard link in /tmp to a shared file would make it writable through /tmp
    if (link("/shared/f", "/tmp/hardlink") == 0) {
        report("link /shared -> /tmp", 1);
        tryOpen("write through the hard link", "/tmp/hardlink", O_WRONLY | O_TRUNC);
    } else {
        report("link /shared -> /tmp", 0);
    }
    // a symlink in /tmp naming the shared file, then written through
    if (symlink("/shared/f", "/tmp/symlink") == 0) {
        report("symlink /tmp -> /shared/f", 1);
        tryOpen("write through the symlink", "/tmp/symlink", O_WRONLY | O_TRUNC);
    } else {
        report("symlink /tmp -> /shared/f", 0);
    }
    // escapes from either directory
    tryRead("read /etc/passwd", "/etc/passwd");
    tryRead("read /shared/../../etc/passwd", "/shared/../../etc/passwd");
    tryRead("read /shared/../../../../../../etc/passwd", "/shared/../../../../../../etc/passwd");
    tryRead("read /tmp/../../../../../../etc/passwd", "/tmp/../../../../../../etc/passwd");
    tryRead("read ../etc/passwd", "../etc/passwd");
    tryRead("read /shared/sub/../../../etc/passwd", "/shared/sub/../../../etc/passwd");
    tryRead("read another directory beside /shared", "/shared/../other/f");
    report("symlink /tmp/up -> ../../../../etc", symlink("../../../../etc", "/tmp/up") == 0);
    tryRead("read through /tmp/up", "/tmp/up/passwd");
    report("symlink /tmp/abs -> /etc/passwd", symlink("/etc/passwd", "/tmp/abs") == 0);
    tryRead("read through /tmp/abs", "/tmp/abs");
    mkdir("/tmp/d", 0755);
    report("symlink /tmp/d/up -> ..", symlink("..", "/tmp/d/up") == 0);
    tryRead("read /tmp/d/up/../../etc/passwd", "/tmp/d/up/../../../../etc/passwd");

    char out[16];
    int len = snprintf(out, sizeof(out), "%d", allowed);
    faasmSetOutput((const uint8_t*)out, len);
    return 0;
}
