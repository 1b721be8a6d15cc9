package io.jfaasm.runtime.scheduler;

import java.time.Instant;

/**
 * An uploaded function, as the API describes it.
 *
 * @param compileMillis time to validate, compile and initialise it at upload
 */
public record FunctionInfo(FunctionId id, String sha256, int sizeBytes, long compileMillis,
        Instant uploadedAt) {}
