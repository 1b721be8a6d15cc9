package io.jfaasm.runtime.files;

/** A write that would take a writable view past its size limit; the guest sees {@code EDQUOT}. */
public final class QuotaExceededException extends RuntimeException {
    QuotaExceededException(String message) {
        super(message);
    }
}
