/* A library whose constructor traps: dlopen must return NULL, not fail the call. */
static int ready;

__attribute__((constructor)) static void init(void) {
    ready = 1;
    __builtin_trap();
}

int is_ready(void) { return ready; }
