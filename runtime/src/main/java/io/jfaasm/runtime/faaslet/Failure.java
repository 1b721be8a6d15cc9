package io.jfaasm.runtime.faaslet;

/**
 * Why a call did not run to completion.
 *
 * @param kind the class of failure, for metrics and status codes
 * @param message what happened, for the user
 */
public record Failure(Kind kind, String message) {
    public enum Kind {
        /** The guest trapped: unreachable, out-of-bounds access, division by zero, ... */
        TRAP,
        /** The guest hit its memory limit. */
        MEMORY_LIMIT,
        /** The call ran past its wall-time limit and was stopped. */
        TIMEOUT,
        /** The call used more CPU time than its limit and was stopped. */
        CPU_LIMIT,
        /** Recursion exhausted the call stack. */
        STACK_OVERFLOW,
        /** The guest misused the host interface (bad pointer, length, key; a call not offered). */
        HOST_CALL,
        /** The module could not be instantiated (start function trapped, data did not fit). */
        INSTANTIATION,
        /** The call was cancelled from outside (host shutting down). */
        CANCELLED,
        /** A fault of the host itself; logged with its stack trace. */
        INTERNAL
    }

    @Override
    public String toString() {
        return kind.name().toLowerCase(java.util.Locale.ROOT) + ": " + message;
    }
}
