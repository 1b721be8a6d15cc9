package io.jfaasm.runtime.scheduler;

import io.jfaasm.runtime.faaslet.NetworkPolicy;
import io.jfaasm.runtime.wasm.Engine;
import java.time.Instant;
import java.util.Objects;

/**
 * An uploaded function, as the API describes it.
 *
 * @param compileMillis time to validate, compile and initialise it at upload
 * @param idempotent whether a call may safely run twice: a call lost with a host that died is
 *     then retried once on another host, instead of failing
 * @param network what its calls may reach, as declared at upload ({@link NetworkPolicy#DENY_ALL}
 *     when nothing was); its user's allow-list is added to it when a call runs
 * @param engine which code runs it, as chosen at upload; null for the host's engine
 */
public record FunctionInfo(FunctionId id, String sha256, int sizeBytes, long compileMillis,
        Instant uploadedAt, boolean idempotent, NetworkPolicy network, Engine engine) {

    public FunctionInfo(FunctionId id, String sha256, int sizeBytes, long compileMillis, Instant uploadedAt,
            boolean idempotent, NetworkPolicy network) {
        this(id, sha256, sizeBytes, compileMillis, uploadedAt, idempotent, network, null);
    }

    public FunctionInfo {
        network = Objects.requireNonNullElse(network, NetworkPolicy.DENY_ALL);
    }

    public FunctionInfo(FunctionId id, String sha256, int sizeBytes, long compileMillis, Instant uploadedAt,
            boolean idempotent) {
        this(id, sha256, sizeBytes, compileMillis, uploadedAt, idempotent, NetworkPolicy.DENY_ALL);
    }

    public FunctionInfo(FunctionId id, String sha256, int sizeBytes, long compileMillis, Instant uploadedAt) {
        this(id, sha256, sizeBytes, compileMillis, uploadedAt, false);
    }

    /** What the uploader declared (idempotence, network), as a store or the API carries it before compiling. */
    public static FunctionInfo declared(FunctionId id, boolean idempotent, NetworkPolicy network) {
        return declared(id, idempotent, network, null);
    }

    /** As {@link #declared(FunctionId, boolean, NetworkPolicy)}, with the engine chosen (null: the host's). */
    public static FunctionInfo declared(FunctionId id, boolean idempotent, NetworkPolicy network, Engine engine) {
        return new FunctionInfo(id, "", 0, 0, Instant.now(), idempotent, network, engine);
    }
}
