package io.jfaasm.cluster;

import io.lettuce.core.KeyScanCursor;
import io.lettuce.core.ScanArgs;
import io.lettuce.core.ScriptOutputType;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * The live hosts of a cluster and its warm sets, in Redis.
 *
 * <h2>Layout</h2>
 *
 * <ul>
 *   <li>{@code NS{c}:host:ID}: a host's last heartbeat, {@code v1 URL SLOTS RUNNING QUEUED
 *       DRAINING(0|1) STARTED_AT_MILLIS}, set with an expiry of {@code ttl} (3 s by default): a
 *       host that stops beating is gone from the cluster when it expires;
 *   <li>{@code NS{c}:hosts}: a set of host ids, pruned of those whose heartbeat expired;
 *   <li>{@code NS{c}:warm:USER/FUNCTION}: a function's warm set, a sorted set of the hosts that
 *       have it deployed with a Proto-Faaslet, each scored with the time (Redis clock, epoch ms)
 *       its membership expires; every heartbeat pushes that time on by {@code ttl}, so a dead
 *       host leaves every warm set when its heartbeat would have expired. Readers ignore and
 *       prune expired members.
 * </ul>
 *
 * One heartbeat is one Lua script (the host key, the set, and each warm set the host is in).
 */
public final class HostRegistry {
    /** KEYS: host key, hosts set. ARGV: id, info, ttl ms, warm prefix, functions... */
    private static final ClusterRedis.Script HEARTBEAT = new ClusterRedis.Script("""
            local t = redis.call('TIME')
            local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
            local ttl = tonumber(ARGV[3])
            redis.call('SET', KEYS[1], ARGV[2], 'PX', ttl)
            redis.call('SADD', KEYS[2], ARGV[1])
            for i = 5, #ARGV do
              local k = ARGV[4] .. ARGV[i]
              redis.call('ZADD', k, now + ttl, ARGV[1])
              redis.call('ZREMRANGEBYSCORE', k, '-inf', now)
              redis.call('PEXPIRE', k, ttl * 20)
            end
            return now
            """);

    /** KEYS: hosts set. ARGV: host key prefix. Returns id, info, id, info, ... of live hosts. */
    private static final ClusterRedis.Script HOSTS = new ClusterRedis.Script("""
            local out = {}
            for _, id in ipairs(redis.call('SMEMBERS', KEYS[1])) do
              local v = redis.call('GET', ARGV[1] .. id)
              if v then
                table.insert(out, id)
                table.insert(out, v)
              else
                redis.call('SREM', KEYS[1], id)
              end
            end
            return out
            """);

    /** KEYS: warm set. Returns the members whose membership has not expired. */
    private static final ClusterRedis.Script WARM = new ClusterRedis.Script("""
            local t = redis.call('TIME')
            local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
            redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
            return redis.call('ZRANGE', KEYS[1], 0, -1)
            """);

    /** KEYS: host key, hosts set. ARGV: id, warm prefix, functions... */
    private static final ClusterRedis.Script LEAVE = new ClusterRedis.Script("""
            redis.call('DEL', KEYS[1])
            redis.call('SREM', KEYS[2], ARGV[1])
            for i = 3, #ARGV do redis.call('ZREM', ARGV[2] .. ARGV[i], ARGV[1]) end
            return 1
            """);

    private final ClusterRedis redis;
    private final Duration ttl;
    private final String hostsKey;
    private final String hostPrefix;
    private final String warmPrefix;

    /** @param ttl how long a heartbeat counts: a host silent for longer is dead */
    public HostRegistry(ClusterRedis redis, Duration ttl) {
        this.redis = Objects.requireNonNull(redis, "redis");
        this.ttl = ttl;
        this.hostsKey = redis.key("hosts");
        this.hostPrefix = redis.key("host:");
        this.warmPrefix = redis.key("warm:");
    }

    public Duration ttl() {
        return ttl;
    }

    /** Says that {@code self} is alive, as described, with these functions ({@code USER/FUNCTION}) warm. */
    public void heartbeat(HostInfo self, Collection<String> warmFunctions) {
        List<String> args = new ArrayList<>(List.of(self.id(), self.encode(), Long.toString(ttl.toMillis()), warmPrefix));
        args.addAll(warmFunctions);
        redis.call("heartbeat", () -> HEARTBEAT.run(redis.strings(), ScriptOutputType.INTEGER,
                new String[] {hostPrefix + self.id(), hostsKey}, args.toArray(new String[0])));
    }

    /** The live hosts (heartbeat not expired), by id. */
    public Map<String, HostInfo> hosts() {
        List<String> r = redis.call("list hosts", () -> HOSTS.run(redis.strings(), ScriptOutputType.MULTI,
                new String[] {hostsKey}, hostPrefix));
        Map<String, HostInfo> out = new TreeMap<>();
        for (int i = 0; i + 1 < r.size(); i += 2) {
            HostInfo h = HostInfo.decode(r.get(i), r.get(i + 1));
            if (h != null) {
                out.put(h.id(), h);
            }
        }
        return out;
    }

    /** The hosts in a function's warm set ({@code USER/FUNCTION}), memberships not expired. */
    public List<String> warmSet(String function) {
        return redis.call("read warm set", () -> WARM.run(redis.strings(), ScriptOutputType.MULTI,
                new String[] {warmPrefix + function}));
    }

    /** Every warm set that has members, by function ({@code USER/FUNCTION}). */
    public Map<String, List<String>> warmSets() {
        Map<String, List<String>> out = new TreeMap<>();
        ScanArgs args = ScanArgs.Builder.matches(globEscape(warmPrefix) + "*").limit(1000);
        List<String> keys = new ArrayList<>();
        redis.call("scan warm sets", () -> {
            KeyScanCursor<String> c = redis.strings().scan(args);
            while (true) {
                keys.addAll(c.getKeys());
                if (c.isFinished()) {
                    return null;
                }
                c = redis.strings().scan(c, args);
            }
        });
        for (String k : keys) {
            String function = k.substring(warmPrefix.length());
            List<String> members = warmSet(function);
            if (!members.isEmpty()) {
                out.put(function, members);
            }
        }
        return out;
    }

    /** Leaves the cluster at once (graceful shutdown): no heartbeat, no warm set. */
    public void leave(String id, Collection<String> warmFunctions) {
        List<String> args = new ArrayList<>(List.of(id, warmPrefix));
        args.addAll(warmFunctions);
        redis.call("leave", () -> LEAVE.run(redis.strings(), ScriptOutputType.INTEGER,
                new String[] {hostPrefix + id, hostsKey}, args.toArray(new String[0])));
    }

    private static String globEscape(String s) {
        return s.replaceAll("([*?\\[\\]\\\\])", "\\\\$1");
    }
}
