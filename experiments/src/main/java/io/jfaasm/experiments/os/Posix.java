package io.jfaasm.experiments.os;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * What the process and memory harnesses need from Linux (x86-64 glibc), through FFM: spawning a
 * child with {@code posix_spawn} and reaping it with {@code wait4} (which gives that child's own
 * CPU time and peak RSS), {@code getrusage}, and memory figures from {@code /proc}. Shared by the
 * experiments and the bench harnesses.
 */
public final class Posix {
    private static final Linker LINKER = Linker.nativeLinker();
    private static final SymbolLookup LIBC = LINKER.defaultLookup();
    private static final MethodHandle POSIX_SPAWN = handle("posix_spawn", FunctionDescriptor.of(
            ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.ADDRESS, ValueLayout.ADDRESS,
            ValueLayout.ADDRESS, ValueLayout.ADDRESS, ValueLayout.ADDRESS));
    private static final MethodHandle WAIT4 = handle("wait4", FunctionDescriptor.of(
            ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_INT,
            ValueLayout.ADDRESS));
    private static final MethodHandle GETRUSAGE = handle("getrusage", FunctionDescriptor.of(
            ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.ADDRESS));
    public static final int RUSAGE_SELF = 0;
    public static final int RUSAGE_CHILDREN = -1;
    private static final int RUSAGE_BYTES = 144;

    private Posix() {}

    private static MethodHandle handle(String name, FunctionDescriptor d) {
        return LINKER.downcallHandle(LIBC.find(name).orElseThrow(), d);
    }

    /**
     * Resource use, from {@code struct rusage}.
     *
     * @param userNanos user CPU time
     * @param sysNanos system CPU time
     * @param maxRssKb peak resident set (KiB); for a child spawned vfork-style from the JVM this is
     *     the JVM's, not the child's (it ran in the JVM's address space until exec)
     * @param minorFaults minor page faults
     */
    public record Usage(long userNanos, long sysNanos, long maxRssKb, long minorFaults) {
        public long cpuNanos() {
            return userNanos + sysNanos;
        }

        public Usage minus(Usage o) {
            return new Usage(userNanos - o.userNanos, sysNanos - o.sysNanos, maxRssKb, minorFaults - o.minorFaults);
        }

        public static Usage of(MemorySegment ru) {
            long user = ru.get(ValueLayout.JAVA_LONG, 0) * 1_000_000_000L + ru.get(ValueLayout.JAVA_LONG, 8) * 1000;
            long sys = ru.get(ValueLayout.JAVA_LONG, 16) * 1_000_000_000L + ru.get(ValueLayout.JAVA_LONG, 24) * 1000;
            return new Usage(user, sys, ru.get(ValueLayout.JAVA_LONG, 32), ru.get(ValueLayout.JAVA_LONG, 64));
        }
    }

