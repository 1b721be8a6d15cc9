package io.jfaasm.experiments.throughput;

import io.jfaasm.experiments.Experiment;
import io.jfaasm.experiments.ExperimentContext;
import io.jfaasm.experiments.Report;
import io.jfaasm.experiments.Series;
import io.jfaasm.experiments.process.ProcessPerCall;
import io.jfaasm.experiments.process.WarmProcess;
import io.jfaasm.experiments.wasm.Resources;
import io.jfaasm.runtime.FaasletHost;
import io.jfaasm.runtime.faaslet.CallRequest;
import io.jfaasm.runtime.faaslet.CallResult;
import io.jfaasm.runtime.faaslet.FunctionLimits;
import io.jfaasm.runtime.wasm.CompiledModule;
import java.io.OutputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Calls per second and latency of a no-op and a small function (reverse 1 KiB), closed loop with
 * two clients per core (one with --quick), in process: JFaasm ({@code FaasletHost.call}: a pooled Faaslet restored
 * from the Proto-Faaslet per call) against a process per function (one warm JVM per client
 * running the same wasm, called over a pipe, as a platform calls a warm container) and, for the
 * no-op, a new JVM process per call (a cold container per call).
 */
public final class ThroughputExperiment implements Experiment {
    private static final FunctionLimits LIMITS = FunctionLimits.DEFAULTS;

    private static final int REVERSE_INPUT_BYTES = 1024;

    /** A JVM start takes 0.3-0.7 s on a quiet 2-core machine, tens of seconds on a loaded one: quick makes few. */
    record Plan(int clientsPerCore, double warmupSeconds, double seconds, int processCallsPerClient) {
        static Plan of(boolean quick) {
            return quick ? new Plan(1, 1, 3, 1) : new Plan(2, 5, 15, 5);
        }
    }

    private final Plan fixedPlan;

    public ThroughputExperiment() {
        this(null);
    }

    ThroughputExperiment(Plan plan) {
        this.fixedPlan = plan;
    }

    @Override
    public String name() {
        return "throughput";
    }

    @Override
    public String summary() {
        return "calls/s and latency of noop and reverse: JFaasm vs a warm process per function vs a process per call";
    }

