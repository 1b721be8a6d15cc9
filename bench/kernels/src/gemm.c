/* gemm: C = alpha*A*B + beta*C, doubles (PolyBench/C 4.2 gemm, i-k-j loop order). */
#include "bench.h"

#ifndef NI
#define NI 800
#endif
#ifndef NJ
#define NJ 820
#endif
#ifndef NK
#define NK 840
#endif

double A[NI][NK], B[NK][NJ], C[NI][NJ];
static const double alpha = 1.5, beta = 1.2;

static void prepare(void) {
  for (int i = 0; i < NI; i++)
    for (int k = 0; k < NK; k++) A[i][k] = (double)(i * (k + 1) % NK) / NK;
  for (int k = 0; k < NK; k++)
    for (int j = 0; j < NJ; j++) B[k][j] = (double)(k * (j + 2) % NJ) / NJ;
}

static void reset(void) {
  for (int i = 0; i < NI; i++)
    for (int j = 0; j < NJ; j++) C[i][j] = (double)((i * j + 1) % NI) / NI;
}

BENCH_NOINLINE static void kernel(void) {
  for (int i = 0; i < NI; i++) {
    for (int j = 0; j < NJ; j++) C[i][j] *= beta;
    for (int k = 0; k < NK; k++)
      for (int j = 0; j < NJ; j++) C[i][j] += alpha * A[i][k] * B[k][j];
  }
}

static uint64_t digest(void) { return bench_hash_f64(BENCH_HASH_INIT, &C[0][0], (size_t)NI * NJ); }

int main(int argc, char **argv) {
  static const bench_def b = {"gemm", prepare, reset, kernel, digest};
  return bench_main(&b, argc, argv);
}
