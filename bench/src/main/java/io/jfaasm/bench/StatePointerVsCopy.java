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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Not JMH: reading a state value through a pointer ({@code __faasm_read_state_ptr}) against copying
 * it into a malloc'ed buffer ({@code __faasm_read_state}), at several sizes, in one run. Real calls
 * of {@code examples/state_read.wasm} through {@link FaasletHost#call} with the in-process tier;
 * the value is already in the host's local tier (steady state: nothing is pulled during a call).
 *
 * <p>Variants, interleaved in a new random order each round, so that drift, and the caches a big
 * call leaves cold for the next one, hit all alike: {@code none} (the call without any
 * state call: the baseline), then {@code ptr} and {@code copy} each followed by one of three
 * touches: {@code one} (read byte 0), {@code page} (one byte per 4 KiB page), {@code sum} (every
 * 64-bit word: the same work on the value in both modes). For each, medians: wall time of the
 * whole call (until the caller has the result), of the call until its Faaslet is reset and back in
 * the pool ({@code +reset}: the host releases the memory after handing on the result; the next call
 * starts only then), and the guest's own clock around the state call alone and around the touch.
 * Every call's checksum is checked against the value.
 *
 * <p>A fixed, pre-touched heap keeps the JVM from growing and shrinking it under the copies
 * ({@code __faasm_read_state} goes through a {@code byte[]} of the value's size):
 *
 * <pre>
 * java --enable-native-access=ALL-UNNAMED -XX:-DontCompileHugeMethods -Xms3g -Xmx3g -XX:+AlwaysPreTouch \
 *      -cp bench/target/benchmarks.jar io.jfaasm.bench.StatePointerVsCopy [sizes] [scale] [variants]
 * </pre>
 *
 * sizes: comma-separated, K/M suffixes (default 64K,1M,16M,64M); scale multiplies the repetitions
 * (default 1: 300 per variant up to 3 MiB, down to 30 from 32 MiB); variants: a regex on
 * {@code mode/touch} to run only some (default all), e.g. {@code 'ptr/.*'}.
 */
public final class StatePointerVsCopy {
    private static final String[][] ALL_VARIANTS = {
        {"none", "one"}, {"ptr", "one"}, {"copy", "one"}, {"ptr", "page"}, {"copy", "page"},
        {"ptr", "sum"}, {"copy", "sum"},
    };

    private static String[][] VARIANTS = ALL_VARIANTS;

    private StatePointerVsCopy() {}

    /** Whole call, until its Faaslet is back in the pool (reset), the state call, the touch: ms. */
    record Sample(double callMs, double settledMs, double stateMs, double touchMs) {}

    public static void main(String[] args) {
        String sizeArg = args.length > 0 ? args[0] : "64K,1M,16M,64M";
        double scale = args.length > 1 ? Double.parseDouble(args[1]) : 1;
        String only = args.length > 2 ? args[2] : ".*";
        VARIANTS = java.util.Arrays.stream(ALL_VARIANTS).filter(v -> (v[0] + "/" + v[1]).matches(only))
                .toArray(String[][]::new);
        List<Integer> sizes = new ArrayList<>();
        for (String s : sizeArg.split(",")) {
            sizes.add(StateSupport.parseSize(s));
        }
        FunctionLimits limits = FunctionLimits.DEFAULTS; // 256 MiB: room for a 64 MiB copy or mapping
        try (FaasletHost host = FaasletHost.create(FaasletHost.Config.defaults())) {
            CompiledModule fn = host.load(Wasm.bytes("state_read"));
            Map<Integer, byte[]> values = new LinkedHashMap<>();
            for (int size : sizes) {
                String key = "v" + size;
                byte[] v = StateSupport.value(size, size);
                values.put(size, v);
                // into the global tier, then pulled into this host's local tier: the steady state
                host.stateApi().set(CallRequest.DEFAULT_USER, key, v);
                SharedRegion r = host.state().existing(new StateKey(CallRequest.DEFAULT_USER, key));
                host.state().ensurePulled(r, 0, size);
            }
            // JIT warmup on the smallest size, all variants
            int small = sizes.get(0);
            for (int i = 0; i < 300; i++) {
                for (String[] v : VARIANTS) {
                    run(host, fn, limits, v, small, values.get(small));
                }
            }
            System.out.printf("state_read via FaasletHost.call, in-process tier, value already local; "
                    + "medians (ms)%n");
            System.out.printf("%-8s %-10s %6s %10s %10s %10s %10s%n", "size", "variant", "calls",
                    "call", "+reset", "state call", "touch");
            for (int size : sizes) {
                int reps = Math.max(5, (int) Math.round(scale * Math.max(30, Math.min(300, 15.0 * 64 * StateSupport.MIB / size))));
                int warm = Math.max(2, reps / 10);
                List<List<Sample>> samples = new ArrayList<>();
                for (int i = 0; i < VARIANTS.length; i++) {
                    samples.add(new ArrayList<>());
                }
                java.util.Random shuffle = new java.util.Random(size);
                List<Integer> order = new ArrayList<>();
                for (int i = 0; i < VARIANTS.length; i++) {
                    order.add(i);
                }
                for (int rep = 0; rep < warm + reps; rep++) {
                    java.util.Collections.shuffle(order, shuffle); // no variant always follows the same one
                    for (int i : order) {
                        Sample s = run(host, fn, limits, VARIANTS[i], size, values.get(size));
                        if (rep >= warm) {
                            samples.get(i).add(s);
                        }
                    }
                }
                double[][] med = new double[VARIANTS.length][];
                for (int i = 0; i < VARIANTS.length; i++) {
                    List<Sample> ss = samples.get(i);
                    med[i] = new double[] {
                        StateSupport.median(ss.stream().mapToDouble(Sample::callMs).toArray()),
                        StateSupport.median(ss.stream().mapToDouble(Sample::settledMs).toArray()),
                        StateSupport.median(ss.stream().mapToDouble(Sample::stateMs).toArray()),
                        StateSupport.median(ss.stream().mapToDouble(Sample::touchMs).toArray()),
                    };
                    System.out.printf("%-8s %-10s %6d %10.4f %10.4f %10.4f %10.4f%n", StateSupport.size(size),
                            VARIANTS[i][0] + "/" + VARIANTS[i][1], ss.size(), med[i][0], med[i][1], med[i][2],
                            med[i][3]);
                }
                for (String touch : new String[] {"one", "page", "sum"}) {
                    int p = index("ptr", touch);
                    int c = index("copy", touch);
                    if (p < 0 || c < 0) {
                        continue;
                    }
                    System.out.printf("%-8s ratio copy/ptr, touch %-4s: state call %.0fx, whole call %.2fx,"
                            + " call+reset %.2fx%n", StateSupport.size(size), touch, med[c][2] / med[p][2],
                            med[c][0] / med[p][0], med[c][1] / med[p][1]);
                }
            }
        }
    }

    private static int index(String mode, String touch) {
        for (int i = 0; i < VARIANTS.length; i++) {
            if (VARIANTS[i][0].equals(mode) && VARIANTS[i][1].equals(touch)) {
                return i;
            }
        }
        return -1;
    }

    private static Sample run(FaasletHost host, CompiledModule fn, FunctionLimits limits, String[] variant,
            int size, byte[] value) {
        String input = variant[0] + " v" + size + " " + size + " " + variant[1];
        int idle = Math.max(1, host.idleFaaslets());
        long t0 = System.nanoTime();
        CallResult r = host.call(fn, CallRequest.of(input.getBytes(StandardCharsets.UTF_8)), limits);
        long t1 = System.nanoTime();
        // The Faaslet is reset (its memory given back) after the caller has the result: wait for
        // that, so that one call's clean-up never overlaps the next call's measurement.
        while (host.idleFaaslets() < idle && System.nanoTime() - t1 < 1_000_000_000L) {
            Thread.onSpinWait();
        }
        long t2 = System.nanoTime();
        if (!r.succeeded()) {
            throw new IllegalStateException(input + ": " + r);
        }
        String out = r.outputText();
        Map<String, Long> f = new LinkedHashMap<>();
        for (String kv : out.split(" ")) {
            String[] p = kv.split("=");
            f.put(p[0], Long.parseUnsignedLong(p[1]));
        }
        long expected = variant[0].equals("none") ? 0 : StateSupport.checksum(value, variant[1]);
        if (f.get("sum") != expected) {
            throw new IllegalStateException(input + ": checksum " + f.get("sum") + ", expected " + expected);
        }
        return new Sample((t1 - t0) / 1e6, (t2 - t0) / 1e6, f.get("state_ns") / 1e6, f.get("touch_ns") / 1e6);
    }
}
