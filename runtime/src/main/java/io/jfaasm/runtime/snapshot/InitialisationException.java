package io.jfaasm.runtime.snapshot;

import io.jfaasm.runtime.faaslet.Failure;

/** A function's initialisation (constructors, zygote) failed, so it has no Proto-Faaslet. */
public final class InitialisationException extends RuntimeException {
    private final Failure failure;

    public InitialisationException(Failure failure) {
        super("initialisation failed: " + failure.message());
        this.failure = failure;
    }

    public Failure failure() {
        return failure;
    }
}
