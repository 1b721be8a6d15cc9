// mnist_infer: classifies one 28x28 digit (input: 784 pixel bytes, row-major, 0 = background);
// output: the digit as one ASCII character. The weights are the state value "mnist_weights",
// mapped by the zygote: every Faaslet restored from the snapshot starts with the host's one
// shared copy mapped at the same address, so a call neither copies nor maps anything.
#include <faasm/faasm.h>
#include <stdio.h>
#include <stdlib.h>
#include "mnist_model.h"

static const float* weights = 0;

FAASM_ZYGOTE() {
    int32_t size = faasmReadStateSize(WEIGHTS_KEY);
    if (size != WEIGHT_BYTES) {
        fprintf(stderr, "mnist_infer: state %s has %d bytes, want %d (train the model first)\n",
                WEIGHTS_KEY, size, WEIGHT_BYTES);
        return 1;
    }
    /* start the allocator before mapping: on its first use wasi-libc's malloc takes every page
     * up to the memory's current size as heap, and the weights' pages would be among them */
    free(malloc(1));
    weights = (const float*)faasmReadStatePtr(WEIGHTS_KEY, WEIGHT_BYTES);
    return 0;
}

FAASM_MAIN() {
    uint8_t pixels[MNIST_IN];
    if (faasmGetInputSize() != MNIST_IN || faasmGetInput(pixels, MNIST_IN) != MNIST_IN) {
        fprintf(stderr, "mnist_infer: the input must be %d pixel bytes\n", MNIST_IN);
        return 1;
    }
    float hidden[MNIST_HID], logits[MNIST_OUT];
    mnist_forward(weights, pixels, hidden, logits);
    uint8_t digit = (uint8_t)('0' + mnist_argmax(logits, MNIST_OUT));
    faasmSetOutput(&digit, 1);
    return 0;
}
