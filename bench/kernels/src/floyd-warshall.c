/* floyd-warshall: all-pairs shortest paths on an N-node graph, int32 (PolyBench/C 4.2). */
#include "bench.h"

#ifndef N
#define N 560
#endif

int32_t path[N][N];

static void reset(void) {
  for (int i = 0; i < N; i++)
    for (int j = 0; j < N; j++) {
      path[i][j] = i * j % 7 + 1;
      if ((i + j) % 13 == 0 || (i + j) % 7 == 0 || (i + j) % 11 == 0) path[i][j] = 999;
    }
}

BENCH_NOINLINE static void kernel(void) {
  for (int k = 0; k < N; k++)
    for (int i = 0; i < N; i++)
      for (int j = 0; j < N; j++)
        path[i][j] = path[i][j] < path[i][k] + path[k][j] ? path[i][j] : path[i][k] + path[k][j];
}

static uint64_t digest(void) { return bench_hash_i32(BENCH_HASH_INIT, &path[0][0], (size_t)N * N); }

int main(int argc, char **argv) {
  static const bench_def b = {"floyd-warshall", NULL, reset, kernel, digest};
  return bench_main(&b, argc, argv);
}
