package io.jfaasm.experiments.compute;

import io.jfaasm.experiments.stats.Sample;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What one kernel process printed (bench/kernels/src/bench.h): a line
 * {@code kernel=NAME rep=I ns=N} per repetition, then {@code checksum=HEX}, a hash of the results
 * every engine must agree on bit for bit.
 */
record KernelRun(List<Long> nanos, String checksum) {
    private static final Pattern REP = Pattern.compile("^kernel=\\S+ rep=(\\d+) ns=(\\d+)$", Pattern.MULTILINE);
    private static final Pattern SUM = Pattern.compile("^checksum=([0-9a-f]+)$", Pattern.MULTILINE);

    static KernelRun parse(String engine, String kernel, String stdout) {
        List<Long> nanos = new ArrayList<>();
        Matcher m = REP.matcher(stdout);
        while (m.find()) {
            nanos.add(Long.parseLong(m.group(2)));
        }
        Matcher c = SUM.matcher(stdout);
        if (nanos.isEmpty() || !c.find()) {
            throw new IllegalStateException(engine + " " + kernel + " printed no timings or checksum: " + stdout);
        }
        return new KernelRun(List.copyOf(nanos), c.group(1));
    }

    /** Steady state: the median of the last half of the repetitions (JIT tiers settled). */
    double steadyMillis() {
        long[] last = nanos.subList(nanos.size() / 2, nanos.size()).stream().mapToLong(Long::longValue).toArray();
        return Sample.of(last).median() / 1e6;
    }

    /** The first repetition: includes an engine's warm-up (V8 Liftoff, HotSpot's interpreter and OSR). */
    double firstMillis() {
        return nanos.getFirst() / 1e6;
    }
}
