// noop_idle: the native idle instance of the process-per-call baseline (ProcessBaseline).
// examples/noop.c (`int main(void) { return 0; }`) compiled natively is what runs per call; this is
// the same program, except that it waits in pause() before returning, so the memory of a started,
// idle process can be measured. Built by build.sh with the same flags.
#include <unistd.h>

int main(void) {
    pause();
    return 0;
}
