package io.jfaasm.runtime.scheduler;

import io.jfaasm.runtime.faaslet.CallResult;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;

/**
 * Everything known about one call: kept by the scheduler for a while after it finishes, so that
 * its status, output and logs can be read by id (and awaited by a parent that chained it).
 */
public final class CallRecord {
    private final String id;
    private final FunctionId function;
    private final String parentId;
    private final Instant submittedAt;
    private final CompletableFuture<CallRecord> done = new CompletableFuture<>();
    private volatile CallStatus status = CallStatus.QUEUED;
    private volatile String host;
    private volatile Instant startedAt;
    private volatile Instant finishedAt;
    private volatile CallResult result;
    private volatile String error;

    public CallRecord(String id, FunctionId function, String parentId) {
        this.id = id;
        this.function = function;
        this.parentId = parentId;
        this.submittedAt = Instant.now();
    }

    void started(String hostId) {
        host = hostId;
        startedAt = Instant.now();
        status = CallStatus.RUNNING;
    }

    /** Records the result; {@link #publish} then wakes whoever waits for it. */
    void finished(CallResult r) {
        result = r;
        error = r.failure() == null ? null : r.failure().toString();
        finishedAt = Instant.now();
        status = r.failure() == null ? CallStatus.DONE : CallStatus.FAILED;
    }

    void publish() {
        done.complete(this);
    }

    /** Ends a call that never ran (its function was deleted, its host stopped). */
    void failedBeforeRunning(String reason) {
        error = reason;
        finishedAt = Instant.now();
        status = CallStatus.FAILED;
        done.complete(this);
    }

    public String id() {
        return id;
    }

    public FunctionId function() {
        return function;
    }

    /** The call that chained this one, or null. */
    public String parentId() {
        return parentId;
    }

    public CallStatus status() {
        return status;
    }

    /** The host that ran it, once it runs. */
    public String host() {
        return host;
    }

    public Instant submittedAt() {
        return submittedAt;
    }

    public Instant startedAt() {
        return startedAt;
    }

    public Instant finishedAt() {
        return finishedAt;
    }

    /** The function's return code once finished (-1 when it failed), else null. */
    public Integer returnCode() {
        CallResult r = result;
        return r != null ? Integer.valueOf(r.returnCode()) : status == CallStatus.FAILED ? -1 : null;
    }

    /** Why it failed, or null. */
    public String error() {
        return error;
    }

    /** Its output once finished, else empty. */
    public byte[] output() {
        CallResult r = result;
        return r == null ? new byte[0] : r.output();
    }

    public byte[] stdout() {
        CallResult r = result;
        return r == null ? new byte[0] : r.stdout();
    }

    public byte[] stderr() {
        CallResult r = result;
        return r == null ? new byte[0] : r.stderr();
    }

    /** The full result once finished, else null. */
    public CallResult result() {
        return result;
    }

    /** Completes when the call finishes, whichever way. */
    public CompletableFuture<CallRecord> done() {
        return done;
    }
}
