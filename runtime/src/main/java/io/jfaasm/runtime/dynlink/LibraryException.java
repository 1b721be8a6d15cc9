package io.jfaasm.runtime.dynlink;

/**
 * A library that cannot be loaded: a bad module, an unresolved symbol, no room. Its message is
 * what the guest reads from {@code dlerror()}; it never fails the call by itself.
 */
public final class LibraryException extends RuntimeException {
    public LibraryException(String message) {
        super(message);
    }

    public LibraryException(String message, Throwable cause) {
        super(message, cause);
    }
}
