package io.jfaasm.bench;

import io.jfaasm.runtime.FaasletHost;
import io.jfaasm.runtime.faaslet.CallRequest;
import io.jfaasm.runtime.faaslet.CallResult;
import io.jfaasm.runtime.faaslet.FunctionLimits;
import io.jfaasm.runtime.state.SharedRegion;
import io.jfaasm.runtime.state.StateKey;
import io.jfaasm.runtime.wasm.CompiledModule;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Not JMH: memory of N Faaslets on one host that all hold one state value, mapped through
 * {@code __faasm_read_state_ptr} (shared) against each copying it into its own memory with
 * {@code __faasm_read_state} into a malloc'ed buffer (copies).
 *
 * <p>N concurrent calls of {@code examples/state_read.wasm} through {@link FaasletHost#submit}, with
 * the in-process tier and the value already in the host's local tier. Each call reads the value,
 * sums every 64-bit word of it (so every page of it is touched in its memory), sets its byte of the
 * key {@code ready} through a pointer, and then waits, still holding the value, until the harness
 * sets byte 0 of the key {@code gate}, which every call sees through its own mapping. The harness
 * measures the process (PSS and RSS, {@code /proc/self/smaps_rollup}; and PSS/RSS of the mappings of
 * state regions, {@code memfd:jfaasm-state} in {@code /proc/self/smaps}) before the calls and while
 * all N hold the value, and checks every call's checksum.
 *
 * <p>Run it with a fixed, pre-touched Java heap, so that the heap's own growth (the host-side
 * {@code byte[]} that {@code __faasm_read_state} copies through) does not show up as RSS:
 *
 * <pre>
 * java --enable-native-access=ALL-UNNAMED -XX:-DontCompileHugeMethods -Xms3g -Xmx3g -XX:+AlwaysPreTouch \
 *      -cp bench/target/benchmarks.jar io.jfaasm.bench.StateSharedMemory [size] [counts] [reps]
 * </pre>
 *
 * size default 64M; counts default 1,4,16; reps (each measurement repeated, median reported) default 3.
 */
public final class StateSharedMemory {
    private static final String USER = CallRequest.DEFAULT_USER;

    private StateSharedMemory() {}

    public static void main(String[] args) throws Exception {
        int size = args.length > 0 ? StateSupport.parseSize(args[0]) : 64 * StateSupport.MIB;
        List<Integer> counts = new ArrayList<>();
        for (String c : (args.length > 1 ? args[1] : "1,4,16").split(",")) {
            counts.add(Integer.parseInt(c.trim()));
        }
        int reps = args.length > 2 ? Integer.parseInt(args[2]) : 3;
        if (counts.stream().anyMatch(n -> n < 1 || n > 64)) {
            throw new IllegalArgumentException("counts must be 1 to 64");
        }
        FunctionLimits limits = FunctionLimits.DEFAULTS; // 256 MiB per Faaslet
        try (FaasletHost host = FaasletHost.create(FaasletHost.Config.defaults())) {
            CompiledModule fn = host.load(Wasm.bytes("state_read"));
            byte[] value = StateSupport.value(size, 7);
            long expected = StateSupport.checksum(value, "sum");
            host.stateApi().set(USER, "big", value);
            host.stateApi().set(USER, "ready", new byte[64]);
            host.stateApi().set(USER, "gate", new byte[8]);
            pulled(host, "big");
            SharedRegion ready = pulled(host, "ready");
            SharedRegion gate = pulled(host, "gate");
            value = null;

            // warmup: one round of each mode at N=2 (compiles the guest and host paths)
            for (String mode : new String[] {"ptr", "copy"}) {
                measure(host, fn, limits, mode, 2, size, expected, ready, gate);
            }
            System.out.printf("value %s, one host, in-process tier; MiB, median of %d runs;%n"
                    + "d* = while all N hold it minus before; held = memory the value takes in all "
                    + "(the host's copy, PSS of the state regions before, + dPSS)%n", StateSupport.size(size), reps);
            System.out.printf("%-6s %4s %9s %9s %9s %13s %10s %10s %9s%n", "mode", "N", "dPSS", "dRSS",
                    "held", "dPSS/Faaslet", "dPTE KiB", "state RSS", "mappings");
            double[][] held = new double[2][counts.size()];
            for (int ci = 0; ci < counts.size(); ci++) {
                int n = counts.get(ci);
                for (int mi = 0; mi < 2; mi++) {
                    String mode = mi == 0 ? "ptr" : "copy";
                    List<StateSupport.Mem[]> runs = new ArrayList<>();
                    for (int r = 0; r < reps; r++) {
                        runs.add(measure(host, fn, limits, mode, n, size, expected, ready, gate));
                    }
                    double dPss = med(runs, m -> m[1].minus(m[0]).pssKb());
                    double dRss = med(runs, m -> m[1].minus(m[0]).rssKb());
                    double total = med(runs, m -> m[0].statePssKb() + m[1].minus(m[0]).pssKb());
                    double dPte = med(runs, m -> m[1].minus(m[0]).pteKb()) * 1024;
                    double sRss = med(runs, m -> m[1].stateRssKb());
                    int maps = runs.get(0)[1].stateMappings();
                    held[mi][ci] = total;
                    System.out.printf("%-6s %4d %9.1f %9.1f %9.1f %13.2f %10.0f %10.1f %9d%n",
                            mode.equals("ptr") ? "shared" : "copies", n, dPss, dRss, total, dPss / n, dPte, sRss, maps);
                }
            }
            for (int ci = 0; ci < counts.size(); ci++) {
                System.out.printf("N=%d: held, copies/shared: %.1fx%n", counts.get(ci), held[1][ci] / held[0][ci]);
            }
            StateSupport.Mem end = StateSupport.mem();
            System.out.printf("after all calls: state regions PSS %.1f MiB in %d mapping(s) (the host's own views)%n",
                    end.statePssKb() / 1024.0, end.stateMappings());
        }
    }

