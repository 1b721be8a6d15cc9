/*
 * A library that needs a C stack (an array whose address escapes): it gets a
 * stack of its own, past its data, through __stack_pointer.
 */
__attribute__((noinline)) static void squares(volatile int* a, int n) {
    for (int i = 0; i < n; i++) a[i] = i * i;
}

int stack_sum(int n) {
    volatile int a[64];
    if (n > 64) n = 64;
    squares(a, n);
    int s = 0;
    for (int i = 0; i < n; i++) s += a[i];
    return s;
}
