package io.jfaasm.cluster;

import static io.jfaasm.cluster.RedisTestSupport.utf8;
import static org.assertj.core.api.Assertions.assertThat;

import io.jfaasm.runtime.state.GlobalTier;
import io.jfaasm.runtime.state.GlobalTierContract;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The global tier contract against a Redis Cluster of three masters that this class starts on
 * 127.0.0.1:7000-7002 (in a temporary directory, nothing saved) and shuts down after. When such a
 * cluster cannot be started here (no redis-server, ports taken), every test is reported skipped
 * with the reason (an assumption), and the reason is printed once; never silently.
 */
class RedisClusterGlobalTierTest extends GlobalTierContract {

    private static final int[] PORTS = {7000, 7001, 7002};
    private static final String URI = "redis-cluster://127.0.0.1:7000,127.0.0.1:7001,127.0.0.1:7002";
    private static Path dir;
    private static final List<Integer> started = new ArrayList<>();

    /** Why the cluster could not be started here; null when it runs. Every test then skips with it. */
    private static String skipReason;

    @BeforeAll
    static void startCluster() throws Exception {
        skipReason = start();
        if (skipReason != null) {
            System.err.println("SKIPPING RedisClusterGlobalTierTest: " + skipReason);
        }
    }

    private static String start() throws Exception {
        if (!onPath("redis-server") || !onPath("redis-cli")) {
            return "Redis Cluster tests skipped: redis-server or redis-cli is not installed";
        }
        for (int port : PORTS) {
            if (!free(port) || !free(port + 10_000)) {
                return "Redis Cluster tests skipped: port " + port + " or its cluster bus port " + (port + 10_000)
                        + " is already in use on 127.0.0.1";
            }
        }
        dir = Files.createTempDirectory("jfaasm-redis-cluster");
        for (int port : PORTS) {
            String p = Integer.toString(port);
            Run r = run(Duration.ofSeconds(20), "redis-server", "--port", p, "--bind", "127.0.0.1",
                    "--cluster-enabled", "yes", "--cluster-config-file", dir.resolve("nodes-" + p + ".conf").toString(),
                    "--save", "", "--appendonly", "no", "--daemonize", "yes", "--dir", dir.toString(),
                    "--logfile", dir.resolve(p + ".log").toString(), "--pidfile", dir.resolve(p + ".pid").toString());
            if (r.code != 0) {
                return "Redis Cluster tests skipped: redis-server on port " + p + " did not start: " + r.output;
            }
            started.add(port);
        }
        for (int port : PORTS) {
            if (!waitFor(Duration.ofSeconds(10), () -> cli(port, "ping").output.contains("PONG"))) {
                return "Redis Cluster tests skipped: the node on port " + port + " does not answer; log: " + log(port);
            }
        }
        List<String> create = new ArrayList<>(List.of("redis-cli", "--cluster", "create"));
        for (int port : PORTS) {
            create.add("127.0.0.1:" + port);
        }
        create.addAll(List.of("--cluster-replicas", "0", "--cluster-yes"));
        Run made = run(Duration.ofSeconds(60), create.toArray(String[]::new));
        if (made.code != 0) {
            return "Redis Cluster tests skipped: `redis-cli --cluster create` failed: " + made.output;
        }
        for (int port : PORTS) {
            if (!waitFor(Duration.ofSeconds(30), () -> cli(port, "cluster", "info").output.contains("cluster_state:ok"))) {
                return "Redis Cluster tests skipped: the cluster did not reach state ok on port " + port + ": "
                        + cli(port, "cluster", "info").output;
            }
        }
        return null;
    }

