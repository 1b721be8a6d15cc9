// mnist_train: trains the digit classifier of mnist_model.h by stochastic gradient descent (one
// example at a time, cross-entropy loss) over the training records in state "mnist_train"
// (records of 785 bytes: label, then 784 pixels), read in place through a state pointer.
// Input (text): "SEED EPOCHS EXAMPLES". Deterministic for a seed: the initial weights and the
// order of every epoch come from a xorshift generator, and wasm float arithmetic is exact IEEE.
// Writes the weights to state "mnist_weights" and pushes them to the global tier; output (text):
// "loss=<mean loss of the last epoch> train_accuracy=<accuracy of the last epoch>".
#include <faasm/faasm.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include "mnist_model.h"

#define LEARNING_RATE 0.02f

static uint64_t rng;

static uint64_t next_random(void) {
    rng ^= rng >> 12;
    rng ^= rng << 25;
    rng ^= rng >> 27;
    return rng * 0x2545F4914F6CDD1DULL;
}

/* Uniform in [-limit, limit). */
static float uniform(float limit) {
    return ((float)(next_random() >> 40) / (float)(1 << 24) * 2.0f - 1.0f) * limit;
}

static void init_weights(float* w) {
    float l1 = sqrtf(6.0f / (MNIST_IN + MNIST_HID)), l2 = sqrtf(6.0f / (MNIST_HID + MNIST_OUT));
    for (int i = 0; i < WEIGHT_FLOATS; i++) w[i] = 0;
    for (int i = 0; i < MNIST_IN * MNIST_HID; i++) w[W1_OFF + i] = uniform(l1);
    for (int i = 0; i < MNIST_HID * MNIST_OUT; i++) w[W2_OFF + i] = uniform(l2);
}

/* One SGD step on one example; returns its loss, sets *correct. */
__attribute__((noinline)) static float step(float* w, const uint8_t* record, float lr, int* correct) {
    int label = record[0];
    const uint8_t* pixels = record + 1;
    float hidden[MNIST_HID], logits[MNIST_OUT], grad_out[MNIST_OUT], grad_hid[MNIST_HID];
    mnist_forward(w, pixels, hidden, logits);
    *correct = mnist_argmax(logits, MNIST_OUT) == label;
    float max = logits[mnist_argmax(logits, MNIST_OUT)], sum = 0;
    for (int o = 0; o < MNIST_OUT; o++) sum += grad_out[o] = expf(logits[o] - max);
    for (int o = 0; o < MNIST_OUT; o++) grad_out[o] /= sum; /* softmax; minus one-hot below */
    float loss = -logf(grad_out[label] + 1e-12f);
    grad_out[label] -= 1.0f;

    float* w1 = w + W1_OFF;
    float* b1 = w + B1_OFF;
    float* w2 = w + W2_OFF;
    float* b2 = w + B2_OFF;
    for (int h = 0; h < MNIST_HID; h++) {
        float g = 0;
        float* row = w2 + h * MNIST_OUT;
        for (int o = 0; o < MNIST_OUT; o++) g += grad_out[o] * row[o];
        grad_hid[h] = hidden[h] > 0 ? g : 0;
        if (hidden[h] > 0) {
            for (int o = 0; o < MNIST_OUT; o++) row[o] -= lr * grad_out[o] * hidden[h];
        }
    }
    for (int o = 0; o < MNIST_OUT; o++) b2[o] -= lr * grad_out[o];
    for (int i = 0; i < MNIST_IN; i++) {
        if (pixels[i] == 0) continue;
        float x = pixels[i] * (1.0f / 255.0f);
        float* row = w1 + i * MNIST_HID;
        for (int h = 0; h < MNIST_HID; h++) row[h] -= lr * grad_hid[h] * x;
    }
    for (int h = 0; h < MNIST_HID; h++) b1[h] -= lr * grad_hid[h];
    return loss;
}

FAASM_MAIN() {
    char in[128];
    int32_t n = faasmGetInput((uint8_t*)in, sizeof in - 1);
    in[n < 0 ? 0 : n] = 0;
    unsigned long long seed;
    int epochs, examples;
    if (sscanf(in, "%llu %d %d", &seed, &epochs, &examples) != 3 || epochs < 1 || examples < 1) {
        fprintf(stderr, "mnist_train: input must be \"SEED EPOCHS EXAMPLES\", got \"%s\"\n", in);
        return 1;
    }
    int32_t size = faasmReadStateSize(TRAIN_KEY);
    if (size < examples * MNIST_RECORD) {
        fprintf(stderr, "mnist_train: state %s holds %d records, want %d\n", TRAIN_KEY,
                size / MNIST_RECORD, examples);
        return 1;
    }
    /* allocate before mapping state: wasi-libc's malloc, on its first use, takes every page up to
     * the memory's current size as heap, and a region mapped before that would be among them */
    float* w = malloc(WEIGHT_BYTES);
    int* order = malloc(sizeof(int) * examples);
    if (!w || !order) return 1;
    const uint8_t* data = faasmReadStatePtr(TRAIN_KEY, size);
    rng = seed * 0x9E3779B97F4A7C15ULL + 1;
    init_weights(w);
    for (int i = 0; i < examples; i++) order[i] = i;
    double loss = 0;
    int correct = 0;
    for (int e = 0; e < epochs; e++) {
        for (int i = examples - 1; i > 0; i--) { /* Fisher-Yates shuffle */
            int j = (int)(next_random() % (uint64_t)(i + 1));
            int t = order[i]; order[i] = order[j]; order[j] = t;
        }
        float lr = LEARNING_RATE / (1.0f + 0.5f * e);
        loss = 0;
        correct = 0;
        for (int i = 0; i < examples; i++) {
            int ok;
            loss += step(w, data + (size_t)order[i] * MNIST_RECORD, lr, &ok);
            correct += ok;
        }
    }
    faasmWriteState(WEIGHTS_KEY, (const uint8_t*)w, WEIGHT_BYTES);
    faasmPushState(WEIGHTS_KEY);
    char out[96];
    int len = snprintf(out, sizeof out, "loss=%.6f train_accuracy=%.6f", loss / examples,
                       (double)correct / examples);
    faasmSetOutput((const uint8_t*)out, len);
    return 0;
}
