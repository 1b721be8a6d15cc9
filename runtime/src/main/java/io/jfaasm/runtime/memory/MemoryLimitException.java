package io.jfaasm.runtime.memory;

/** A function asked for more linear memory than its limit allows. */
public final class MemoryLimitException extends RuntimeException {
    public MemoryLimitException(String message) {
        super(message);
    }
}
