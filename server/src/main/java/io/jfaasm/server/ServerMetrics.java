package io.jfaasm.server;

import io.jfaasm.runtime.FaasletHost;
import io.jfaasm.runtime.compiler.TierStats;
import io.jfaasm.runtime.faaslet.CallResult;
import io.jfaasm.runtime.scheduler.CallRecord;
import io.jfaasm.runtime.scheduler.Scheduler;
import io.jfaasm.runtime.scheduler.SchedulerListener;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * The server's metrics, in Prometheus text at {@code GET /metrics} (names and labels in
 * docs/http-api.md). Per-call figures come from the scheduler as each call finishes.
 */
final class ServerMetrics implements SchedulerListener, AutoCloseable {
    /** Latency buckets, 100 us to 2 min: wasm calls range from microseconds to the wall-time limit. */
    private static final Duration[] BUCKETS = {
        Duration.ofNanos(100_000), Duration.ofNanos(250_000), Duration.ofNanos(500_000), Duration.ofMillis(1),
        Duration.ofNanos(2_500_000), Duration.ofMillis(5), Duration.ofMillis(10), Duration.ofMillis(25),
        Duration.ofMillis(50), Duration.ofMillis(100), Duration.ofMillis(250), Duration.ofMillis(500),
        Duration.ofSeconds(1), Duration.ofMillis(2500), Duration.ofSeconds(5), Duration.ofSeconds(10),
        Duration.ofSeconds(30), Duration.ofSeconds(60), Duration.ofSeconds(120)};

    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final JvmGcMetrics gc = new JvmGcMetrics();

    ServerMetrics() {
        new JvmMemoryMetrics().bindTo(registry);
        gc.bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        new UptimeMetrics().bindTo(registry);
    }

    /** The gauges of a running host: queue, running calls, Faaslets, functions, state. */
    void watch(Scheduler scheduler, FaasletHost host, Storage storage) {
        Gauge.builder("jfaasm.queue.length", scheduler, Scheduler::queued).strongReference(true)
                .description("Calls waiting for a slot").register(registry);
        Gauge.builder("jfaasm.calls.running", scheduler, Scheduler::running).strongReference(true)
                .description("Calls running now").register(registry);
        Gauge.builder("jfaasm.slots", scheduler, s -> s.config().slots()).strongReference(true)
                .description("Calls that may run at once").register(registry);
        Gauge.builder("jfaasm.faaslets.idle", host, FaasletHost::idleFaaslets).strongReference(true)
                .description("Restored Faaslets waiting in warm pools").register(registry);
        Gauge.builder("jfaasm.faaslets.alive", host, h -> h.idleFaaslets() + h.callsInFlight()).strongReference(true)
                .description("Faaslets in memory: idle in warm pools plus running a call").register(registry);
        Gauge.builder("jfaasm.functions", scheduler, s -> s.functions(null).size()).strongReference(true)
                .description("Functions uploaded").register(registry);
        FunctionCounter.builder("jfaasm.tier.functions", TierStats.class, c -> TierStats.compiledFunctions())
                .tag("outcome", "compiled").description("Wasm functions of loaded modules, by what runs them")
                .register(registry);
        FunctionCounter.builder("jfaasm.tier.functions", TierStats.class, c -> TierStats.fallbackFunctions())
                .tag("outcome", "fallback").description("Wasm functions of loaded modules, by what runs them")
                .register(registry);
        if (storage.stateBytes() >= 0) {
            Gauge.builder("jfaasm.state.bytes", storage, Storage::stateBytes).strongReference(true)
                    .baseUnit("bytes").description("Bytes of state in the global tier (values and appended elements)")
                    .register(registry);
        }
    }

    @Override
    public void callFinished(CallRecord record, CallResult result) {
        String function = record.function().toString();
        String outcome = result.failure() == null ? "done" : "failed";
        Counter.builder("jfaasm.calls").description("Calls finished, by function and outcome")
                .tag("function", function).tag("outcome", outcome).register(registry).increment();
        if (result.failure() != null) {
            Counter.builder("jfaasm.call.failures").description("Failed calls, by function and kind of failure")
                    .tag("function", function).tag("kind", result.failure().kind().name().toLowerCase(Locale.ROOT))
                    .register(registry).increment();
        }
        Timer.builder("jfaasm.call.duration").description("Wall time of a call in its Faaslet")
                .tag("function", function).serviceLevelObjectives(BUCKETS)
                .register(registry).record(result.nanos(), TimeUnit.NANOSECONDS);
        Counter.builder("jfaasm.call.cpu.seconds").description("CPU time of calls, by function")
                .tag("function", function).register(registry).increment(result.cpuNanos() / 1e9);
        if (record.startedAt() != null) {
            Timer.builder("jfaasm.call.queue.wait").description("Time from submission to a slot")
                    .serviceLevelObjectives(BUCKETS).register(registry)
                    .record(Duration.between(record.submittedAt(), record.startedAt()));
        }
        String start = result.start() == null ? "none" : result.start().name().toLowerCase(Locale.ROOT);
        Counter.builder("jfaasm.call.starts")
                .description("How calls got their Faaslet: fresh, restored (from the snapshot) or warm (pooled)")
                .tag("kind", start).register(registry).increment();
    }

    /** A call handed to another host of the cluster (counted there when it runs). */
    @Override
    public void callForwarded(CallRecord record, String host) {
        Counter.builder("jfaasm.calls.forwarded").description("Calls handed to another host of the cluster")
                .tag("host", host).register(registry).increment();
    }

    /** A call refused before it was queued: why (queue_full, unknown_function, draining). */
    void refused(String reason) {
        Counter.builder("jfaasm.calls.refused").description("Calls refused before they were queued")
                .tag("reason", reason).register(registry).increment();
    }

    void uploaded(boolean ok) {
        Counter.builder("jfaasm.uploads").description("Module uploads, by outcome")
                .tag("outcome", ok ? "ok" : "refused").register(registry).increment();
    }

    String scrape() {
        return registry.scrape();
    }

    @Override
    public void close() {
        gc.close();
        registry.close();
    }
}
