/*
 * mnist_model.h - the digit classifier shared by mnist_train.c and mnist_infer.c: a multi-layer
 * perceptron 784-128-10 (ReLU hidden layer, softmax output) over 28x28 greyscale digits.
 *
 * The weights are one state value of WEIGHT_BYTES bytes, little-endian float32 in this order:
 *   W1[784][128], b1[128], W2[128][10], b2[10]
 * W1 is input-major so a pixel's 128 weights are contiguous: the forward and backward passes
 * skip the (about 80%) zero pixels of a digit.
 */
#ifndef MNIST_MODEL_H
#define MNIST_MODEL_H

#include <stdint.h>

#define MNIST_IN 784
#define MNIST_HID 128
#define MNIST_OUT 10
#define MNIST_RECORD (1 + MNIST_IN) /* training record: label byte, then 784 pixel bytes */

#define W1_OFF 0
#define B1_OFF (W1_OFF + MNIST_IN * MNIST_HID)
#define W2_OFF (B1_OFF + MNIST_HID)
#define B2_OFF (W2_OFF + MNIST_HID * MNIST_OUT)
#define WEIGHT_FLOATS (B2_OFF + MNIST_OUT)
#define WEIGHT_BYTES (WEIGHT_FLOATS * 4)

#define WEIGHTS_KEY "mnist_weights"
#define TRAIN_KEY "mnist_train"

/* Forward pass: fills hidden[MNIST_HID] (after ReLU) and logits[MNIST_OUT]. */
/* noinline: small wasm functions become small JVM methods, which the JIT compiles early */
__attribute__((noinline)) static void mnist_forward(const float* w, const uint8_t* pixels, float* hidden, float* logits) {
    const float* w1 = w + W1_OFF;
    const float* b1 = w + B1_OFF;
    const float* w2 = w + W2_OFF;
    const float* b2 = w + B2_OFF;
    for (int h = 0; h < MNIST_HID; h++) hidden[h] = b1[h];
    for (int i = 0; i < MNIST_IN; i++) {
        if (pixels[i] == 0) continue;
        float x = pixels[i] * (1.0f / 255.0f);
        const float* row = w1 + i * MNIST_HID;
        for (int h = 0; h < MNIST_HID; h++) hidden[h] += x * row[h];
    }
    for (int h = 0; h < MNIST_HID; h++) if (hidden[h] < 0) hidden[h] = 0;
    for (int o = 0; o < MNIST_OUT; o++) logits[o] = b2[o];
    for (int h = 0; h < MNIST_HID; h++) {
        float a = hidden[h];
        if (a == 0) continue;
        const float* row = w2 + h * MNIST_OUT;
        for (int o = 0; o < MNIST_OUT; o++) logits[o] += a * row[o];
    }
}

static int mnist_argmax(const float* v, int n) {
    int best = 0;
    for (int i = 1; i < n; i++) if (v[i] > v[best]) best = i;
    return best;
}

#endif
