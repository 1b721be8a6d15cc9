/* LD_PRELOAD shim: CLOCK_MONOTONIC reads become the calling thread's CPU time, so a native
 * kernel's ns lines measure its own work on a machine shared with other processes (see README,
 * "CPU-time mode"). Build: gcc -O2 -shared -fPIC -o build/cputime.so cputime.c -ldl */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <time.h>

int clock_gettime(clockid_t clk, struct timespec *ts) {
  static int (*real)(clockid_t, struct timespec *);
  if (!real) real = (int (*)(clockid_t, struct timespec *))dlsym(RTLD_NEXT, "clock_gettime");
  return real(clk == CLOCK_MONOTONIC ? CLOCK_THREAD_CPUTIME_ID : clk, ts);
}
