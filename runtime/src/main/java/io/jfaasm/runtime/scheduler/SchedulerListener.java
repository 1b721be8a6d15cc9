package io.jfaasm.runtime.scheduler;

import io.jfaasm.runtime.faaslet.CallResult;

/** Hears about calls as they finish: what metrics are made of. */
public interface SchedulerListener {
    /** A call finished; {@code result} says how it started, how long it took and how it ended. */
    void callFinished(CallRecord record, CallResult result);

    SchedulerListener NONE = (record, result) -> { };
}
