/*
 * A library for dl_main.c: a side module (sdk/build-library.sh), no libc.
 * Its data lives in the caller's memory at __memory_base; its functions go
 * into the caller's table.
 */
static int calls = 0;
int offset = 5;

int scale(int x) {
    calls++;
    return x * 3 + offset;
}

int calls_so_far(void) { return calls; }

void fill(char* p, int n) {
    for (int i = 0; i < n; i++) p[i] = (char)('a' + i % 26);
}

int sum(const int* xs, int n) {
    int s = 0;
    for (int i = 0; i < n; i++) s += xs[i];
    return s;
}

typedef int (*intfn)(int);

intfn pick(void) { return scale; }

int apply(intfn f, int x) { return f(x) + 1; }
