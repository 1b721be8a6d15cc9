package io.jfaasm.runtime.host;

/**
 * A function used the host interface wrongly (a bad pointer, length or key, a call the host does
 * not offer yet). It ends that call with this message; the host goes on.
 */
public final class HostCallException extends RuntimeException {
    public HostCallException(String message) {
        super(message);
    }

    @Override
    public synchronized Throwable fillInStackTrace() {
        return this; // a guest error: the host stack says nothing useful
    }
}
