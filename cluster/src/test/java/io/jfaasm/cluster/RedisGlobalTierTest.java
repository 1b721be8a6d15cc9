package io.jfaasm.cluster;

import static io.jfaasm.cluster.RedisTestSupport.utf8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import io.jfaasm.runtime.state.GlobalTier;
import io.jfaasm.runtime.state.GlobalTier.Chunk;
import io.jfaasm.runtime.state.GlobalTierContract;
import io.jfaasm.runtime.state.GlobalTierException;
import io.lettuce.core.api.sync.RedisCommands;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The global tier contract against the Redis at 127.0.0.1:6379 (each test in a namespace of its
 * own, deleted after), plus what only a shared, networked tier shows: other hosts, dead holders, a
 * Redis that is down.
 */
class RedisGlobalTierTest extends GlobalTierContract {

    private String namespace;
    private final List<GlobalTier> extra = new ArrayList<>();

    @BeforeAll
    static void redisMustAnswer() {
        RedisTestSupport.requireRedis();
    }

    @Override
    protected GlobalTier newTier() {
        namespace = RedisTestSupport.randomNamespace();
        return RedisGlobalTier.connect(RedisTestSupport.URI, namespace);
    }

    /** Another host: its own connection and client, the same Redis and namespace. */
    private RedisGlobalTier otherHost() {
        RedisGlobalTier t = RedisGlobalTier.connect(RedisTestSupport.URI, namespace);
        extra.add(t);
        return t;
    }

    @AfterEach
    void cleanUp() {
        extra.forEach(GlobalTier::close);
        RedisTestSupport.deleteNamespace(namespace);
    }

    @Test
    void aSecondHostSeesWhatTheFirstWrote() {
        RedisGlobalTier other = otherHost();
        tier.set("alice/v", utf8("from host 1"));
        tier.setRanges("alice/r", List.of(new Chunk(2, utf8("xy"))));
        tier.append("alice/log", utf8("e1"));
        String token = tier.tryLock("alice/v", Duration.ofSeconds(30));

        assertThat(other.get("alice/v")).isEqualTo(utf8("from host 1"));
        assertThat(other.get("alice/r")).isEqualTo(new byte[] {0, 0, 'x', 'y'});
        assertThat(other.readAppended("alice/log", 5)).containsExactly(utf8("e1"));
        assertThat(other.keys("alice/")).containsExactly("alice/log", "alice/r", "alice/v");
        assertThat(other.tryLock("alice/v", Duration.ofSeconds(30))).as("held by host 1").isNull();
        assertThat(other.unlock("alice/v", token)).as("a token works from any host").isTrue();

        other.append("alice/log", utf8("e2"));
        other.setRanges("alice/v", List.of(new Chunk(0, utf8("FROM"))));
        assertThat(tier.readAppended("alice/log", 5)).containsExactly(utf8("e1"), utf8("e2"));
        assertThat(tier.get("alice/v")).isEqualTo(utf8("FROM host 1"));
    }

    @Test
    void namespacesDoNotSeeEachOther() {
        tier.set("k", utf8("mine"));
        try (RedisGlobalTier stranger = RedisGlobalTier.connect(RedisTestSupport.URI, namespace + "other:")) {
            assertThat(stranger.get("k")).isNull();
            assertThat(stranger.keys("")).isEmpty();
            stranger.set("k", utf8("theirs"));
            assertThat(tier.get("k")).isEqualTo(utf8("mine"));
            assertThat(tier.keys("")).as("a longer namespace is not a key of ours").containsExactly("k");
            stranger.delete("k");
        }
    }

    @Test
    void theLayoutInRedisIsTheDocumentedOne() {
        tier.set("alice/x", utf8("value"));
        tier.append("alice/x", utf8("elem"));
        String token = tier.tryLock("alice/x", Duration.ofSeconds(20));
        try (RedisTestSupport.Raw raw = RedisTestSupport.raw()) {
            RedisCommands<byte[], byte[]> r = raw.sync();
            String base = namespace + "{k:alice/x}";
            assertThat(r.get(utf8(base + ":v"))).isEqualTo(utf8("value"));
            assertThat(r.lrange(utf8(base + ":a"), 0, -1)).containsExactly(utf8("elem"));
            assertThat(r.get(utf8(base + ":l"))).isEqualTo(utf8(token));
            assertThat(r.pttl(utf8(base + ":l"))).isBetween(1L, 20_000L);
        }
    }

