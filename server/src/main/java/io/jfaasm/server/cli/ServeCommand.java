package io.jfaasm.server.cli;

import io.jfaasm.runtime.isolation.CpuControl;
import io.jfaasm.runtime.isolation.TenantWeights;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import io.jfaasm.cluster.RedisGlobalTier;
import io.jfaasm.runtime.faaslet.FunctionLimits;
import io.jfaasm.server.ClusterConfig;
import io.jfaasm.server.DemoFunctions;
import io.jfaasm.server.JfaasmServer;
import io.jfaasm.server.ServerConfig;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code jfaasm serve}: one JFaasm host serving the HTTP API (docs/http-api.md). */
@Command(
        name = "serve",
        mixinStandardHelpOptions = true,
        description = {
            "Run a JFaasm host: the HTTP API for uploading functions, calling them and reading",
            "their state (docs/http-api.md). Functions, state and keys are kept under the data",
            "directory, so a restart loses nothing. Stops gracefully on Ctrl-C / SIGTERM.",
            "",
            "API keys are required unless the host is bound to a loopback address; --require-keys",
            "requires them there too. The admin key is printed at start when they are required.",
            "",
            "With --redis, every host on that Redis (and namespace) is one cluster: functions, state,",
            "snapshots, API keys and call records are shared, and a full host hands calls to the",
            "others (docs/architecture.md, \"Cluster\"). Give each host its own --host-id.",
            ""
        },
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
            "1:the server could not start (port in use, data directory locked or unusable, Redis unreachable)",
            "2:bad usage"
        })
public final class ServeCommand implements Callable<Integer> {
    @Option(names = "--port", paramLabel = "PORT", description = "TCP port (default: ${DEFAULT-VALUE}; 0 picks one).")
    int port = ServerConfig.DEFAULT_PORT;

    @Option(names = "--bind", paramLabel = "ADDR",
            description = "Address to listen on (default: ${DEFAULT-VALUE}; 0.0.0.0 for all, which requires keys).")
    String bind = ServerConfig.DEFAULT_BIND;

    @Option(names = "--data-dir", paramLabel = "DIR",
            description = "Where functions, state, keys and compiled code are kept (default: $JFAASM_DATA_DIR, "
                    + "else $XDG_DATA_HOME/jfaasm, else ~/.local/share/jfaasm).")
    Path dataDir;

    @Option(names = "--host-id", paramLabel = "ID", description = "This host's name in call ids (default: the host name).")
    String hostId;

    @Option(names = "--slots", paramLabel = "N", description = "Calls running at once (default: cores x 4).")
    Integer slots;

    @Option(names = "--queue", paramLabel = "N",
            description = "Calls waiting for a slot before new ones get 429 (default: ${DEFAULT-VALUE}).")
    int queue = 10_000;

    @Option(names = "--require-keys", description = "Require API keys even on loopback.")
    boolean requireKeys;

    @Option(names = "--sync-timeout", paramLabel = "SECONDS",
            description = "How long a synchronous call is waited for before 504 (default: ${DEFAULT-VALUE}).")
    double syncTimeout = 60;

    @Option(names = "--timeout", paramLabel = "SECONDS",
            description = "Wall-time limit of every call (default: ${DEFAULT-VALUE}).")
    double timeout = FunctionLimits.DEFAULT_TIMEOUT.toSeconds();

    @Option(names = "--max-memory", paramLabel = "MIB",
            description = "Linear memory limit of every call (default: ${DEFAULT-VALUE}).")
    long maxMemoryMib = FunctionLimits.DEFAULT_MAX_MEMORY / (1024 * 1024);

    @Option(names = "--demo", description = "Upload the example functions (examples/*.wasm) under user 'demo' "
            + "at start and print how to call them.")
    boolean demo;

    @Option(names = "--examples", paramLabel = "DIR",
            description = "Where --demo finds the examples (default: ./examples, else the checkout's).")
    Path examples;

    @Option(names = "--redis", paramLabel = "URI",
            description = "Join the cluster of hosts sharing this Redis: redis://HOST:PORT[/DB].")
    String redis;

    @Option(names = "--redis-namespace", paramLabel = "NS",
            description = "Prefix of every Redis key of the cluster (default: ${DEFAULT-VALUE}); "
                    + "clusters sharing one Redis differ by it.")
    String redisNamespace = RedisGlobalTier.DEFAULT_NAMESPACE;

    @Option(names = "--advertise", paramLabel = "URL",
            description = "The URL other hosts of the cluster reach this one at (default: this server's own, "
                    + "e.g. http://127.0.0.1:PORT; give a reachable address when hosts run on several machines).")
    String advertise;

    @Option(names = "--tenant-weight", paramLabel = "USER=N",
            description = "A user's weight, 1 to 100 (repeatable; others weigh 1): its CPU group's share and its "
                    + "share of the slots when calls queue.")
    List<String> tenantWeights = new ArrayList<>();

    @Option(names = "--net-deny", paramLabel = "HOST:PORT",
            description = "A pattern no function may connect to, whatever it allows (repeatable; added to the "
                    + "default: link-local addresses, 169.254.*:* and fe80:*:*, and a cluster's Redis).")
    List<String> netDeny = new ArrayList<>();

    @Option(names = "--no-cgroups", description = "Do not use cgroups even where writable: CPU is then shared "
            + "between tenants only by the fair slots (as on a host without cgroups).")
    boolean noCgroups;

