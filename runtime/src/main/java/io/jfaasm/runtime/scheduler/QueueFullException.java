package io.jfaasm.runtime.scheduler;

/** Every slot is busy and the queue is at its bound: try later (HTTP 429). */
public final class QueueFullException extends RuntimeException {
    public QueueFullException(int bound) {
        super("all slots are busy and " + bound + " calls are already queued");
    }
}
