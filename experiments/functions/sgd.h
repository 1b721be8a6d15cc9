// sgd.h: what the SGD driver and workers share: the state keys and the layout of the data set
// (written by the experiment's generator, io.jfaasm.experiments.sgd.SparseDataset).
//
// A data set is CSR in four state values, for the training set (prefix "sgd-train-") and the
// held-out set ("sgd-test-"):
//   rows:   int32[m + 1], example i's non-zeros are [rows[i], rows[i+1])
//   cols:   uint16[nnz], feature indices (features < 65536)
//   vals:   float[nnz]
//   labels: int8[m], +1 or -1
// The weights are one float[features] value, "sgd-weights", updated in place by the workers.
#ifndef SGD_H
#define SGD_H
#include <faasm/faasm.h>
#include <math.h>
#include <stdint.h>

#define WEIGHTS "sgd-weights"

typedef struct {
    const int32_t* rows;   // rows[0] is the first example's offset in the full cols/vals
    const uint16_t* cols;  // cols[0] is the non-zero at rows[0]
    const float* vals;
    const int8_t* labels;
} Slice;

// Maps examples [first, last) of a set: only the chunks of state they use are pulled.
static Slice sgd_slice(const char* set, int32_t m, int32_t nnz, int32_t first, int32_t last) {
    char key[32];
    Slice s;
    snprintf(key, sizeof key, "sgd-%s-rows", set);
    s.rows = (const int32_t*)faasmReadStateOffsetPtr(key, (m + 1) * 4, first * 4, (last - first + 1) * 4);
    int32_t from = s.rows[0], to = s.rows[last - first];
    snprintf(key, sizeof key, "sgd-%s-cols", set);
    s.cols = (const uint16_t*)faasmReadStateOffsetPtr(key, nnz * 2, from * 2, (to - from) * 2);
    snprintf(key, sizeof key, "sgd-%s-vals", set);
    s.vals = (const float*)faasmReadStateOffsetPtr(key, nnz * 4, from * 4, (to - from) * 4);
    snprintf(key, sizeof key, "sgd-%s-labels", set);
    s.labels = (const int8_t*)faasmReadStateOffsetPtr(key, m, first, last - first);
    return s;
}

// w . x for example i of the slice
static float sgd_margin(const Slice* s, const float* w, int32_t i) {
    int32_t base = s->rows[0];
    float dot = 0;
    for (int32_t k = s->rows[i] - base; k < s->rows[i + 1] - base; k++) dot += w[s->cols[k]] * s->vals[k];
    return dot;
}

// logistic loss of margin y * (w . x), computed without overflow
static double sgd_loss(float ym) {
    return ym > 0 ? log1p(exp(-ym)) : -ym + log1p(exp(ym));
}
#endif
