// scratch: input "TOKEN [PARTIES [trap|spin]]". Counts what /tmp (the call's scratch directory) holds at start, writes /tmp/TOKEN, a directory and a symlink, waits until PARTIES calls have arrived (a barrier in state key "scratch_barrier", so concurrent calls provably overlap), then outputs "before=N files=A,B,C content=TOKEN": what it sees of /tmp. "trap" or "spin" then traps or loops forever, leaving its files behind for the host to clean up.
#include <faasm/faasm.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static int cmp(const void* a, const void* b) { return strcmp(*(char* const*)a, *(char* const*)b); }

// The names in /tmp, sorted, joined by ','; returns how many.
static int list(char* out, size_t cap) {
    char* names[64];
    int count = 0;
    DIR* d = opendir("/tmp");
    if (!d) { snprintf(out, cap, "(opendir: %s)", strerror(errno)); return -1; }
    struct dirent* e;
    while ((e = readdir(d)) != NULL && count < 64) {
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0) continue;
        names[count++] = strdup(e->d_name);
    }
    closedir(d);
    qsort(names, count, sizeof(char*), cmp);
    out[0] = 0;
    for (int i = 0; i < count; i++) {
        if (i) strncat(out, ",", cap - strlen(out) - 1);
        strncat(out, names[i], cap - strlen(out) - 1);
        free(names[i]);
    }
    return count;
}

// Every call adds one to the counter, then waits until it reaches `parties`.
static void barrier(int parties) {
    const char* key = "scratch_barrier";
    int32_t n;
    __faasm_lock_state_global(key);
    __faasm_pull_state(key, 4);
    faasmReadState(key, (uint8_t*)&n, 4);
    n++;
    __faasm_write_state(key, (const uint8_t*)&n, 4);
    __faasm_push_state(key);
    __faasm_unlock_state_global(key);
    // Under the lock: a pull overwrites this host's copy, so one between another call's write and
    // its push would lose that call's arrival (docs/state-consistency.md, 2.2).
    while (n < parties) {
        __faasm_lock_state_global(key);
        __faasm_pull_state(key, 4);
        faasmReadState(key, (uint8_t*)&n, 4);
        __faasm_unlock_state_global(key);
    }
}

int main(void) {
    char input[128] = {0}, token[64] = {0}, mode[16] = {0};
    int32_t len = faasmGetInputSize();
    if (len <= 0 || len >= (int32_t)sizeof(input)) return 2;
    faasmGetInput((uint8_t*)input, len);
    int parties = 0;
    if (sscanf(input, "%63s %d %15s", token, &parties, mode) < 1) return 2;

    char before[1024], after[1024], path[128], content[64] = {0};
    int count = list(before, sizeof(before));

    snprintf(path, sizeof(path), "/tmp/%s", token);
    FILE* f = fopen(path, "wb");
    if (!f) { fprintf(stderr, "create %s: %s\n", path, strerror(errno)); return 1; }
    fputs(token, f);
    fclose(f);
    mkdir("/tmp/dir", 0755);
    FILE* g = fopen("/tmp/dir/inner", "wb");
    if (g) { fputs("inner", g); fclose(g); }
    symlink("dir", "/tmp/link");

    if (parties > 1) barrier(parties);

    list(after, sizeof(after));
    f = fopen(path, "rb");
    if (f) { fread(content, 1, sizeof(content) - 1, f); fclose(f); }

    if (strcmp(mode, "trap") == 0) __builtin_trap();
    if (strcmp(mode, "spin") == 0) for (volatile int i = 0;; i++) {}

    char out[2200];
    int n = snprintf(out, sizeof(out), "before=%d files=%s content=%s", count, after, content);
    faasmSetOutput((const uint8_t*)out, n);
    return 0;
}
