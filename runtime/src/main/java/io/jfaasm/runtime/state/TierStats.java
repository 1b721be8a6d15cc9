package io.jfaasm.runtime.state;

import java.util.concurrent.atomic.AtomicLong;

/** Bytes and round trips through a global tier since it was opened. */
public final class TierStats {
    private final AtomicLong bytesWritten = new AtomicLong();
    private final AtomicLong bytesRead = new AtomicLong();
    private final AtomicLong roundTrips = new AtomicLong();

    public void wrote(long bytes) {
        bytesWritten.addAndGet(bytes);
        roundTrips.incrementAndGet();
    }

    public void read(long bytes) {
        bytesRead.addAndGet(bytes);
        roundTrips.incrementAndGet();
    }

    /** A round trip that moved no value bytes (locks, sizes, deletes). */
    public void call() {
        roundTrips.incrementAndGet();
    }

    public long bytesWritten() {
        return bytesWritten.get();
    }

    public long bytesRead() {
        return bytesRead.get();
    }

    public long roundTrips() {
        return roundTrips.get();
    }
}
