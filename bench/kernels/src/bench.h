/*
 * Shared driver for the JFaasm compute kernels (bench/kernels).
 *
 * Every kernel is a WASI/POSIX command:  NAME [repetitions]   (default 10)
 * It prepares its data deterministically, then for each repetition resets
 * the mutable data (untimed), times the kernel with CLOCK_MONOTONIC and
 * prints   kernel=NAME rep=I ns=NANOS
 * At the end it prints   checksum=HEX   -- a 64-bit hash of the *bit
 * patterns* of the results, so native and wasm builds must agree exactly.
 * Every repetition's result is hashed (untimed) and must be identical;
 * otherwise the program exits with status 3.
 *
 * Exactness notes: only + - * / and sqrt (all correctly rounded in IEEE 754
 * and in WebAssembly) are used on doubles, no libm transcendental functions,
 * and no FMA contraction happens on baseline x86-64 or wasm32.
 */
#ifndef JFAASM_BENCH_H
#define JFAASM_BENCH_H

#ifndef _POSIX_C_SOURCE
#define _POSIX_C_SOURCE 200809L /* clock_gettime under -std=c11 */
#endif

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* Kernels are kept as separate (not inlined) functions, PolyBench-style. */
#define BENCH_NOINLINE __attribute__((noinline))

/* Compiler barrier: keeps the kernel's memory effects between the clock reads. */
static inline void bench_barrier(void) { __asm__ volatile("" ::: "memory"); }

static inline uint64_t bench_now_ns(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

/* ---- result hashing (FNV-1a over 64-bit words, plus a xor-shift) ---- */
#define BENCH_HASH_INIT 0xcbf29ce484222325ull

static inline uint64_t bench_hash_u64(uint64_t h, uint64_t w) {
  h ^= w;
  h *= 0x100000001b3ull;
  h ^= h >> 29;
  return h;
}

static inline uint64_t bench_hash_f64(uint64_t h, const double *p, size_t n) {
  for (size_t i = 0; i < n; i++) {
    uint64_t w;
    double d = p[i];
    if (d != d) d = __builtin_nan(""); /* NaN payloads differ between ISAs */
    memcpy(&w, &d, sizeof w);
    h = bench_hash_u64(h, w);
  }
  return h;
}

static inline uint64_t bench_hash_i32(uint64_t h, const int32_t *p, size_t n) {
  for (size_t i = 0; i < n; i++) h = bench_hash_u64(h, (uint64_t)(uint32_t)p[i]);
  return h;
}

/* ---- deterministic pseudo-random numbers (64-bit LCG, Knuth MMIX) ---- */
typedef struct { uint64_t s; } bench_lcg;

static inline uint32_t bench_lcg_next(bench_lcg *g) {
  g->s = g->s * 6364136223846793005ull + 1442695040888963407ull;
  return (uint32_t)(g->s >> 33); /* 31 random bits */
}

/* uniform double in [0, 1), exactly representable */
static inline double bench_lcg_unit(bench_lcg *g) {
  return (double)bench_lcg_next(g) / 2147483648.0;
}

/* ---- the driver ---- */
typedef struct {
  const char *name;
  void (*prepare)(void);     /* once, untimed (may be NULL) */
  void (*reset)(void);       /* before every repetition, untimed (may be NULL) */
  void (*kernel)(void);      /* timed */
  uint64_t (*digest)(void);  /* after every repetition, untimed */
} bench_def;

static int bench_main(const bench_def *b, int argc, char **argv) {
  long reps = 10;
  if (argc > 1) {
    char *end;
    reps = strtol(argv[1], &end, 10);
    if (*argv[1] == '\0' || *end != '\0' || reps < 1 || reps > 1000000) {
      fprintf(stderr, "usage: %s [repetitions]\n", argv[0]);
      return 2;
    }
  }
  if (b->prepare) b->prepare();
  uint64_t first = 0;
  for (long r = 0; r < reps; r++) {
    if (b->reset) b->reset();
    bench_barrier();
    uint64_t t0 = bench_now_ns();
    b->kernel();
    bench_barrier();
    uint64_t t1 = bench_now_ns();
    printf("kernel=%s rep=%ld ns=%llu\n", b->name, r, (unsigned long long)(t1 - t0));
    fflush(stdout);
    uint64_t h = b->digest();
    if (r == 0) {
      first = h;
    } else if (h != first) {
      fprintf(stderr, "%s: result of repetition %ld differs from repetition 0\n", b->name, r);
      return 3;
    }
  }
  printf("checksum=%016llx\n", (unsigned long long)first);
  fflush(stdout);
  return 0;
}

#endif
