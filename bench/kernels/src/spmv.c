/*
 * spmv: sparse matrix-vector product y = A*x in CSR format, doubles, repeated
 * ITERS times as a power iteration (x <- A*x). A has ROWS rows and NNZ_ROW
 * entries per row at pseudo-random columns (seeded LCG); each row is
 * normalised to sum 1, so the iterate stays bounded. The indirect, irregular
 * loads x[col[k]] make this kernel memory-latency bound.
 */
#include "bench.h"

#ifndef ROWS
#define ROWS 200000
#endif
#ifndef NNZ_ROW
#define NNZ_ROW 12
#endif
#ifndef ITERS
#define ITERS 30
#endif
#define NNZ (ROWS * NNZ_ROW)

int32_t row_ptr[ROWS + 1], col[NNZ];
double val[NNZ], x[ROWS], y[ROWS];

static void prepare(void) {
  bench_lcg g = {2024};
  int32_t k = 0;
  for (int i = 0; i < ROWS; i++) {
    row_ptr[i] = k;
    double sum = 0.0;
    for (int e = 0; e < NNZ_ROW; e++) {
      /* half the entries near the diagonal, half anywhere: some locality */
      uint32_t r = bench_lcg_next(&g);
      int32_t c = (e & 1) ? (int32_t)(r % ROWS)
                          : (int32_t)((i + (int32_t)(r % 2048) - 1024 + ROWS) % ROWS);
      col[k] = c;
      val[k] = bench_lcg_unit(&g) + 0.0625;
      sum += val[k];
      k++;
    }
    for (int32_t q = row_ptr[i]; q < k; q++) val[q] /= sum;
  }
  row_ptr[ROWS] = k;
}

static void reset(void) {
  for (int i = 0; i < ROWS; i++) x[i] = (double)(i % 1000) / 1000.0 + 0.5;
}

BENCH_NOINLINE static void kernel(void) {
  for (int it = 0; it < ITERS; it++) {
    for (int i = 0; i < ROWS; i++) {
      double s = 0.0;
      for (int32_t k = row_ptr[i]; k < row_ptr[i + 1]; k++) s += val[k] * x[col[k]];
      y[i] = s;
    }
    memcpy(x, y, sizeof x);
  }
}

static uint64_t digest(void) { return bench_hash_f64(BENCH_HASH_INIT, x, ROWS); }

int main(int argc, char **argv) {
  static const bench_def b = {"spmv", prepare, reset, kernel, digest};
  return bench_main(&b, argc, argv);
}