    @AfterAll
    static void stopCluster() throws IOException {
        for (int port : started) {
            cli(port, "shutdown", "nosave");
        }
        started.clear();
        if (dir != null) {
            try (var paths = Files.walk(dir)) {
                for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(p);
                }
            }
        }
    }

    @Override
    protected GlobalTier newTier() {
        Assumptions.assumeTrue(skipReason == null, () -> skipReason);
        return RedisGlobalTier.connect(URI, RedisTestSupport.randomNamespace());
    }

    @Test
    void keysSpreadOverAllMastersAndAreAllListed() {
        List<String> keys = new ArrayList<>();
        for (int i = 0; i < 60; i++) {
            String k = "user" + i + "/k";
            keys.add(k);
            tier.set(k, utf8("v" + i));
        }
        for (int port : PORTS) {
            String n = cli(port, "dbsize").output.strip();
            assertThat(Long.parseLong(n)).as("keys on the master at %d", port).isPositive();
        }
        keys.sort(null);
        assertThat(tier.keys("user")).containsExactlyElementsOf(keys);
        assertThat(tier.keys("user1")).hasSize(11);
    }

    @Test
    void aKeysValueListAndLockShareOneSlot() {
        RedisGlobalTier t = (RedisGlobalTier) tier;
        Set<Long> all = new HashSet<>();
        try (RedisTestSupport.Raw raw = new RedisTestSupport.Raw("redis://127.0.0.1:7000")) {
            for (String k : List.of("alice/counter", "}x", "a{b}c", "{}", "", "ключ", "x}:a", "x")) {
                Set<Long> slots = new HashSet<>();
                for (byte[] name : List.of(t.valueKey(k), t.listKey(k), t.lockKey(k))) {
                    slots.add(raw.sync().clusterKeyslot(name));
                }
                assertThat(slots).as("slots of %s", k).hasSize(1);
                all.addAll(slots);
            }
        }
        assertThat(all).as("different keys still spread").hasSizeGreaterThan(1);
    }

    @Test
    void anotherHostThroughAnotherNodeSeesTheWrites() {
        RedisGlobalTier t = (RedisGlobalTier) tier;
        tier.set("alice/v", utf8("hello"));
        tier.append("alice/v", utf8("e"));
        String token = tier.tryLock("alice/v", Duration.ofSeconds(30));
        try (RedisGlobalTier other = RedisGlobalTier.connect("redis-cluster://127.0.0.1:7002", t.namespace())) {
            assertThat(other.isCluster()).isTrue();
            assertThat(other.get("alice/v")).isEqualTo(utf8("hello"));
            assertThat(other.readAppended("alice/v", 3)).containsExactly(utf8("e"));
            assertThat(other.tryLock("alice/v", Duration.ofSeconds(30))).isNull();
            assertThat(other.unlock("alice/v", token)).isTrue();
            assertThat(other.delete("alice/v")).isTrue();
        }
        assertThat(tier.get("alice/v")).isNull();
    }

    // ---- processes ----

    private record Run(int code, String output) {}

    private static Run cli(int port, String... args) {
        List<String> cmd = new ArrayList<>(List.of("redis-cli", "-h", "127.0.0.1", "-p", Integer.toString(port)));
        cmd.addAll(List.of(args));
        try {
            return run(Duration.ofSeconds(10), cmd.toArray(String[]::new));
        } catch (IOException e) {
            return new Run(-1, e.toString());
        }
    }

    private static Run run(Duration limit, String... cmd) throws IOException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectInput(ProcessBuilder.Redirect.from(
                new java.io.File("/dev/null"))).start();
        try {
            // read fully first: a child blocked on a full pipe would never exit
            byte[] out = p.getInputStream().readAllBytes();
            if (!p.waitFor(limit.toMillis(), TimeUnit.MILLISECONDS)) {
                p.destroyForcibly();
                return new Run(-1, "timed out: " + String.join(" ", cmd));
            }
            return new Run(p.exitValue(), new String(out, StandardCharsets.UTF_8));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            p.destroyForcibly();
            return new Run(-1, "interrupted");
        }
    }

    private static boolean onPath(String exe) {
        for (String d : System.getenv().getOrDefault("PATH", "").split(":")) {
            if (!d.isEmpty() && Files.isExecutable(Path.of(d, exe))) {
                return true;
            }
        }
        return false;
    }

    private static boolean free(int port) {
        try (ServerSocket s = new ServerSocket(port, 1, InetAddress.getByName("127.0.0.1"))) {
            s.setReuseAddress(true);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static String log(int port) {
        try {
            return Files.readString(dir.resolve(port + ".log"));
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    private static boolean waitFor(Duration limit, java.util.function.BooleanSupplier ok) throws InterruptedException {
        long deadline = System.nanoTime() + limit.toNanos();
        while (System.nanoTime() - deadline < 0) {
            if (ok.getAsBoolean()) {
                return true;
            }
            Thread.sleep(100);
        }
        return ok.getAsBoolean();
    }
}
