package io.jfaasm.bench;

import io.jfaasm.experiments.os.Posix;
import io.jfaasm.runtime.faaslet.Faaslet;
import io.jfaasm.runtime.faaslet.FunctionLimits;
import io.jfaasm.runtime.snapshot.ProtoFaaslet;
import io.jfaasm.runtime.wasm.CompiledModule;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Not JMH: how much memory an idle Faaslet costs, and how many fit in 8 GiB. One JVM, one mode:
 * {@code restored} (from a Proto-Faaslet, {@code proto.restore}) or {@code fresh}
 * ({@code Faaslet.fresh}). Run it once per mode, with a big heap.
 *
 * <ol>
 *   <li>Warm-up: creates and closes 2,000 Faaslets (JIT), then a full GC and a baseline: process
 *       PSS, RSS and page tables ({@code /proc/self/smaps_rollup}, {@code VmPTE}), heap used after
 *       GC, and the number of mappings ({@code /proc/self/maps}).
 *   <li>Creates {@code n} Faaslets and keeps them (idle: created, nothing run), timing each
 *       creation (wall) and the CPU time of the process over all of them; GC; measures again: the
 *       difference over {@code n} is the per-instance cost. Prints a heap histogram of what they
 *       hold (GC.class_histogram) with {@code histo=true}.
 *   <li>Capacity, measured: keeps creating, in batches, until {@code fill} Faaslets exist or the
 *       process PSS reaches {@code boundMiB} or a creation fails (e.g. out of mappings:
 *       vm.max_map_count), printing process PSS and heap at each batch. The marginal PSS per
 *       Faaslet from step 2 to the end gives the extrapolated capacity of 8 GiB.
 *   <li>Closes them all, GC, measures again.
 * </ol>
 *
 * <p>Each Faaslet's linear memory is an mmap reservation of its memory limit, so the limit here
 * is small ({@code limitMiB}, 16 by default): 100,000 Faaslets reserve 1.6 TB of address space
 * (untouched, so no RAM), and a restored one costs 2 mappings (the
 * snapshot's file-backed pages and the anonymous rest), which vm.max_map_count (65,530 by default)
 * caps at about 32,000 per process.
 *
 * <pre>
 * java --enable-native-access=ALL-UNNAMED -XX:-DontCompileHugeMethods -Xmx8g \
 *      -cp bench/target/benchmarks.jar io.jfaasm.bench.IdleCapacity \
 *      mode=restored [module=noop] [n=20000] [fill=120000] [batch=20000] [limitMiB=16] [boundMiB=8192] [histo=true]
 * </pre>
 */
public final class IdleCapacity {
    private IdleCapacity() {}

    public static void main(String[] args) throws Exception {
        Map<String, String> opt = new HashMap<>();
        for (String a : args) {
            int eq = a.indexOf('=');
            opt.put(a.substring(0, eq), a.substring(eq + 1));
        }
        String mode = opt.getOrDefault("mode", "restored");
        String module = opt.getOrDefault("module", "noop");
        int n = Integer.parseInt(opt.getOrDefault("n", "20000"));
        int fill = Integer.parseInt(opt.getOrDefault("fill", "0"));
        int batch = Integer.parseInt(opt.getOrDefault("batch", "20000"));
        long boundKb = Long.parseLong(opt.getOrDefault("boundMiB", "8192")) * 1024;
        boolean histo = Boolean.parseBoolean(opt.getOrDefault("histo", "false"));
        FunctionLimits limits = FunctionLimits.DEFAULTS
                .withMaxMemoryBytes(Long.parseLong(opt.getOrDefault("limitMiB", "16")) * 1024 * 1024);
        boolean restored = switch (mode) {
            case "restored" -> true;
            case "fresh" -> false;
            default -> throw new IllegalArgumentException("mode=restored or mode=fresh");
        };

        CompiledModule compiled = Modules.compile(module);
        ProtoFaaslet proto = restored ? ProtoFaaslet.capture(compiled, limits, () -> false) : null;
        java.util.function.Supplier<Faaslet> create = restored
                ? () -> proto.restore(limits)
                : () -> Faaslet.fresh(compiled, limits);
        System.out.printf("IdleCapacity: %s Faaslets of %s, memory limit %d MiB, max heap %d MiB,"
                + " vm.max_map_count %s, load %s%n", mode, module, limits.maxMemoryBytes() >> 20,
                Runtime.getRuntime().maxMemory() >> 20, Files.readAllLines(Path.of("/proc/sys/vm/max_map_count")).get(0),
                Files.readAllLines(Path.of("/proc/loadavg")).get(0));
        if (restored) {
            System.out.printf("snapshot: %d wasm pages (%d KiB of memory)%n", proto.snapshot().memory().pages(),
                    proto.snapshot().memory().sizeInBytes() >> 10);
        }

        for (int i = 0; i < 2000; i++) {
            create.get().close();
        }
        Map<String, long[]> histoBefore = histo ? histogram() : null;
        Sample base = sample();
        System.out.println("baseline:            " + base);

        List<Faaslet> idle = new ArrayList<>(Math.max(n, fill));
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        com.sun.management.OperatingSystemMXBean os =
                (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        long[] nanos = new long[n];
        long thread0 = threads.getCurrentThreadCpuTime();
        long proc0 = os.getProcessCpuTime();
        long wall0 = System.nanoTime();
        for (int i = 0; i < n; i++) {
            long s = System.nanoTime();
            idle.add(create.get());
            nanos[i] = System.nanoTime() - s;
        }
        long wall = System.nanoTime() - wall0;
        long thread = threads.getCurrentThreadCpuTime() - thread0;
        long proc = os.getProcessCpuTime() - proc0;
        double[] t = Posix.medianP99(nanos);
        System.out.printf("creating %d (kept): per Faaslet wall median %.2f us, p99 %.2f us, mean %.2f us;"
                + " CPU of this thread %.2f us, of the process (incl. GC, JIT) %.2f us%n", n, t[0] / 1e3,
                t[1] / 1e3, wall / 1e3 / n, thread / 1e3 / n, proc / 1e3 / n);
        Sample after = sample();
        System.out.println("with " + n + " idle:" + " ".repeat(Math.max(1, 10 - Integer.toString(n).length())) + after);
        perInstance("per idle Faaslet", after, base, n);
        if (histo) {
            printHistogramDelta(histoBefore, histogram(), n);
        }

        Sample last = after;
        if (fill > n) {
            System.out.println("capacity: creating in batches of " + batch + " up to " + fill
                    + " or process PSS " + (boundKb >> 10) + " MiB");
            String stop = "reached " + fill;
            outer:
            while (idle.size() < fill) {
                int upTo = Math.min(fill, idle.size() + batch);
                while (idle.size() < upTo) {
                    try {
                        idle.add(create.get());
                    } catch (RuntimeException | Error e) {
                        stop = "creation " + (idle.size() + 1) + " failed: " + e;
                        last = sample();
                        System.out.printf("  %7d idle  %s%n", idle.size(), last);
                        break outer;
                    }
                }
                last = sample();
                System.out.printf("  %7d idle  %s%n", idle.size(), last);
                if (last.mem.pssKb() >= boundKb) {
                    stop = "PSS bound reached";
                    break;
                }
            }
            System.out.println("stopped: " + stop);
            int added = idle.size() - n;
            if (added > 0) {
                perInstance("marginal, " + n + " -> " + idle.size(), last, after, added);
                double slope = (double) (last.mem.pssKb() - after.mem.pssKb()) / added;
                double fixed = last.mem.pssKb() - slope * idle.size();
                System.out.printf("measured: %d idle Faaslets in one process of PSS %.2f GiB (RSS %.2f GiB,"
                                + " page tables %.0f MiB, heap used %.2f GiB)%n", idle.size(),
                        last.mem.pssKb() / 1048576.0, last.mem.rssKb() / 1048576.0, last.mem.pteKb() / 1024.0,
                        last.heapUsed / 1073741824.0);
                System.out.printf("extrapolated: 8 GiB = %.0f MiB fixed (JVM, code) + %.0f Faaslets at %.1f KiB"
                        + " PSS each (+%.2f KiB page tables each)%n", fixed / 1024,
                        (8L * 1024 * 1024 - fixed) / slope, slope,
                        (double) (last.mem.pteKb() - after.mem.pteKb()) / added);
            }
        }

        int count = idle.size();
        long c0 = System.nanoTime();
        idle.forEach(Faaslet::close);
        idle.clear();
        long closeNanos = System.nanoTime() - c0;
        Sample closed = sample();
        System.out.printf("closed all %d (%.2f us each): %s%n", count, closeNanos / 1e3 / count, closed);
        if (proto != null) {
            proto.close();
        }
    }

    private static void perInstance(String what, Sample a, Sample b, int n) {
        System.out.printf("%s: PSS %.1f KiB, RSS %.1f KiB, private %.1f KiB, page tables %.2f KiB,"
                        + " heap used %.1f KiB, mappings %.2f, kernel VMA slabs %.2f KiB (system-wide)%n", what,
                (double) (a.mem.pssKb() - b.mem.pssKb()) / n, (double) (a.mem.rssKb() - b.mem.rssKb()) / n,
                (double) (a.mem.privateKb() - b.mem.privateKb()) / n, (double) (a.mem.pteKb() - b.mem.pteKb()) / n,
                (a.heapUsed - b.heapUsed) / 1024.0 / n, (double) (a.mappings - b.mappings) / n,
                (a.slabBytes - b.slabBytes) / 1024.0 / n);
    }

    private record Sample(Posix.Mem mem, long heapUsed, long heapCommitted, long mappings, long slabBytes) {
        @Override
        public String toString() {
            return String.format("PSS %8.1f MiB  RSS %8.1f MiB  page tables %6.1f MiB  heap used %8.1f MiB"
                            + " (committed %6.0f MiB)  mappings %7d  VMA slabs %6.1f MiB", mem.pssKb() / 1024.0,
                    mem.rssKb() / 1024.0, mem.pteKb() / 1024.0, heapUsed / 1048576.0, heapCommitted / 1048576.0,
                    mappings, slabBytes / 1048576.0);
        }
    }

    private static Sample sample() throws InterruptedException {
        System.gc();
        System.gc();
        Thread.sleep(300);
        var heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage();
        return new Sample(Posix.mem(-1), heap.getUsed(), heap.getCommitted(), Posix.mappings(), vmaSlabBytes());
    }

    /**
     * Kernel memory of mappings, system-wide (other processes add noise): the slab caches of
     * vm_area_struct, anon_vma, anon_vma_chain and maple_node, active objects times object size,
     * from /proc/slabinfo (root only; -1 when unreadable).
     */
    private static long vmaSlabBytes() {
        try {
            long total = 0;
            for (String line : Files.readAllLines(Path.of("/proc/slabinfo"))) {
                String[] f = line.split("\\s+");
                switch (f[0]) {
                    case "vm_area_struct", "anon_vma", "anon_vma_chain", "maple_node" ->
                            total += Long.parseLong(f[1]) * Long.parseLong(f[3]);
                    default -> { }
                }
            }
            return total;
        } catch (java.io.IOException | RuntimeException e) {
            return -1;
        }
    }

    /** Live heap objects by class: class name to {instances, bytes}. */
    private static Map<String, long[]> histogram() throws Exception {
        // GC.class_histogram, run in process through the DiagnosticCommand MBean (as jcmd would)
        String out = (String) ManagementFactory.getPlatformMBeanServer().invoke(
                new javax.management.ObjectName("com.sun.management:type=DiagnosticCommand"),
                "gcClassHistogram", new Object[] {new String[0]}, new String[] {String[].class.getName()});
        Map<String, long[]> h = new HashMap<>();
        for (String line : out.split("\n")) {
            String[] f = line.trim().split("\\s+");
            if (f.length >= 4 && f[0].endsWith(":")) {
                h.merge(f[3], new long[] {Long.parseLong(f[1]), Long.parseLong(f[2])},
                        (a, b) -> new long[] {a[0] + b[0], a[1] + b[1]});
            }
        }
        return h;
    }

    /** What the idle Faaslets added to the heap, by class, per Faaslet. */
    private static void printHistogramDelta(Map<String, long[]> before, Map<String, long[]> after, int n) {
        System.out.println("heap added per idle Faaslet, by class (GC.class_histogram after minus before):");
        System.out.printf("  %8s %8s  %s%n", "objects", "bytes", "class");
        long[] total = new long[2];
        after.entrySet().stream()
                .map(e -> {
                    long[] b = before.getOrDefault(e.getKey(), new long[2]);
                    return Map.entry(e.getKey(), new long[] {e.getValue()[0] - b[0], e.getValue()[1] - b[1]});
                })
                .peek(e -> {
                    total[0] += e.getValue()[0];
                    total[1] += e.getValue()[1];
                })
                .sorted((x, y) -> Long.compare(y.getValue()[1], x.getValue()[1]))
                .toList().stream().limit(20)
                .forEach(e -> System.out.printf("  %8.2f %8.1f  %s%n", (double) e.getValue()[0] / n,
                        (double) e.getValue()[1] / n, e.getKey()));
        System.out.printf("  %8.2f %8.1f  (total)%n", (double) total[0] / n, (double) total[1] / n);
    }
}
