package io.jfaasm.runtime.snapshot;

import io.jfaasm.runtime.faaslet.CallResult;
import io.jfaasm.runtime.faaslet.Faaslet;
import io.jfaasm.runtime.faaslet.FunctionLimits;
import java.util.ArrayDeque;
import java.util.Deque;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Idle Faaslets of one function, restored and ready, so a call does not wait for a restore. A
 * Faaslet comes back after its call, reset to the snapshot; one that failed is closed instead.
 * Bounded in number, and trimmed when idle, so a function nobody calls holds no memory.
 */
public final class FaasletPool implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(FaasletPool.class);

    private record Idle(Faaslet faaslet, long sinceNanos) {}

    private final ProtoFaaslet proto;
    private final FunctionLimits limits;
    private final int maxIdle;
    private final Deque<Idle> idle = new ArrayDeque<>();
    private boolean closed;

    public FaasletPool(ProtoFaaslet proto, FunctionLimits limits, int maxIdle) {
        this.proto = proto;
        this.limits = limits;
        this.maxIdle = maxIdle;
    }

    /** A Faaslet for one call, and whether it was idle (warm) or restored for it. */
    public record Lease(Faaslet faaslet, CallResult.StartKind kind) {}

    /** An idle Faaslet, or a newly restored one when none is idle. */
    public Lease acquire() {
        synchronized (this) {
            Idle ready = idle.pollFirst();
            if (ready != null) {
                return new Lease(ready.faaslet(), CallResult.StartKind.WARM);
            }
        }
        return new Lease(proto.restore(limits), CallResult.StartKind.RESTORED);
    }

    /**
     * Takes a Faaslet back after its call: reset and kept when {@code healthy} and there is room,
     * closed otherwise. Call it after the call's result has been handed on: the reset is off the
     * caller's path.
     */
    public void release(Faaslet faaslet, boolean healthy) {
        if (healthy) {
            try {
                proto.reset(faaslet);
                if (offer(faaslet)) {
                    return;
                }
            } catch (RuntimeException e) {
                LOG.debug("Faaslet not reusable, closing it: {}", e.toString());
            }
        }
        faaslet.close();
    }

    /** Restores Faaslets until {@code count} are idle: keeps restores off the next calls' path. */
    public void prewarm(int count) {
        while (idleCount() < Math.min(count, maxIdle)) {
            if (!offer(proto.restore(limits))) {
                return;
            }
        }
    }

    private synchronized boolean offer(Faaslet faaslet) {
        if (closed || idle.size() >= maxIdle) {
            return false;
        }
        idle.addFirst(new Idle(faaslet, System.nanoTime()));
        return true;
    }

    /** Closes Faaslets idle for longer than {@code maxIdleNanos}; returns how many. */
    public int trim(long maxIdleNanos) {
        int closedCount = 0;
        long now = System.nanoTime();
        while (true) {
            Idle oldest;
            synchronized (this) {
                oldest = idle.peekLast();
                if (oldest == null || now - oldest.sinceNanos() < maxIdleNanos) {
                    return closedCount;
                }
                idle.pollLast();
            }
            oldest.faaslet().close();
            closedCount++;
        }
    }

    public synchronized int idleCount() {
        return idle.size();
    }

    public ProtoFaaslet proto() {
        return proto;
    }

    @Override
    public void close() {
        synchronized (this) {
            closed = true;
        }
        trim(-1);
    }
}
