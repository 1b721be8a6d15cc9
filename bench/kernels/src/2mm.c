/* 2mm: D = alpha*A*B*C + beta*D, doubles (PolyBench/C 4.2 2mm, i-j-k dot-product loops). */
#include "bench.h"

#ifndef NI
#define NI 460
#endif
#ifndef NJ
#define NJ 480
#endif
#ifndef NK
#define NK 500
#endif
#ifndef NL
#define NL 520
#endif

double A[NI][NK], B[NK][NJ], C[NJ][NL], D[NI][NL], tmp[NI][NJ];
static const double alpha = 1.5, beta = 1.2;

static void prepare(void) {
  for (int i = 0; i < NI; i++)
    for (int k = 0; k < NK; k++) A[i][k] = (double)((i * k + 1) % NI) / NI;
  for (int k = 0; k < NK; k++)
    for (int j = 0; j < NJ; j++) B[k][j] = (double)(k * (j + 1) % NJ) / NJ;
  for (int j = 0; j < NJ; j++)
    for (int l = 0; l < NL; l++) C[j][l] = (double)((j * (l + 3) + 1) % NL) / NL;
}

static void reset(void) {
  for (int i = 0; i < NI; i++)
    for (int l = 0; l < NL; l++) D[i][l] = (double)(i * (l + 2) % NK) / NK;
}

BENCH_NOINLINE static void kernel(void) {
  for (int i = 0; i < NI; i++)
    for (int j = 0; j < NJ; j++) {
      tmp[i][j] = 0.0;
      for (int k = 0; k < NK; k++) tmp[i][j] += alpha * A[i][k] * B[k][j];
    }
  for (int i = 0; i < NI; i++)
    for (int l = 0; l < NL; l++) {
      D[i][l] *= beta;
      for (int j = 0; j < NJ; j++) D[i][l] += tmp[i][j] * C[j][l];
    }
}

static uint64_t digest(void) { return bench_hash_f64(BENCH_HASH_INIT, &D[0][0], (size_t)NI * NL); }

int main(int argc, char **argv) {
  static const bench_def b = {"2mm", prepare, reset, kernel, digest};
  return bench_main(&b, argc, argv);
}
