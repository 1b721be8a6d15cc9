package io.jfaasm.runtime.files;

/** The bytes a writable view holds, against its limit. */
final class QuotaUsage {
    private final long maxBytes;
    private long used;

    QuotaUsage(long maxBytes) {
        this.maxBytes = maxBytes;
    }

    /** Counts {@code bytes} more, or refuses them, counting nothing, if that would pass the limit. */
    synchronized void reserve(long bytes) {
        if (bytes > 0 && used + bytes > maxBytes) {
            throw new QuotaExceededException("the scratch directory may hold at most " + maxBytes
                    + " bytes; " + used + " are used and " + bytes + " more were asked for");
        }
        used += Math.max(0, bytes);
    }

    synchronized void release(long bytes) {
        adjust(-Math.max(0, bytes));
    }

    /** Corrects the count by what a change really did (never refused: it is done). */
    synchronized void adjust(long delta) {
        used = Math.max(0, used + delta);
    }

    synchronized long used() {
        return used;
    }
}
