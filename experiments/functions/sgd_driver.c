// sgd_driver: trains sparse logistic regression with HOGWILD!: for each epoch it chains
// <workers> calls of sgd_worker, each over its contiguous partition of the training set, and
// awaits them all (the learning rate decays as rate / (1 + epoch)); then it evaluates the weights
// on the held-out set. Input "<workers> <epochs> <rate> <sync> <features> <m> <nnz> <test m>
// <test nnz>"; output "loss=<mean training loss of the last epoch> accuracy=<held-out accuracy>
// test_loss=<held-out mean loss>"; returns 1 if a worker failed.
#include <stdio.h>
#include <stdlib.h>
#include "sgd.h"

#define MAX_WORKERS 256

int main(void) {
    char in[200] = {0};
    in[faasmGetInput((uint8_t*)in, sizeof in - 1)] = '\0';
    int32_t workers, epochs, sync, features, m, nnz, tm, tnnz;
    float rate;
    if (sscanf(in, "%d %d %f %d %d %d %d %d %d", &workers, &epochs, &rate, &sync, &features, &m, &nnz, &tm,
               &tnnz) != 9 || workers < 1 || workers > MAX_WORKERS || m < workers) {
        return 2;
    }
    static int32_t ids[MAX_WORKERS];
    double loss = 0;
    long seen = 0;
    for (int e = 0; e < epochs; e++) {
        for (int p = 0; p < workers; p++) {
            char arg[160];
            int32_t first = (int32_t)((long)m * p / workers), last = (int32_t)((long)m * (p + 1) / workers);
            int n = snprintf(arg, sizeof arg, "%d %d %d %d %d %g %d", m, nnz, features, first, last,
                             rate / (1 + e), sync);
            ids[p] = faasmChainNamed("sgd_worker", (const uint8_t*)arg, n);
        }
        loss = 0;
        seen = 0;
        for (int p = 0; p < workers; p++) {
            if (faasmAwaitCall(ids[p]) != 0) return 1;
            char out[64] = {0};
            faasmAwaitCallOutput(ids[p], (uint8_t*)out, sizeof out - 1);
            double l;
            long n;
            if (sscanf(out, "%lf %ld", &l, &n) != 2) return 1;
            loss += l;
            seen += n;
        }
    }
    // the workers pushed their last writes: take the global value (this call's copy may be older)
    faasmPullState(WEIGHTS, features * 4);
    const float* w = (const float*)faasmReadStatePtr(WEIGHTS, features * 4);
    Slice t = sgd_slice("test", tm, tnnz, 0, tm);
    int32_t right = 0;
    double tloss = 0;
    for (int32_t i = 0; i < tm; i++) {
        float ym = t.labels[i] * sgd_margin(&t, w, i);
        right += ym > 0;
        tloss += sgd_loss(ym);
    }
    char out[160];
    int n = snprintf(out, sizeof out, "loss=%.6f accuracy=%.6f test_loss=%.6f", loss / seen, (double)right / tm,
                     tloss / tm);
    faasmSetOutput((const uint8_t*)out, n);
    return 0;
}
