// sgd_worker: one HOGWILD! worker of sparse logistic regression: runs SGD over training examples
// [first, last) with no lock, updating the weights (state "sgd-weights") in place through a
// pointer; every <sync> examples (0: never) it pushes the chunks it wrote and pulls the others'
// (what a private copy needs to see the other workers), and it pushes at the end.
// Input "<m> <nnz> <features> <first> <last> <rate> <sync>"; output "<loss sum> <examples>":
// the logistic loss of each example before its update.
#include <stdio.h>
#include "sgd.h"

int main(void) {
    char in[160] = {0};
    in[faasmGetInput((uint8_t*)in, sizeof in - 1)] = '\0';
    int32_t m, nnz, features, first, last, sync;
    float rate;
    if (sscanf(in, "%d %d %d %d %d %f %d", &m, &nnz, &features, &first, &last, &rate, &sync) != 7
            || first < 0 || last > m || first > last) {
        return 2;
    }
    Slice s = sgd_slice("train", m, nnz, first, last);
    float* w = (float*)faasmReadStatePtr(WEIGHTS, features * 4);
    int32_t base = s.rows[0];
    double loss = 0;
    for (int32_t i = 0; i < last - first; i++) {
        float y = s.labels[i];
        float ym = y * sgd_margin(&s, w, i);
        loss += sgd_loss(ym);
        float g = rate * y / (1.0f + expf(ym));  // -rate * d(loss)/d(margin) * y
        for (int32_t k = s.rows[i] - base; k < s.rows[i + 1] - base; k++) w[s.cols[k]] += g * s.vals[k];
        if (sync > 0 && (i + 1) % sync == 0) {
            faasmFlagStateDirty(WEIGHTS, features * 4);
            faasmPushStatePartial(WEIGHTS);
            faasmPullState(WEIGHTS, features * 4);
        }
    }
    faasmFlagStateDirty(WEIGHTS, features * 4);
    faasmPushStatePartial(WEIGHTS);
    char out[64];
    int n = snprintf(out, sizeof out, "%.6f %d", loss, last - first);
    faasmSetOutput((const uint8_t*)out, n);
    return 0;
}
