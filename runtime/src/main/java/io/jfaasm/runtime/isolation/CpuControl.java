package io.jfaasm.runtime.isolation;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.nio.file.Files;
import java.nio.file.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * CPU isolation between tenants: while a call runs, its thread sits in its user's CPU group, and
 * every user's group gets an equal share (or a configured weight) of the host's CPUs, so a tenant
 * running many busy calls cannot starve another. As Faasm does, threads are moved, not processes.
 *
 * <p>Which mechanism applies is detected at start: cgroup v1's {@code cpu} controller (per-thread
 * {@code tasks}, {@code cpu.shares}), cgroup v2 in threaded mode ({@code cgroup.threads},
 * {@code cpu.weight}), or none where neither is writable (then CPU is shared as the kernel
 * schedules threads, and the host says so in its health).
 */
public sealed interface CpuControl permits CgroupCpuControl, CpuControl.None {
    Logger LOG = LoggerFactory.getLogger(CpuControl.class);

    /** How CPU is shared between tenants on this host. */
    enum Mode { CGROUP_V1, CGROUP_V2, NONE }

    Mode mode();

    /**
     * Set to {@code none} to place no thread (experiments comparing one JVM with several: each JVM
     * host's group would otherwise get its own equal share of a busy machine).
     */
    String OFF_PROPERTY = "jfaasm.cpu-isolation";

    /** Moves the calling thread into the user's group, for the duration of a call. */
    void enter(String user);

    /** Moves the calling thread back to the host's own group. */
    void leave();

    /** The best mechanism this host allows, its groups weighted by {@code weights}; logged. */
    static CpuControl detect(TenantWeights weights) {
        CpuControl c = CgroupCpuControl.tryV1(Path.of("/sys/fs/cgroup/cpu"), weights);
        if (c == null) {
            c = CgroupCpuControl.tryV2(Path.of("/sys/fs/cgroup"), weights);
        }
        if (c == null) {
            c = new None();
        }
        LOG.info("CPU isolation between tenants: {} (and the scheduler's fair slots per user)", c.mode());
        return c;
    }

    /** No cgroups, by configuration: logged as such. */
    static CpuControl none() {
        LOG.info("CPU isolation between tenants: NONE by configuration (the scheduler's fair slots per user)");
        return new None();
    }

    /** No placement: threads share CPU as the kernel schedules them. */
    record None() implements CpuControl {
        @Override
        public Mode mode() {
            return Mode.NONE;
        }

        @Override
        public void enter(String user) {}

        @Override
        public void leave() {}
    }

    /** The kernel's id of the calling thread, as cgroup files want it. */
    static int currentTid() {
        try {
            return (int) Tid.GETTID.invokeExact();
        } catch (Throwable t) {
            throw new IllegalStateException("gettid failed", t);
        }
    }

    /** Lazily bound, so hosts that never place threads never link it. */
    final class Tid {
        private static final MethodHandle GETTID = Linker.nativeLinker().downcallHandle(
                Linker.nativeLinker().defaultLookup().find("gettid").orElseThrow(),
                FunctionDescriptor.of(ValueLayout.JAVA_INT));

        private Tid() {}
    }

    /** True when the file exists and this process may write it. */
    static boolean writable(Path p) {
        return Files.isRegularFile(p) && Files.isWritable(p);
    }
}
