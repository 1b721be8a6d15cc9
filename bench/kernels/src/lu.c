/*
 * lu: in-place LU decomposition without pivoting, doubles (PolyBench/C 4.2 lu
 * kernel). The input is a seeded pseudo-random, strictly diagonally dominant
 * matrix (PolyBench builds B*B^T instead, which costs O(N^3) just to set up).
 */
#include "bench.h"

#ifndef N
#define N 640
#endif

double A[N][N], A0[N][N];

static void prepare(void) {
  bench_lcg g = {12345};
  for (int i = 0; i < N; i++) {
    for (int j = 0; j < N; j++) A0[i][j] = bench_lcg_unit(&g) - 0.5;
    A0[i][i] += N;
  }
}

static void reset(void) { memcpy(A, A0, sizeof A); }

BENCH_NOINLINE static void kernel(void) {
  for (int i = 0; i < N; i++) {
    for (int j = 0; j < i; j++) {
      for (int k = 0; k < j; k++) A[i][j] -= A[i][k] * A[k][j];
      A[i][j] /= A[j][j];
    }
    for (int j = i; j < N; j++)
      for (int k = 0; k < i; k++) A[i][j] -= A[i][k] * A[k][j];
  }
}

static uint64_t digest(void) { return bench_hash_f64(BENCH_HASH_INIT, &A[0][0], (size_t)N * N); }

int main(int argc, char **argv) {
  static const bench_def b = {"lu", prepare, reset, kernel, digest};
  return bench_main(&b, argc, argv);
}
