package io.jfaasm.experiments.baseline;

import io.jfaasm.cluster.RedisGlobalTier;
import io.jfaasm.runtime.FaasletHost;
import io.jfaasm.runtime.state.StateKey;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * Runs a function (and everything it chains) in any {@link Mode}, each run in fresh child processes
 * so that every mode is measured the same way: time inside the process that runs the top call,
 * peak PSS of all processes, bytes through the Redis global tier. State for the run lives under a
 * Redis namespace of its own, removed on close.
 */
public final class ModeRunner implements AutoCloseable {
    private final Setup setup;
    private final RedisGlobalTier tier;

    /**
     * @param jvmFlags flags of every child JVM besides {@link Setup#HOST_FLAGS} (e.g. a heap size)
     */
    public ModeRunner(Path workDir, String redisUri, String user, Duration timeout, long maxMemoryBytes,
            List<String> jvmFlags) {
        List<String> flags = new ArrayList<>(Setup.HOST_FLAGS);
        flags.addAll(jvmFlags);
        String namespace = "jfaasm-exp-" + UUID.randomUUID().toString().substring(0, 8) + ":";
        this.setup = new Setup(workDir.resolve("functions"), redisUri, namespace, user, workDir.resolve("code-cache"),
                timeout, maxMemoryBytes, flags, workDir.resolve("children.log"));
        this.tier = RedisGlobalTier.connect(redisUri, namespace);
    }

    /** Makes a function callable by name in every mode, and compiles it once into the shared code cache. */
    public void addFunction(String name, byte[] wasm) {
        try {
            Path f = setup.functionsDir().resolve(setup.user()).resolve(name + ".wasm");
            Files.createDirectories(f.getParent());
            Files.write(f, wasm);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        try (FaasletHost compiler = FaasletHost.create(FaasletHost.Config.defaults()
                .withCodeCacheDir(setup.codeCacheDir()))) {
            compiler.engine().load(wasm);
        }
    }

    /** Sets a state value of the run's user in the global tier, where every mode finds it. */
    public void setState(String key, byte[] value) {
        tier.set(new StateKey(setup.user(), key).globalName(), value);
    }

    public byte[] getState(String key) {
        return tier.get(new StateKey(setup.user(), key).globalName());
    }

    /** Runs {@code function} with {@code input} in {@code mode}; every process of it has ended on return. */
    public RunResult run(Mode mode, String function, byte[] input) {
        String role = switch (mode) {
            case JFAASM -> "host";
            case ISOLATED -> "isolated";
            case PROCESS -> "call";
        };
        try (PeakMemory peak = new PeakMemory(25)) {
            ChildResult r = ChildJvm.run(setup, role, List.of(function), input);
            peak.close();
            return new RunResult(mode, r, peak.peakPssKb(), peak.peakRssKb(), peak.peakProcesses());
        }
    }

    /**
     * Serves calls of {@code function} from long-lived processes, one call at a time each: the
     * process-per-function baseline of a serving experiment ({@code warm} of them started now).
     */
    public ServingProcesses serve(String function, int warm) {
        return new ServingProcesses(setup, function, warm);
    }

    /** Where the children's stderr goes. */
    public Path log() {
        return setup.log();
    }

    @Override
    public void close() {
        for (String k : tier.keys("")) {
            tier.delete(k);
        }
        tier.close();
    }
}