    /** Median over the runs, KiB to MiB. */
    private static double med(List<StateSupport.Mem[]> runs, java.util.function.ToLongFunction<StateSupport.Mem[]> f) {
        return StateSupport.median(runs.stream().mapToDouble(m -> f.applyAsLong(m) / 1024.0).toArray());
    }

    private static SharedRegion pulled(FaasletHost host, String key) {
        SharedRegion r = host.state().existing(new StateKey(USER, key));
        host.state().ensurePulled(r, 0, r.size());
        return r;
    }

    /** One measurement: {before, while all N hold the value}. */
    private static StateSupport.Mem[] measure(FaasletHost host, CompiledModule fn, FunctionLimits limits,
            String mode, int n, int size, long expected, SharedRegion ready, SharedRegion gate)
            throws Exception {
        gate.copyIn(0, new byte[8]);
        ready.copyIn(0, new byte[64]);
        settle(host);
        StateSupport.Mem before = StateSupport.mem();
        List<CompletableFuture<CallResult>> calls = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            String input = mode + " big " + size + " sum " + i;
            calls.add(host.submit(fn, CallRequest.of(input.getBytes(StandardCharsets.UTF_8)), limits));
        }
        long deadline = System.nanoTime() + 120_000_000_000L;
        while (readyCount(ready, n) < n) {
            for (CompletableFuture<CallResult> c : calls) {
                if (c.isDone()) {
                    throw new IllegalStateException(mode + " call ended before the gate opened: " + c.get());
                }
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("calls not ready after 120 s");
            }
            Thread.sleep(5);
        }
        Thread.sleep(200);
        StateSupport.Mem during = StateSupport.mem();
        gate.copyIn(0, new byte[] {1});
        for (CompletableFuture<CallResult> c : calls) {
            CallResult r = c.get();
            if (!r.succeeded() || !r.outputText().startsWith("sum=" + Long.toUnsignedString(expected) + " ")) {
                throw new IllegalStateException(mode + ": " + r + " " + r.outputText());
            }
        }
        return new StateSupport.Mem[] {before, during};
    }

    private static int readyCount(SharedRegion ready, int n) {
        byte[] b = ready.copyOut(0, n);
        int c = 0;
        for (byte x : b) {
            c += x;
        }
        return c;
    }

    /** Waits until no call is running and released Faaslets are back (reset) in the pool. */
    private static void settle(FaasletHost host) throws InterruptedException {
        int stable = 0;
        int idle = -1;
        for (int i = 0; i < 400 && stable < 10; i++) {
            int now = host.idleFaaslets();
            stable = host.callsInFlight() == 0 && now == idle ? stable + 1 : 0;
            idle = now;
            Thread.sleep(5);
        }
        Thread.sleep(100);
    }
}
