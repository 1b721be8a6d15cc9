package io.jfaasm.server;

import io.javalin.Javalin;
import io.jfaasm.cluster.SharedHash;
import io.jfaasm.runtime.FaasletHost;
import io.jfaasm.runtime.files.ScratchSpace;
import io.jfaasm.runtime.files.SharedFileCache;
import io.jfaasm.runtime.files.SharedFileStore;
import io.jfaasm.runtime.faaslet.CallResult;
import io.jfaasm.runtime.scheduler.CallRecord;
import io.jfaasm.runtime.scheduler.Scheduler;
import io.jfaasm.runtime.scheduler.SchedulerListener;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.NetworkConnector;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One JFaasm host serving the HTTP API (docs/http-api.md): a {@link FaasletHost} running calls,
 * a {@link Scheduler} in front of it, the state tier, API keys and metrics, behind Javalin on
 * virtual threads.
 *
 * <pre>{@code
 * try (JfaasmServer server = JfaasmServer.start(ServerConfig.defaults().withPort(0))) {
 *     System.out.println("listening on " + server.url());
 * }
 * }</pre>
 *
 * <p>{@link #start(ServerConfig)} is one self-contained host keeping everything under its data
 * directory; {@link #start(ServerConfig, Storage)} takes the state tier and function store from
 * the caller; {@link #start(ServerConfig, ClusterConfig)} joins a cluster of hosts sharing one
 * Redis (functions, state, snapshots, keys and call records shared; calls handed between hosts).
 */
public final class JfaasmServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(JfaasmServer.class);

    private final ServerConfig config;
    private final DataDir dataDir;
    private final Storage storage;
    private final ApiKeys keys;
    private final FaasletHost host;
    private final ServerMetrics metrics;
    private final Scheduler scheduler;
    private final HttpApi api;
    private final Javalin app;
    private final ClusterNode cluster;
    private final AtomicBoolean closed = new AtomicBoolean();
    private volatile Server jetty;

    private JfaasmServer(ServerConfig config, DataDir dataDir, Storage storage, ClusterNode cluster) {
        this.config = config;
        this.dataDir = dataDir;
        this.storage = storage;
        this.cluster = cluster;
        this.keys = cluster == null ? new ApiKeys(dataDir.adminKey(), dataDir.keys())
                : ApiKeys.shared(cluster.adminKey(ApiKeys.localAdminKey(dataDir.adminKey())),
                        new SharedHash(cluster.redis(), "api-keys"));
        FaasletHost.Config d = FaasletHost.Config.defaults();
        this.host = FaasletHost.create(new FaasletHost.Config(dataDir.codeCache(), (int) config.maxUploadBytes(),
                d.threadStackBytes(), d.snapshots(), d.maxIdlePerFunction(), d.idleTimeout(), d.initLimits(),
                storage.snapshots(), storage.state(), config.cpuGroups(), config.tenantWeights(), false,
                d.engine()));
        this.metrics = new ServerMetrics();
        SchedulerListener listener = cluster == null ? metrics : new SchedulerListener() {
            @Override
            public void callFinished(CallRecord record, CallResult result) {
                metrics.callFinished(record, result);
            }

            @Override
            public void callForwarded(CallRecord record, String to) {
                metrics.callForwarded(record, to);
            }

            @Override
            public void recordFinished(CallRecord record) {
                cluster.recordFinished(record);
            }
        };
        this.scheduler = new Scheduler(host, storage.functions(), Scheduler.Config.defaults(config.hostId())
                .withSlots(config.slots(), config.maxQueued()).withLimits(config.limits())
                .withRecordTtl(config.recordTtl()).withNetworkDeny(config.networkDeny()), listener);
        if (cluster != null) {
            scheduler.forwardTo(cluster);
        }
        // a user's shared files live in the state tier (so in Redis for a cluster), cached per host
        SharedFileStore sharedFiles = new SharedFileStore(storage.state());
        scheduler.useFiles(new SharedFileCache(sharedFiles, dataDir.root().resolve("files-cache")),
                ScratchSpace.at(dataDir.root().resolve("scratch"), ScratchSpace.DEFAULT_GUEST_PATH,
                        ScratchSpace.DEFAULT_MAX_BYTES));
        metrics.watch(scheduler, host, storage);
        this.api = new HttpApi(config, scheduler, host, keys, metrics, cluster, sharedFiles);
        this.app = Javalin.create(cfg -> {
            cfg.startup.showJavalinBanner = false;
            cfg.startup.showOldJavalinVersionWarning = false;
            cfg.concurrency.useVirtualThreads = true;
            cfg.http.prefer405over404 = true;
            cfg.router.ignoreTrailingSlashes = true;
            cfg.jetty.host = config.bindAddress();
            cfg.jetty.port = config.port();
            cfg.jetty.modifyServer(server -> {
                server.setErrorHandler(new JsonErrorHandler());
                this.jetty = server;
            });
            api.configure(cfg);
        });
    }

    /** Starts one self-contained host: functions, state and keys in files under the data directory. */
    public static JfaasmServer start(ServerConfig config) {
        DataDir dir = DataDir.open(config.dataDir());
        Storage storage;
        try {
            storage = Storage.embedded(dir.root());
        } catch (RuntimeException e) {
            dir.close();
            throw e;
        }
        return start(config, dir, storage, null);
    }

    /**
     * Starts a host on the given state tier and function store (keys and compiled code stay under
     * the data directory). The caller closes a {@link Storage#shared shared} storage after the server.
     */
    public static JfaasmServer start(ServerConfig config, Storage storage) {
        return start(config, DataDir.open(config.dataDir()), storage, null);
    }

    /**
     * Starts a host of a cluster: every host on the same Redis and namespace shares functions,
     * state, snapshots, API keys and call records, and hands calls to the others when it is full
     * (docs/architecture.md, "Cluster"). The data directory keeps only compiled code and the lock.
     */
    public static JfaasmServer start(ServerConfig config, ClusterConfig cluster) {
        List<String> deny = new ArrayList<>(config.networkDeny());
        deny.addAll(cluster.redisNetworkDeny());
        config = config.withNetworkDeny(deny);
        DataDir dir = DataDir.open(config.dataDir());
        ClusterNode node;
        try {
            node = ClusterNode.connect(cluster, config.hostId(), config.recordTtl());
        } catch (RuntimeException e) {
            dir.close();
            throw e;
        }
        return start(config, dir, node.storage(), node);
    }

    private static JfaasmServer start(ServerConfig config, DataDir dir, Storage storage, ClusterNode cluster) {
        JfaasmServer server;
        try {
            server = new JfaasmServer(config, dir, storage, cluster);
        } catch (RuntimeException e) {
            storage.close();
            if (cluster != null) {
                cluster.close();
            }
            dir.close();
            throw e;
        }
        try {
            server.app.start();
        } catch (RuntimeException e) {
            server.close();
            throw new IllegalStateException("cannot listen on " + config.bindAddress() + ":" + config.port() + ": "
                    + rootMessage(e), e);
        }
        server.afterStart();
        if (cluster != null) {
            try {
                cluster.start(server.scheduler, server.url());
            } catch (RuntimeException e) {
                server.close();
                throw e;
            }
        }
        return server;
    }

    private void afterStart() {
        // a synchronous call may wait up to its timeout with no bytes on the connection
        long idle = Math.max(30_000, config.syncTimeout().toMillis() + 10_000);
        if (jetty != null) {
            for (Connector c : jetty.getConnectors()) {
                if (c instanceof ServerConnector sc) {
                    sc.setIdleTimeout(idle);
                }
            }
        }
        LOG.info("serving on {} (host {}, data {}, {} slots, keys {})", url(), config.hostId(), dataDir.root(),
                config.slots(), keysRequired() ? "required" : "not required");
    }

    /** The TCP port listened on (the chosen one when the configuration said 0). */
    public int port() {
        return app.port();
    }

    /** The base URL, e.g. {@code http://127.0.0.1:8080}. */
    public String url() {
        String h = config.bindAddress();
        if (h.equals("0.0.0.0") || h.equals("::") || h.equals("[::]")) {
            h = "127.0.0.1";
        } else if (h.contains(":") && !h.startsWith("[")) {
            h = "[" + h + "]";
        }
        return "http://" + h + ":" + port();
    }

    public ServerConfig config() {
        return config;
    }

    public boolean keysRequired() {
        return config.keysRequired();
    }

    /** The admin key (also in {@code DATA_DIR/admin.key}). */
    public String adminKey() {
        return keys.adminKey();
    }

    public Scheduler scheduler() {
        return scheduler;
    }

    public FaasletHost host() {
        return host;
    }

    /** Whether this host is part of a cluster (started with a {@link ClusterConfig}). */
    public boolean clustered() {
        return cluster != null;
    }

    /**
     * Stops gracefully: stops accepting connections, refuses new calls (503) on open ones, lets
     * running and queued calls finish for up to {@link ServerConfig#shutdownGrace()}, then stops
     * the HTTP server, the scheduler, the host and the storage, and releases the data directory.
     */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        if (cluster != null) {
            cluster.leave(); // no new calls from other hosts; theirs running here finish below
        }
        api.drain();
        if (jetty != null) {
            for (Connector c : jetty.getConnectors()) {
                if (c instanceof NetworkConnector nc) {
                    try {
                        nc.close(); // stop accepting; open connections go on
                    } catch (RuntimeException e) {
                        LOG.debug("closing connector: {}", e.toString());
                    }
                }
            }
        }
        long deadline = System.nanoTime() + config.shutdownGrace().toNanos();
        boolean interrupted = false;
        while (scheduler.running() + scheduler.queued() + scheduler.forwarding() > 0 || api.activeRequests() > 0) {
            if (System.nanoTime() - deadline > 0 || interrupted) {
                LOG.warn("stopping with {} calls running and {} queued: the grace period of {} s is over",
                        scheduler.running(), scheduler.queued(), config.shutdownGrace().toSeconds());
                break;
            }
            interrupted = !sleep(Duration.ofMillis(10));
        }
        if (!interrupted) {
            sleep(Duration.ofMillis(50)); // the last answers have left their handlers: let them reach the wire
        }
        try {
            app.stop();
        } catch (RuntimeException e) {
            LOG.warn("stopping the HTTP server: {}", e.toString());
        }
        scheduler.close();
        host.close();
        metrics.close();
        storage.close();
        if (cluster != null) {
            cluster.close();
        }
        dataDir.close();
    }

    /** Sleeps; false when interrupted (the flag is kept). */
    private static boolean sleep(Duration d) {
        try {
            Thread.sleep(d);
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private static String rootMessage(Throwable t) {
        Throwable c = t;
        while (c.getCause() != null && c.getCause() != c) {
            c = c.getCause();
        }
        return c.getMessage() == null ? c.toString() : c.getMessage();
    }
}
