package io.jfaasm.runtime.state;

/**
 * The global tier could not do what was asked: its store is unreachable, timed out or refused the
 * command. The message names the store's address and the operation, so an operator can act on it.
 * Unchecked: a caller can rarely do better than fail the call that needed state.
 */
public class GlobalTierException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public GlobalTierException(String message) {
        super(message);
    }

    public GlobalTierException(String message, Throwable cause) {
        super(message, cause);
    }
}