    @Override
    public Integer call() {
        JfaasmServer server;
        try {
            server = start(System.out);
        } catch (IllegalArgumentException e) {
            System.err.println("error: " + e.getMessage());
            return 2;
        } catch (RuntimeException e) {
            System.err.println("error: " + e.getMessage());
            return 1;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(Thread.ofPlatform().name("jfaasm-shutdown").unstarted(() -> {
            System.err.println("jfaasm: stopping (running calls may finish for up to "
                    + server.config().shutdownGrace().toSeconds() + " s)");
            server.close();
            stopped.countDown();
        }));
        try {
            stopped.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return 0;
    }

    /** The configuration the options describe. */
    public ServerConfig config() {
        if (syncTimeout <= 0 || timeout <= 0) {
            throw new IllegalArgumentException("timeouts must be positive");
        }
        ServerConfig c = ServerConfig.defaults().withPort(port).withBindAddress(bind)
                .withSyncTimeout(Duration.ofMillis(Math.max(1, (long) (syncTimeout * 1000))))
                .withLimits(FunctionLimits.DEFAULTS.withTimeout(Duration.ofMillis(Math.max(1, (long) (timeout * 1000))))
                        .withMaxMemoryBytes(maxMemoryMib * 1024 * 1024));
        if (dataDir != null) {
            c = c.withDataDir(dataDir);
        }
        if (hostId != null) {
            c = c.withHostId(hostId);
        }
        c = c.withSlots(slots != null ? slots : c.slots(), queue);
        if (requireKeys) {
            c = c.withRequireKeys(true);
        }
        List<String> deny = new ArrayList<>(c.networkDeny());
        deny.addAll(netDeny);
        return c.withTenantWeights(TenantWeights.parse(tenantWeights)).withCpuGroups(!noCgroups).withNetworkDeny(deny);
    }

    /** The cluster the options name, or null for one self-contained host. */
    public ClusterConfig clusterConfig() {
        if (redis == null) {
            if (advertise != null || !redisNamespace.equals(RedisGlobalTier.DEFAULT_NAMESPACE)) {
                throw new IllegalArgumentException("--advertise and --redis-namespace need --redis");
            }
            return null;
        }
        return ClusterConfig.of(redis).withNamespace(redisNamespace).withAdvertiseUrl(advertise);
    }

    /** Starts the server and prints where it is, its admin key if needed, and the demo functions. */
    public JfaasmServer start(PrintStream out) {
        ServerConfig config = config();
        Optional<Path> exampleDir = Optional.empty();
        if (demo) {
            exampleDir = DemoFunctions.findExamples(examples);
            if (exampleDir.isEmpty()) {
                throw new IllegalArgumentException("--demo: no examples directory found"
                        + (examples == null ? " (run from the repository, or give --examples DIR)" : ": " + examples));
            }
        }
        ClusterConfig cluster = clusterConfig();
        JfaasmServer server = cluster == null ? JfaasmServer.start(config) : JfaasmServer.start(config, cluster);
        String url = server.url();
        out.println("jfaasm: serving on " + url + " (host " + config.hostId() + ", " + config.slots()
                + " slots, data in " + config.dataDir().toAbsolutePath().normalize() + ")");
        out.println("jfaasm: CPU between tenants: " + server.host().cpuMode().name().toLowerCase(Locale.ROOT)
                + (server.host().cpuMode() == CpuControl.Mode.NONE ? " (no cgroups)" : " cgroups")
                + ", slots shared fairly per user");
        if (cluster != null) {
            out.println("jfaasm: part of the cluster on " + cluster.redisUri().replaceFirst("//[^@/]*@", "//")
                    + " (namespace '" + cluster.namespace() + "'): functions, state, keys and call records shared");
        }
        String auth = "";
        if (server.keysRequired()) {
            out.println("jfaasm: API keys are required. Admin key: " + server.adminKey());
            out.println("        (also in " + config.dataDir().resolve("admin.key") + "; create a user's key with");
            out.println("         jfaasm keys create USER --server " + url + " --key ADMIN_KEY)");
            auth = " -H 'Authorization: Bearer " + server.adminKey() + "'";
        } else {
            out.println("jfaasm: API keys are not required (bound to loopback; --require-keys to require them)");
        }
        if (exampleDir.isPresent()) {
            DemoFunctions.Result r;
            try {
                r = DemoFunctions.upload(server.scheduler(), exampleDir.get());
            } catch (RuntimeException e) {
                server.close();
                throw e;
            }
            out.println("jfaasm: demo functions of user '" + DemoFunctions.USER + "' (from " + exampleDir.get() + "):");
            out.println("        " + String.join(" ", r.uploaded()));
            r.skipped().forEach((name, why) -> out.println("        skipped " + name + ": " + why));
            String key = server.keysRequired() ? " --key " + server.adminKey() : "";
            String serverOpt = url.equals("http://127.0.0.1:8080") ? "" : " --server " + url;
            out.println("Try:");
            out.println("  curl" + auth + " --data-binary world " + url + "/f/demo/hello");
            out.println("  curl" + auth + " --data-binary 20 " + url + "/f/demo/fanout        # 1^2 + ... + 20^2 = 2870");
            out.println("  ./jfaasm invoke demo hello --input world" + serverOpt + key);
            out.println("  ./jfaasm functions" + serverOpt + key);
        }
        out.flush();
        return server;
    }
}
