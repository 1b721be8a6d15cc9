package io.jfaasm.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jfaasm.runtime.faaslet.NetworkPolicy;
import io.jfaasm.runtime.scheduler.FunctionId;
import io.jfaasm.runtime.scheduler.FunctionInfo;
import io.jfaasm.runtime.scheduler.FunctionStore;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The Redis side of a cluster: the shared function store, the host registry and warm sets, records. */
class ClusterCoordinationTest {
    String namespace;
    ClusterRedis redis;

    @BeforeEach
    void connect() {
        RedisTestSupport.requireRedis();
        namespace = RedisTestSupport.randomNamespace();
        redis = ClusterRedis.connect(RedisTestSupport.URI, namespace);
    }

    @AfterEach
    void clean() {
        redis.close();
        RedisTestSupport.deleteNamespace(namespace);
    }

    static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void theFunctionStoreKeepsOneVersionOfEachFunctionWithItsDescription() {
        RedisFunctionStore store = new RedisFunctionStore(redis);
        FunctionId id = new FunctionId("alice", "f");
        assertThat(store.shared()).isTrue();
        assertThat(store.fetch(id)).isNull();
        store.put(new FunctionInfo(id, "ignored", 0, 42, Instant.ofEpochMilli(1000), true), bytes("v1"));
        FunctionStore.Stored s = store.fetch(id);
        assertThat(new String(s.wasm(), StandardCharsets.UTF_8)).isEqualTo("v1");
        assertThat(s.info().sha256()).as("the bytes decide the version").isEqualTo(RedisFunctionStore.sha256(bytes("v1")));
        assertThat(s.info().compileMillis()).isEqualTo(42);
        assertThat(s.info().idempotent()).isTrue();
        assertThat(s.info().uploadedAt()).isEqualTo(Instant.ofEpochMilli(1000));

        store.put(id, bytes("v2"));
        assertThat(new String(store.get(id), StandardCharsets.UTF_8)).isEqualTo("v2");
        assertThat(store.describe(id).idempotent()).isFalse();
        try (RedisTestSupport.Raw raw = RedisTestSupport.raw()) {
            assertThat(raw.sync().exists(bytes(namespace + "{c}:wasm:alice/f:" + RedisFunctionStore.sha256(bytes("v1")))))
                    .as("the replaced version's bytes are gone").isZero();
        }
        store.put(new FunctionId("bob", "g"), bytes("g"));
        assertThat(store.list()).containsExactlyInAnyOrder(id, new FunctionId("bob", "g"));
        assertThat(store.describeAll()).hasSize(2);
        assertThat(store.delete(id)).isTrue();
        assertThat(store.delete(id)).isFalse();
        assertThat(store.get(id)).isNull();
        assertThat(store.list()).containsExactly(new FunctionId("bob", "g"));
    }

    @Test
    void networkPoliciesRoundTripAndOldEntriesReadAsNoNetwork() {
        RedisFunctionStore store = new RedisFunctionStore(redis);
        FunctionId id = new FunctionId("alice", "net");
        NetworkPolicy declared = new NetworkPolicy(List.of("127.0.0.1:8000-8099", "*.example.com:443"), 4096, 3);
        store.put(new FunctionInfo(id, "", 0, 1, Instant.ofEpochMilli(1000), false, declared), bytes("wasm"));
        assertThat(store.fetch(id).info().network()).isEqualTo(declared);
        assertThat(store.describe(id).network()).isEqualTo(declared);

        try (RedisTestSupport.Raw raw = RedisTestSupport.raw()) {
            // as a host of an earlier version wrote it: no network fields
            String sha = RedisFunctionStore.sha256(bytes("old"));
            raw.sync().set(bytes(namespace + "{c}:wasm:alice/old:" + sha), bytes("old"));
            raw.sync().hset(bytes(namespace + "{c}:functions"), bytes("alice/old"), bytes("v1 " + sha + " 3 7 2000 1"));
        }
        FunctionInfo old = store.fetch(new FunctionId("alice", "old")).info();
        assertThat(old.network()).isEqualTo(NetworkPolicy.DENY_ALL);
        assertThat(old.idempotent()).isTrue();

        assertThat(store.userAllowList("alice")).isEmpty();
        store.setUserAllowList("alice", List.of("10.0.0.1:80", "db.internal:5432"));
        assertThat(new RedisFunctionStore(redis).userAllowList("alice")).containsExactly("10.0.0.1:80", "db.internal:5432");
        assertThat(store.userAllowList("bob")).isEmpty();
        store.setUserAllowList("alice", List.of());
        assertThat(store.userAllowList("alice")).isEmpty();
    }

    @Test
    void aWatcherHearsOfChangesMadeThroughAnotherConnection() throws Exception {
        try (ClusterRedis other = ClusterRedis.connect(RedisTestSupport.URI, namespace)) {
            RedisFunctionStore here = new RedisFunctionStore(redis, Duration.ofMillis(200));
            RedisFunctionStore there = new RedisFunctionStore(other);
            LinkedBlockingQueue<FunctionId> heard = new LinkedBlockingQueue<>();
            here.watch(heard::add);
            try {
                FunctionId id = new FunctionId("alice", "f");
                there.put(id, bytes("one"));
                assertThat(heard.poll(2, TimeUnit.SECONDS)).isEqualTo(id);
                there.delete(id);
                FunctionId seen;
                do { // the poll of the generation counter may report the upload once more
                    seen = heard.poll(2, TimeUnit.SECONDS);
                } while (seen != null && here.describe(id) != null);
                assertThat(seen).isEqualTo(id);
            } finally {
                here.close();
            }
        }
    }

