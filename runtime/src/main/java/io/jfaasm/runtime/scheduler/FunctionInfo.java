package io.jfaasm.runtime.scheduler;

import java.time.Instant;

/**
 * An uploaded function, as the API describes it.
 *
 * @param compileMillis time to validate, compile and initialise it at upload
 * @param idempotent whether a call may safely run twice: a call lost with a host that died is
 *     then retried once on another host, instead of failing
 */
public record FunctionInfo(FunctionId id, String sha256, int sizeBytes, long compileMillis,
        Instant uploadedAt, boolean idempotent) {

    public FunctionInfo(FunctionId id, String sha256, int sizeBytes, long compileMillis, Instant uploadedAt) {
        this(id, sha256, sizeBytes, compileMillis, uploadedAt, false);
    }
}
