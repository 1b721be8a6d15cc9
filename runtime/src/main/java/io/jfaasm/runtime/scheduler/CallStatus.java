package io.jfaasm.runtime.scheduler;

/** Where a call is in its life. */
public enum CallStatus {
    QUEUED, RUNNING, DONE, FAILED;

    public boolean finished() {
        return this == DONE || this == FAILED;
    }
}