    @Test
    void theGenerationPollCatchesAChangeThePubSubMessageMissed() throws Exception {
        RedisFunctionStore here = new RedisFunctionStore(redis, Duration.ofMillis(100));
        LinkedBlockingQueue<FunctionId> heard = new LinkedBlockingQueue<>();
        here.watch(heard::add);
        try (RedisTestSupport.Raw raw = RedisTestSupport.raw()) {
            // what a put does, but without the PUBLISH: as if the message was lost
            String sha = RedisFunctionStore.sha256(bytes("x"));
            raw.sync().set(bytes(namespace + "{c}:wasm:alice/quiet:" + sha), bytes("x"));
            raw.sync().hset(bytes(namespace + "{c}:functions"), bytes("alice/quiet"), bytes("v1 " + sha + " 1 0 0 0"));
            raw.sync().incr(bytes(namespace + "{c}:functions:gen"));
            assertThat(heard.poll(3, TimeUnit.SECONDS)).isEqualTo(new FunctionId("alice", "quiet"));
        } finally {
            here.close();
        }
    }

    @Test
    void hostsLeaveTheRegistryAndTheWarmSetsWhenTheirHeartbeatExpires() throws Exception {
        // an expiry long enough that a loaded machine still reads both hosts before it passes
        HostRegistry registry = new HostRegistry(redis, Duration.ofMillis(2500));
        registry.heartbeat(new HostInfo("a", "http://127.0.0.1:1", 4, 1, 0, false, 1), List.of("alice/f", "alice/g"));
        registry.heartbeat(new HostInfo("b", "http://127.0.0.1:2", 2, 0, 0, false, 2), List.of("alice/f"));
        Map<String, HostInfo> hosts = registry.hosts();
        assertThat(hosts.keySet()).containsExactly("a", "b");
        assertThat(hosts.get("a").free()).isEqualTo(3);
        assertThat(hosts.get("b").url()).isEqualTo("http://127.0.0.1:2");
        assertThat(registry.warmSet("alice/f")).containsExactlyInAnyOrder("a", "b");
        assertThat(registry.warmSets()).containsOnlyKeys("alice/f", "alice/g");

        // b goes on beating, a stops
        long until = System.nanoTime() + Duration.ofMillis(3500).toNanos();
        while (System.nanoTime() < until) {
            registry.heartbeat(new HostInfo("b", "http://127.0.0.1:2", 2, 0, 0, false, 2), List.of("alice/f"));
            Thread.sleep(100);
        }
        assertThat(registry.hosts().keySet()).containsExactly("b");
        assertThat(registry.warmSet("alice/f")).containsExactly("b");
        assertThat(registry.warmSet("alice/g")).isEmpty();
        assertThat(registry.warmSets()).containsOnlyKeys("alice/f");

        registry.leave("b", List.of("alice/f"));
        assertThat(registry.hosts()).isEmpty();
        assertThat(registry.warmSet("alice/f")).isEmpty();
    }

    @Test
    void recordsSecretsAndSharedHashes() throws Exception {
        CallRecordStore records = new CallRecordStore(redis);
        records.save("h1-1", bytes("record"), Duration.ofMillis(300));
        long deadline = System.nanoTime() + Duration.ofSeconds(2).toNanos();
        while (records.load("h1-1") == null && System.nanoTime() < deadline) {
            Thread.sleep(10); // saved without waiting
        }
        assertThat(new String(records.load("h1-1"), StandardCharsets.UTF_8)).isEqualTo("record");
        Thread.sleep(400);
        assertThat(records.load("h1-1")).as("kept for the record TTL only").isNull();

        assertThat(redis.getOrCreate("secret", "first")).isEqualTo("first");
        assertThat(redis.getOrCreate("secret", "second")).as("the first host decides").isEqualTo("first");

        SharedHash h = new SharedHash(redis, "api-keys");
        h.put("k1", "alice");
        h.put("k2", "bob");
        assertThat(h.get("k1")).isEqualTo("alice");
        assertThat(h.remove(List.of("k1", "nope"))).isEqualTo(1);
        assertThat(h.all()).containsExactly(Map.entry("k2", "bob"));
    }

    @Test
    void aRedisClusterUriOrAnUnreachableRedisIsRefusedClearly() {
        assertThatThrownBy(() -> ClusterRedis.connect("redis-cluster://127.0.0.1:7000", "x:"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("Redis Cluster");
        assertThatThrownBy(() -> ClusterRedis.connect("redis://127.0.0.1:1", "x:"))
                .hasMessageContaining("cannot reach Redis at redis://127.0.0.1:1");
        assertThatThrownBy(() -> ClusterRedis.connect(RedisTestSupport.URI, "bad{ns}"))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
