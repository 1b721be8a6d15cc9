/* jacobi-2d: 5-point Jacobi stencil on an N x N grid, TSTEPS double sweeps (PolyBench/C 4.2). */
#include "bench.h"

#ifndef N
#define N 1000
#endif
#ifndef TSTEPS
#define TSTEPS 100
#endif

double A[N][N], B[N][N];

static void reset(void) {
  for (int i = 0; i < N; i++)
    for (int j = 0; j < N; j++) {
      A[i][j] = ((double)i * (j + 2) + 2) / N;
      B[i][j] = ((double)i * (j + 3) + 3) / N;
    }
}

BENCH_NOINLINE static void kernel(void) {
  for (int t = 0; t < TSTEPS; t++) {
    for (int i = 1; i < N - 1; i++)
      for (int j = 1; j < N - 1; j++)
        B[i][j] = 0.2 * (A[i][j] + A[i][j - 1] + A[i][j + 1] + A[i + 1][j] + A[i - 1][j]);
    for (int i = 1; i < N - 1; i++)
      for (int j = 1; j < N - 1; j++)
        A[i][j] = 0.2 * (B[i][j] + B[i][j - 1] + B[i][j + 1] + B[i + 1][j] + B[i - 1][j]);
  }
}

static uint64_t digest(void) { return bench_hash_f64(BENCH_HASH_INIT, &A[0][0], (size_t)N * N); }

int main(int argc, char **argv) {
  static const bench_def b = {"jacobi-2d", NULL, reset, kernel, digest};
  return bench_main(&b, argc, argv);
}
