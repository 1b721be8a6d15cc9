package io.jfaasm.runtime.state;

/** A state operation was refused (unknown key, a size or range that disagrees with the value). */
public final class StateException extends RuntimeException {
    public StateException(String message) {
        super(message);
    }
}
