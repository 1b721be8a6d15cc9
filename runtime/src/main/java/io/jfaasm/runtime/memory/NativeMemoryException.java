package io.jfaasm.runtime.memory;

/** A memory system call failed; carries errno so the cause is clear (ENOMEM, EINVAL...). */
public final class NativeMemoryException extends RuntimeException {
    private final int errno;

    public NativeMemoryException(String what, int errno) {
        super(errno == 0 ? what : what + " failed with errno " + errno);
        this.errno = errno;
    }

    public int errno() {
        return errno;
    }
}
