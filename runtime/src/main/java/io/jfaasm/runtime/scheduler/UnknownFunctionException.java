package io.jfaasm.runtime.scheduler;

/** No such function for that user. */
public final class UnknownFunctionException extends RuntimeException {
    public UnknownFunctionException(FunctionId id) {
        super("no function " + id.name() + " for user " + id.user());
    }
}
