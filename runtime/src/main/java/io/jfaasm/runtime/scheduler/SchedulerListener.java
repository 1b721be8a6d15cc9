package io.jfaasm.runtime.scheduler;

import io.jfaasm.runtime.faaslet.CallResult;

/** Hears about calls as they finish: what metrics (and, in a cluster, shared records) are made of. */
public interface SchedulerListener {
    /**
     * A call finished in a Faaslet of this host; {@code result} says how it started, how long it
     * took and how it ended. Calls this host handed to another are not counted here (the host
     * that ran them counts them), see {@link #callForwarded}.
     */
    void callFinished(CallRecord record, CallResult result);

    /** A call submitted here (or handed here) was handed on to another host. */
    default void callForwarded(CallRecord record, String host) {}

    /**
     * A call's record finished, whichever way and wherever it ran: for calls submitted here and
     * for calls other hosts handed here alike (so a result outlives either host).
     */
    default void recordFinished(CallRecord record) {}

    SchedulerListener NONE = (record, result) -> { };
}
