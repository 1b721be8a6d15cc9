// sgd_step: one HOGWILD! worker of a sparse linear SVM: updates the float weight vector at state key "weights" in place through a pointer, with no lock, on synthetic examples from a seeded generator; input "<seed> <examples> <features> [push]"; outputs "updates=<n> hinge=<mean loss>"; used by the SGD experiment.
#include <faasm/faasm.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define NNZ 16

static uint32_t lcg(uint32_t* s) {
    *s = *s * 1664525u + 1013904223u;
    return *s;
}

// The hidden model the labels come from: a fixed function of the feature index.
static float hidden(uint32_t idx) {
    return (float)((int)(idx * 2654435761u >> 28) - 8) / 8.0f;
}

int main(void) {
    char in[128] = {0};
    int32_t len = faasmGetInput((uint8_t*)in, sizeof(in) - 1);
    in[len] = '\0';
    unsigned seed = 1, examples = 1000, features = 1024;
    char push[8] = {0};
    sscanf(in, "%u %u %u %7s", &seed, &examples, &features, push);
    if (features == 0) return 2;

    float* w = (float*)faasmReadStatePtr("weights", (int32_t)(features * sizeof(float)));
    const float rate = 0.01f;
    double loss = 0;
    uint32_t s = seed;
    uint32_t idx[NNZ];
    float val[NNZ];
    for (unsigned e = 0; e < examples; e++) {
        float truth = 0, pred = 0;
        for (int k = 0; k < NNZ; k++) {
            idx[k] = lcg(&s) % features;
            val[k] = (float)(lcg(&s) % 1000) / 1000.0f;
            truth += hidden(idx[k]) * val[k];
            pred += w[idx[k]] * val[k];
        }
        float label = truth >= 0 ? 1.0f : -1.0f;
        if (lcg(&s) % 100 < 5) label = -label;  // label noise
        float margin = label * pred;
        if (margin < 1.0f) {
            loss += 1.0f - margin;
            for (int k = 0; k < NNZ; k++) w[idx[k]] += rate * label * val[k];
        }
    }
    faasmFlagStateDirty("weights", (int32_t)(features * sizeof(float)));
    if (strcmp(push, "push") == 0) {
        faasmPushStatePartial("weights");
    }
    char out[64];
    int n = snprintf(out, sizeof(out), "updates=%u hinge=%.4f", examples, loss / examples);
    faasmSetOutput((const uint8_t*)out, n);
    return 0;
}
