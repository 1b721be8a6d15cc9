package io.jfaasm.runtime.isolation;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Tenant CPU groups in a cgroup hierarchy: {@code <root>/jfaasm-<pid>/<user>}, each with a share
 * by its {@link TenantWeights weight} (equal by default), created on a user's first call and
 * removed when the host closes. A call's thread is written into its user's group when the call
 * starts and back into the host's own group when it ends.
 */
public final class CgroupCpuControl implements CpuControl, AutoCloseable {
    private final Mode mode;
    private final Path hostGroup;
    private final Path parent;
    private final String threadsFile;
    private final String weightFile;
    private final int baseWeight;
    private final TenantWeights weights;
    private final Map<String, Path> groups = new ConcurrentHashMap<>();

    private CgroupCpuControl(Mode mode, Path hostGroup, Path parent, String threadsFile,
            String weightFile, int baseWeight, TenantWeights weights) {
        this.mode = mode;
        this.hostGroup = hostGroup;
        this.parent = parent;
        this.threadsFile = threadsFile;
        this.weightFile = weightFile;
        this.baseWeight = baseWeight;
        this.weights = weights;
    }

    /** cgroup v1's cpu controller, if this process may create groups and move threads in it. */
    static CgroupCpuControl tryV1(Path root, TenantWeights weights) {
        return tryCreate(Mode.CGROUP_V1, root, "tasks", "cpu.shares", 1024, weights);
    }

    /** cgroup v2 with the cpu controller, threaded groups; if writable. */
    static CgroupCpuControl tryV2(Path root, TenantWeights weights) {
        try {
            if (!Files.readString(root.resolve("cgroup.controllers")).contains("cpu")) {
                return null;
            }
        } catch (IOException e) {
            return null;
        }
        return tryCreate(Mode.CGROUP_V2, root, "cgroup.threads", "cpu.weight", 100, weights);
    }

    private static CgroupCpuControl tryCreate(Mode mode, Path root, String threads, String weightFile,
            int baseWeight, TenantWeights weights) {
        Path own = ownGroup(root, mode);
        Path parent = own.resolve("jfaasm-" + ProcessHandle.current().pid());
        if (!CpuControl.writable(own.resolve(threads))) {
            return null;
        }
        try {
            Files.createDirectories(parent);
            if (mode == Mode.CGROUP_V2) {
                Files.writeString(parent.resolve("cgroup.type"), "threaded");
                Files.writeString(own.resolve("cgroup.subtree_control"), "+cpu");
            }
            CgroupCpuControl c = new CgroupCpuControl(mode, own, parent, threads, weightFile, baseWeight, weights);
            // prove it works now rather than on the first call
            c.enter("probe");
            c.leave();
            return c;
        } catch (IOException | RuntimeException e) {
            CpuControl.LOG.debug("{} at {} not usable: {}", mode, root, e.toString());
            try {
                Files.deleteIfExists(parent.resolve("probe"));
                Files.deleteIfExists(parent);
            } catch (IOException ignored) {
                // left for the operator: an empty group costs nothing
            }
            return null;
        }
    }

    /** The group this process is in (from /proc/self/cgroup), under the hierarchy's root. */
    private static Path ownGroup(Path root, Mode mode) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/cgroup"))) {
                String[] f = line.split(":", 3);
                boolean ours = mode == Mode.CGROUP_V2 ? f[0].equals("0")
                        : java.util.Arrays.asList(f[1].split(",")).contains("cpu");
                if (ours) {
                    Path p = root.resolve(f[2].substring(1)).normalize();
                    return Files.isDirectory(p) ? p : root;
                }
            }
        } catch (IOException | RuntimeException e) {
            CpuControl.LOG.debug("cannot read /proc/self/cgroup: {}", e.toString());
        }
        return root;
    }

    @Override
    public Mode mode() {
        return mode;
    }

    @Override
    public void enter(String user) {
        write(groups.computeIfAbsent(user, this::create).resolve(threadsFile));
    }

    @Override
    public void leave() {
        write(hostGroup.resolve(threadsFile));
    }

    private Path create(String user) {
        Path g = parent.resolve(user);
        try {
            Files.createDirectories(g);
            if (mode == Mode.CGROUP_V2) {
                Files.writeString(g.resolve("cgroup.type"), "threaded");
            }
            // weights 1 to 100: within cpu.shares' (2-262144) and cpu.weight's (1-10000) ranges
            Files.writeString(g.resolve(weightFile), Integer.toString(baseWeight * weights.of(user)));
            return g;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the CPU group of " + user + " at " + g, e);
        }
    }

    private static void write(Path threads) {
        try {
            Files.write(threads, Integer.toString(CpuControl.currentTid()).getBytes(StandardCharsets.US_ASCII));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot move a thread into " + threads, e);
        }
    }

    /** Removes the groups (empty by now: every call moved its thread back). */
    @Override
    public void close() {
        for (Path g : groups.values()) {
            try {
                Files.deleteIfExists(g);
            } catch (IOException e) {
                CpuControl.LOG.debug("cannot remove {}: {}", g, e.toString());
            }
        }
        try {
            Files.deleteIfExists(parent);
        } catch (IOException e) {
            CpuControl.LOG.debug("cannot remove {}: {}", parent, e.toString());
        }
    }
}
