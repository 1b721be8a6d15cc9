package io.jfaasm.cluster;

import java.util.Collection;
import java.util.Map;
import java.util.Objects;

/**
 * A string-to-string map every host of a cluster shares: the Redis hash {@code NS{c}:NAME}. The
 * server keeps users' API keys (as hashes) in {@code NS{c}:api-keys}.
 */
public final class SharedHash {
    private final ClusterRedis redis;
    private final String key;

    public SharedHash(ClusterRedis redis, String name) {
        this.redis = Objects.requireNonNull(redis, "redis");
        this.key = redis.key(name);
    }

    public String get(String field) {
        return redis.call("HGET " + key, () -> redis.strings().hget(key, field));
    }

    public void put(String field, String value) {
        redis.call("HSET " + key, () -> redis.strings().hset(key, field, value));
    }

    /** Removes the fields; how many there were. */
    public long remove(Collection<String> fields) {
        if (fields.isEmpty()) {
            return 0;
        }
        Long n = redis.call("HDEL " + key, () -> redis.strings().hdel(key, fields.toArray(new String[0])));
        return n == null ? 0 : n;
    }

    public Map<String, String> all() {
        return redis.call("HGETALL " + key, () -> redis.strings().hgetall(key));
    }
}