    /** {@code getrusage(who)}. */
    public static Usage rusage(int who) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment ru = a.allocate(RUSAGE_BYTES);
            int rc = (int) GETRUSAGE.invokeExact(who, ru);
            if (rc != 0) {
                throw new IllegalStateException("getrusage failed");
            }
            return Usage.of(ru);
        } catch (Throwable t) {
            throw t instanceof RuntimeException r ? r : new IllegalStateException(t);
        }
    }

    /** A finished child: exit status and its own resource use. */
    public record Exit(int status, Usage usage) {}

    /**
     * Starts {@code argv[0]} (an absolute path) with {@code posix_spawn}: glibc's vfork-style
     * clone then exec, no shell, no helper; stdio inherited. Returns the pid.
     */
    public static int spawn(List<String> argv, Map<String, String> env) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment args = a.allocate(ValueLayout.ADDRESS, argv.size() + 1);
            for (int i = 0; i < argv.size(); i++) {
                args.setAtIndex(ValueLayout.ADDRESS, i, a.allocateFrom(argv.get(i)));
            }
            args.setAtIndex(ValueLayout.ADDRESS, argv.size(), MemorySegment.NULL);
            List<String> vars = env.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).toList();
            MemorySegment envp = a.allocate(ValueLayout.ADDRESS, vars.size() + 1);
            for (int i = 0; i < vars.size(); i++) {
                envp.setAtIndex(ValueLayout.ADDRESS, i, a.allocateFrom(vars.get(i)));
            }
            envp.setAtIndex(ValueLayout.ADDRESS, vars.size(), MemorySegment.NULL);
            MemorySegment pid = a.allocate(ValueLayout.JAVA_INT);
            int rc = (int) POSIX_SPAWN.invokeExact(pid, a.allocateFrom(argv.get(0)), MemorySegment.NULL,
                    MemorySegment.NULL, args, envp);
            if (rc != 0) {
                throw new IllegalStateException("posix_spawn " + argv.get(0) + " failed: errno " + rc);
            }
            return pid.get(ValueLayout.JAVA_INT, 0);
        } catch (Throwable t) {
            throw t instanceof RuntimeException r ? r : new IllegalStateException(t);
        }
    }

    /** {@code wait4(pid)}: blocks until the child exits; its status and its rusage. */
    public static Exit await(int pid) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment status = a.allocate(ValueLayout.JAVA_INT);
            MemorySegment ru = a.allocate(RUSAGE_BYTES);
            int rc = (int) WAIT4.invokeExact(pid, status, 0, ru);
            if (rc != pid) {
                throw new IllegalStateException("wait4 " + pid + " returned " + rc);
            }
            return new Exit(status.get(ValueLayout.JAVA_INT, 0), Usage.of(ru));
        } catch (Throwable t) {
            throw t instanceof RuntimeException r ? r : new IllegalStateException(t);
        }
    }

    /**
     * Memory of a process, in KiB, from {@code /proc/PID/smaps_rollup} and {@code /proc/PID/status}.
     * PSS counts each page divided by the number of processes mapping it; page tables (VmPTE) are
     * kernel memory that neither PSS nor RSS include.
     */
    public record Mem(long pssKb, long rssKb, long pteKb, long privateKb) {
        public Mem minus(Mem o) {
            return new Mem(pssKb - o.pssKb, rssKb - o.rssKb, pteKb - o.pteKb, privateKb - o.privateKb);
        }
    }

    public static Mem mem(long pid) {
        String who = pid < 0 ? "self" : Long.toString(pid);
        try {
            long pss = 0;
            long rss = 0;
            long priv = 0;
            for (String line : Files.readAllLines(Path.of("/proc", who, "smaps_rollup"))) {
                String[] f = line.trim().split("\\s+");
                switch (f[0]) {
                    case "Pss:" -> pss = Long.parseLong(f[1]);
                    case "Rss:" -> rss = Long.parseLong(f[1]);
                    case "Private_Clean:", "Private_Dirty:" -> priv += Long.parseLong(f[1]);
                    default -> { }
                }
            }
            long pte = 0;
            for (String line : Files.readAllLines(Path.of("/proc", who, "status"))) {
                if (line.startsWith("VmPTE:")) {
                    pte = Long.parseLong(line.substring(6).trim().split("\\s+")[0]);
                }
            }
            return new Mem(pss, rss, pte, priv);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** Lines of {@code /proc/self/maps}: the process's memory mappings (VMAs). */
    public static long mappings() {
        try (var lines = Files.lines(Path.of("/proc/self/maps"))) {
            return lines.count();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** The state letter and command name of a process, from /proc/PID/stat; null when gone. */
    public static String[] stateAndName(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            int open = stat.indexOf('(');
            int close = stat.lastIndexOf(')');
            return new String[] {stat.substring(close + 2, close + 3), stat.substring(open + 1, close)};
        } catch (IOException e) {
            return null;
        }
    }

    /** Median and 99th percentile of a sample (nearest rank), in the sample's unit. */
    public static double[] medianP99(long[] values) {
        io.jfaasm.experiments.stats.Sample s = io.jfaasm.experiments.stats.Sample.of(values);
        return new double[] {s.median(), s.percentile(99)};
    }
}
