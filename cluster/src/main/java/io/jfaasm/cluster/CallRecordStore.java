package io.jfaasm.cluster;

import static io.jfaasm.cluster.ClusterRedis.utf8;

import io.lettuce.core.SetArgs;
import java.time.Duration;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finished call records, in Redis for as long as records are kept, so that any host can answer
 * {@code GET /calls/{id}} (and its output and logs) for a call that ran anywhere, even after the
 * host it was submitted to stopped. Key: {@code NS{c}:call:ID}, the encoded record (opaque here),
 * with an expiry of the record TTL.
 */
public final class CallRecordStore {
    private static final Logger LOG = LoggerFactory.getLogger(CallRecordStore.class);
    private final ClusterRedis redis;
    private final String prefix;

    public CallRecordStore(ClusterRedis redis) {
        this.redis = Objects.requireNonNull(redis, "redis");
        this.prefix = redis.key("call:");
    }

    /** Stores a finished record without waiting for Redis (a failure is logged, not thrown). */
    public void save(String callId, byte[] record, Duration ttl) {
        try {
            redis.bytesAsync().set(utf8(prefix + callId), record, SetArgs.Builder.px(Math.max(1, ttl.toMillis())))
                    .whenComplete((ok, e) -> {
                        if (e != null) {
                            LOG.warn("cannot store the record of call {} in Redis: {}", callId, e.toString());
                        }
                    });
        } catch (RuntimeException e) {
            LOG.warn("cannot store the record of call {} in Redis: {}", callId, e.toString());
        }
    }

    /** The stored record, or null. */
    public byte[] load(String callId) {
        return redis.call("read call record", () -> redis.bytes().get(utf8(prefix + callId)));
    }
}
