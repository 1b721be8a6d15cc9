package io.jfaasm.runtime.scheduler;

import io.jfaasm.runtime.faaslet.CallResult;
import io.jfaasm.runtime.faaslet.Failure;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Everything known about one call: kept by the scheduler for a while after it finishes, so that
 * its status, output and logs can be read by id (and awaited by a parent that chained it).
 *
 * <p>In a cluster a call may run on another host than the one it was submitted to: its record
 * stays with the host it was submitted to, says which host ran it ({@link #host()}) and finishes
 * with the result that host sent back. {@link #restore} rebuilds a record read from elsewhere.
 */
public final class CallRecord {
    private final String id;
    private final FunctionId function;
    private final String parentId;
    private final Instant submittedAt;
    private final CompletableFuture<CallRecord> done = new CompletableFuture<>();
    private final List<String> children = new CopyOnWriteArrayList<>();
    private volatile CallStatus status = CallStatus.QUEUED;
    private volatile String host;
    private volatile Instant startedAt;
    private volatile Instant finishedAt;
    private volatile CallResult result;
    private volatile String error;

    public CallRecord(String id, FunctionId function, String parentId) {
        this(id, function, parentId, Instant.now());
    }

    private CallRecord(String id, FunctionId function, String parentId, Instant submittedAt) {
        this.id = id;
        this.function = function;
        this.parentId = parentId;
        this.submittedAt = submittedAt;
    }

    /**
     * A record as another host (or Redis) described it: a snapshot, finished when {@code status}
     * is. For reading only; nothing runs it.
     *
     * @param failureKind how it failed, when it failed in a Faaslet; null for failures outside
     *     one (host lost, never ran) and for calls that did not fail
     */
    public static CallRecord restore(String id, FunctionId function, String parentId, CallStatus status,
            String host, Instant submittedAt, Instant startedAt, Instant finishedAt, Integer returnCode,
            String error, Failure.Kind failureKind, byte[] output, byte[] stdout, byte[] stderr,
            List<String> children) {
        CallRecord r = new CallRecord(id, function, parentId, submittedAt == null ? Instant.EPOCH : submittedAt);
        r.children.addAll(children);
        r.status = status;
        r.host = host;
        r.startedAt = startedAt;
        r.finishedAt = finishedAt;
        r.error = error;
        if (status.finished()) {
            Failure failure = failureKind == null ? null
                    : new Failure(failureKind, messageOf(error, failureKind));
            r.result = new CallResult(returnCode == null ? -1 : returnCode, output, stdout, stderr, failure, 0, null, 0);
            r.done.complete(r);
        }
        return r;
    }

    private static String messageOf(String error, Failure.Kind kind) {
        String prefix = kind.name().toLowerCase(java.util.Locale.ROOT) + ": ";
        return error == null ? "" : error.startsWith(prefix) ? error.substring(prefix.length()) : error;
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

    void childAdded(String childId) {
        children.add(childId);
    }

    /** Handed to another host: it shows as running there from now on. */
    void forwarded(String hostId) {
        host = hostId;
        if (startedAt == null) {
            startedAt = Instant.now();
        }
        status = CallStatus.RUNNING;
    }

    /** The result another host sent back (and its error, if it gave one), then {@link #publish}. */
    void finishedRemotely(String hostId, CallResult r, String remoteError, List<String> remoteChildren) {
        host = hostId;
        children.addAll(remoteChildren);
        finished(r);
        if (remoteError != null && status == CallStatus.FAILED) {
            error = remoteError;
        }
    }

    /** Ends a call that failed outside any Faaslet (its host was lost): {@code reason} is the error. */
    void failed(String reason) {
        failedBeforeRunning(reason);
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

    /** The ids of the calls this one chained, in order (as far as the host that ran it tells). */
    public List<String> children() {
        return List.copyOf(children);
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

    /** How it failed in its Faaslet (trap, timeout, ...), or null (not failed, or failed outside one). */
    public Failure.Kind failureKind() {
        CallResult r = result;
        return r == null || r.failure() == null ? null : r.failure().kind();
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
