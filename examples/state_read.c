// state_read: reads a state value through a pointer (ptr: __faasm_read_state_ptr) or copies it into a malloc'ed buffer (copy: __faasm_read_state), or neither (none: the call alone), then touches it (one: byte 0; page: one byte per 4 KiB; sum: every 64-bit word); input "<ptr|copy|none> <key> <size> <one|page|sum> [slot]"; output "sum=<checksum> state_ns=<time of the state call> touch_ns=<time of the touch>"; with a slot, it then sets byte <slot> of key "ready" through a pointer and waits, still holding the value, until byte 0 of key "gate" is non-zero (used by the state benchmarks).
#include <faasm/faasm.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

// No sscanf/snprintf: the call stays small, so the state call is most of what differs between modes.

static long long now_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

// The next space-separated word of *s (NUL-terminated in place), or NULL.
static char* word(char** s) {
    while (**s == ' ') (*s)++;
    if (**s == '\0') return NULL;
    char* w = *s;
    while (**s != '\0' && **s != ' ') (*s)++;
    if (**s == ' ') *(*s)++ = '\0';
    return w;
}

static int put_u64(char* out, const char* label, unsigned long long v) {
    int n = 0;
    while (*label) out[n++] = *label++;
    char digits[24];
    int d = 0;
    do {
        digits[d++] = (char)('0' + v % 10);
        v /= 10;
    } while (v);
    while (d) out[n++] = digits[--d];
    return n;
}

int main(void) {
    char in[256] = {0};
    int32_t len = faasmGetInput((uint8_t*)in, sizeof(in) - 1);
    in[len < 0 ? 0 : len] = '\0';
    char* rest = in;
    char* mode = word(&rest);
    char* key = word(&rest);
    char* size_s = word(&rest);
    char* touch = word(&rest);
    char* slot_s = word(&rest);
    int size = size_s ? atoi(size_s) : 0;
    int slot = slot_s ? atoi(slot_s) : -1;
    if (touch == NULL || size <= 0) {
        faasmSetOutput((const uint8_t*)"bad input", 9);
        return 2;
    }

    long long t0 = now_ns();
    const uint8_t* v = NULL;
    if (strcmp(mode, "ptr") == 0) {
        v = faasmReadStatePtr(key, size);
    } else if (strcmp(mode, "copy") == 0) {
        uint8_t* buf = malloc(size);
        if (buf == NULL) return 3;
        faasmReadState(key, buf, size);
        v = buf;
    } else if (strcmp(mode, "none") != 0) {
        return 2;
    }
    long long t1 = now_ns();

    unsigned long long sum = 0;
    if (v != NULL) {
        if (strcmp(touch, "one") == 0) {
            sum = v[0];
        } else if (strcmp(touch, "page") == 0) {
            for (int i = 0; i < size; i += 4096) sum += v[i];
        } else if (strcmp(touch, "sum") == 0) {
            const unsigned long long* w = (const unsigned long long*)v;
            for (int i = 0; i < size / 8; i++) sum += w[i];
        } else {
            return 2;
        }
    }
    long long t2 = now_ns();

    if (slot >= 0 && slot < 64) {
        volatile uint8_t* ready = faasmReadStatePtr("ready", 64);
        volatile uint8_t* gate = faasmReadStatePtr("gate", 8);
        ready[slot] = 1;
        while (gate[0] == 0) usleep(2000);  // the value stays mapped (or copied) meanwhile
    }

    char out[96];
    int n = put_u64(out, "sum=", sum);
    n += put_u64(out + n, " state_ns=", (unsigned long long)(t1 - t0));
    n += put_u64(out + n, " touch_ns=", (unsigned long long)(t2 - t1));
    faasmSetOutput((const uint8_t*)out, n);
    return 0;
}