    @Override
    public Report run(ExperimentContext ctx) throws Exception {
        Plan plan = fixedPlan != null ? fixedPlan : Plan.of(ctx.quick());
        Map<String, byte[]> functions = new LinkedHashMap<>(); // function -> its input
        functions.put("examples/noop.wasm", new byte[0]);
        byte[] text = new byte[REVERSE_INPUT_BYTES];
        new java.util.Random(ctx.seed()).nextBytes(text);
        functions.put("examples/reverse.wasm", text);
        int clients = plan.clientsPerCore() * Runtime.getRuntime().availableProcessors();
        Report report = new Report(name())
                .parameter("functions", List.copyOf(functions.keySet()))
                .parameter("reverse_input_bytes", REVERSE_INPUT_BYTES)
                .parameter("clients", clients)
                .parameter("warmup_s", plan.warmupSeconds())
                .parameter("measured_s", plan.seconds())
                .parameter("process_calls_per_client", plan.processCallsPerClient());
        Path cache = ctx.workDir().resolve("code-cache");
        List<String> labels = new ArrayList<>();
        Map<String, List<Double>> rates = new LinkedHashMap<>();
        Map<String, List<Double>> p99s = new LinkedHashMap<>();
        try (FaasletHost host = FaasletHost.create(FaasletHost.Config.defaults())) {
            for (var f : functions.entrySet()) {
                String fn = shortName(f.getKey());
                labels.add(fn);
                CompiledModule module = host.load(Resources.bytes(f.getKey()));
                CallRequest request = CallRequest.of(f.getValue()).withArgs(List.of(fn))
                        .withSinks(OutputStream.nullOutputStream(), OutputStream.nullOutputStream());
                var jfaasm = ClosedLoop.run(clients, plan.warmupSeconds(), plan.seconds(), c -> {
                    CallResult r = host.call(module, request, LIMITS);
                    if (r.failed()) {
                        throw new IllegalStateException(fn + " failed: " + r.failure());
                    }
                }, ctx.progress(), "JFaasm, " + fn);
                record(report, rates, p99s, fn, "jfaasm", jfaasm);

                List<WarmProcess> workers = new ArrayList<>();
                try {
                    ctx.progress().phase("starting " + clients + " function processes, " + fn, clients);
                    for (int c = 0; c < clients; c++) {
                        workers.add(new WarmProcess(f.getKey(), cache));
                        ctx.progress().advance(1);
                    }
                    var warm = ClosedLoop.run(clients, plan.warmupSeconds(), plan.seconds(),
                            c -> workers.get(c).call(f.getValue()), ctx.progress(), "process per function, " + fn);
                    record(report, rates, p99s, fn, "process-per-function", warm);
                    ratios(report, fn, "process-per-function", jfaasm, warm);
                } finally {
                    for (WarmProcess w : workers) {
                        w.close();
                    }
                }
            }
        }
        // a cold process per call: only the no-op (its cost is the JVM start, whatever the function)
        ProcessPerCall cold = new ProcessPerCall("examples/noop.wasm", cache);
        var perCall = ClosedLoop.runCalls(clients, plan.processCallsPerClient(), c -> cold.call(), ctx.progress(),
                "process per call, noop");
        report.add("calls_per_second", "process-per-call", Map.of("function", "noop"), perCall.callsPerSecond(),
                "calls/s");
        report.add("latency_p50", "process-per-call", Map.of("function", "noop"),
                perCall.latencyNanos().median() / 1e3, "us");
        report.add("latency_p99", "process-per-call", Map.of("function", "noop"),
                perCall.latencyNanos().percentile(99) / 1e3, "us");
        report.add("calls_per_second_ratio", "jfaasm/process-per-call", Map.of("function", "noop"),
                rates.get("jfaasm").getFirst() / perCall.callsPerSecond(), "x");

        for (var e : rates.entrySet()) {
            report.add(Series.bars("calls-per-second", e.getKey(), "function", "calls/s", labels, e.getValue()));
        }
        for (var e : p99s.entrySet()) {
            report.add(Series.bars("latency-p99", e.getKey(), "function", "p99 latency (us)", labels, e.getValue()));
        }
        report.note("closed loop, " + clients + " clients on " + Runtime.getRuntime().availableProcessors()
                + " cores, load generator in the same process; latency is each call's wall time at the client."
                + " HTTP: see bench/http/run.sh (docs/benchmarks.md)");
        return report;
    }

    private static void record(Report report, Map<String, List<Double>> rates, Map<String, List<Double>> p99s,
            String fn, String system, ClosedLoop.Result r) {
        Map<String, Object> at = Map.of("function", fn);
        report.add("calls_per_second", system, at, r.callsPerSecond(), "calls/s");
        report.add("latency_p50", system, at, r.latencyNanos().median() / 1e3, "us");
        report.add("latency_p99", system, at, r.latencyNanos().percentile(99) / 1e3, "us");
        report.add("latency_p999", system, at, r.latencyNanos().percentile(99.9) / 1e3, "us");
        rates.computeIfAbsent(system, k -> new ArrayList<>()).add(r.callsPerSecond());
        p99s.computeIfAbsent(system, k -> new ArrayList<>()).add(r.latencyNanos().percentile(99) / 1e3);
    }

    private static void ratios(Report report, String fn, String baseline, ClosedLoop.Result jfaasm,
            ClosedLoop.Result base) {
        Map<String, Object> at = Map.of("function", fn);
        report.add("calls_per_second_ratio", "jfaasm/" + baseline, at, jfaasm.callsPerSecond() / base.callsPerSecond(),
                "x");
        report.add("latency_p50_ratio", baseline + "/jfaasm", at,
                base.latencyNanos().median() / jfaasm.latencyNanos().median(), "x");
        report.add("latency_p99_ratio", baseline + "/jfaasm", at,
                base.latencyNanos().percentile(99) / jfaasm.latencyNanos().percentile(99), "x");
    }

    private static String shortName(String path) {
        return path.substring(path.lastIndexOf('/') + 1, path.length() - ".wasm".length());
    }
}