    @Test
    void aHolderProcessThatIsKilledIsReleasedByItsLease() throws Exception {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        Process holder = new ProcessBuilder(java.toString(), "-cp", System.getProperty("java.class.path"),
                LockHolderProcess.class.getName(), RedisTestSupport.URI, namespace, "alice/counter", "1500")
                .redirectErrorStream(true)
                .start();
        try {
            String line;
            try (BufferedReader out = new BufferedReader(
                    new InputStreamReader(holder.getInputStream(), StandardCharsets.UTF_8))) {
                do {
                    line = out.readLine();
                } while (line != null && !line.startsWith("TOKEN ") && !line.equals("BUSY"));
            }
            assertThat(line).as("the holder process took the lock").startsWith("TOKEN ");
            assertThat(tier.tryLock("alice/counter", Duration.ofSeconds(30))).as("held by the other process").isNull();
        } finally {
            holder.destroyForcibly(); // SIGKILL: no unlock, no shutdown hook
            holder.waitFor(10, TimeUnit.SECONDS);
        }
        String[] mine = {null};
        eventually(Duration.ofSeconds(10),
                () -> (mine[0] = tier.tryLock("alice/counter", Duration.ofSeconds(30))) != null);
        assertThat(tier.unlock("alice/counter", mine[0])).isTrue();
    }

    @Test
    void aRedisThatIsNotThereFailsQuicklyNamingTheAddress() {
        int port = RedisTestSupport.freePort(); // nothing listens there
        String uri = "redis://127.0.0.1:" + port;
        assertTimeoutPreemptively(Duration.ofSeconds(15), () ->
                assertThatThrownBy(() -> RedisGlobalTier.connect(uri))
                        .isInstanceOf(GlobalTierException.class)
                        .hasMessageContaining("127.0.0.1:" + port));
        assertTimeoutPreemptively(Duration.ofSeconds(15), () ->
                assertThatThrownBy(() -> RedisGlobalTier.connect("redis-cluster://127.0.0.1:" + port))
                        .isInstanceOf(GlobalTierException.class)
                        .hasMessageContaining("127.0.0.1:" + port));
    }

    @Test
    void aRedisThatGoesDownFailsCallsQuicklyNamingTheAddress() throws Exception {
        Path dir = Files.createTempDirectory("jfaasm-redis-down");
        int port = RedisTestSupport.freePort();
        Process server = new ProcessBuilder("redis-server", "--port", Integer.toString(port), "--bind", "127.0.0.1",
                "--save", "", "--appendonly", "no", "--dir", dir.toString())
                .redirectErrorStream(true)
                .redirectOutput(dir.resolve("redis.log").toFile())
                .start();
        try {
            String uri = "redis://127.0.0.1:" + port;
            RedisGlobalTier[] t = {null};
            eventually(Duration.ofSeconds(10), () -> {
                try {
                    t[0] = RedisGlobalTier.connect(uri);
                    return true;
                } catch (GlobalTierException notYet) {
                    return false;
                }
            });
            try (RedisGlobalTier down = t[0]) {
                down.set("k", utf8("v"));
                assertThat(down.get("k")).isEqualTo(utf8("v"));
                server.destroyForcibly();
                server.waitFor(10, TimeUnit.SECONDS);
                assertTimeoutPreemptively(Duration.ofSeconds(15), () -> {
                    for (int i = 0; i < 3; i++) {
                        assertThatThrownBy(() -> down.get("k"))
                                .isInstanceOf(GlobalTierException.class)
                                .hasMessageContaining("127.0.0.1:" + port)
                                .hasMessageContaining("k");
                    }
                });
            }
        } finally {
            server.destroyForcibly();
            server.waitFor(10, TimeUnit.SECONDS);
            deleteTree(dir);
        }
    }

    @Test
    void clusterUrisSplitIntoOneUriPerNode() {
        assertThat(RedisGlobalTier.clusterNodes("redis-cluster://127.0.0.1:7000,127.0.0.1:7001"))
                .containsExactly("redis://127.0.0.1:7000", "redis://127.0.0.1:7001");
        assertThat(RedisGlobalTier.clusterNodes("rediss-cluster://u:p@h1:1, h2:2?timeout=3s"))
                .containsExactly("rediss://u:p@h1:1?timeout=3s", "rediss://u:p@h2:2?timeout=3s");
    }

    @Test
    void globCharactersAreEscapedForScan() {
        assertThat(new String(RedisGlobalTier.globEscape(utf8("a*b?c[d]e\\f^-{}")), StandardCharsets.UTF_8))
                .isEqualTo("a\\*b\\?c\\[d\\]e\\\\f^-{}");
    }

    @Test
    void aNamespaceWithBracesIsRefused() {
        assertThatThrownBy(() -> RedisGlobalTier.connect(RedisTestSupport.URI, "a{b}:"))
                .isInstanceOf(IllegalArgumentException.class);
    }

    private static void deleteTree(Path dir) throws IOException {
        try (var paths = Files.walk(dir)) {
            for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
