package io.jfaasm.runtime.faaslet;

import static org.assertj.core.api.Assertions.assertThat;

import io.jfaasm.runtime.FaasletHost;
import io.jfaasm.runtime.host.WasiImports.Mount;
import io.jfaasm.runtime.testing.Examples;
import io.jfaasm.runtime.wasm.CompiledModule;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Each hostile example ends its own call with a clear failure, and the next call on the same
 * host succeeds: a trap or limit never takes the host down.
 */
class HostileFunctionsTest {
    static FaasletHost host;
    static CompiledModule hello;

    @BeforeAll
    static void start() {
        host = FaasletHost.create(FaasletHost.Config.defaults());
        hello = host.load(Examples.bytes("hello"));
    }

    @AfterAll
    static void stop() {
        host.close();
    }

    @AfterEach
    void nextCallStillWorks() {
        CallResult r = host.call(hello, CallRequest.of("again".getBytes()), FunctionLimits.DEFAULTS);
        assertThat(r.succeeded()).as("call after a hostile one: " + r).isTrue();
        assertThat(r.outputText()).isEqualTo("Hello again");
    }

    static CallResult run(String example, FunctionLimits limits) {
        return host.call(host.load(Examples.bytes(example)), CallRequest.of(new byte[0]), limits);
    }

    @Test
    void outOfBoundsAccessTraps() {
        CallResult r = run("oob_access", FunctionLimits.DEFAULTS);
        assertThat(r.failure()).isNotNull();
        assertThat(r.failure().kind()).isEqualTo(Failure.Kind.TRAP);
        assertThat(r.failure().message()).contains("out of bounds memory access");
    }

    @Test
    void infiniteLoopIsStoppedAtItsDeadline() {
        long start = System.nanoTime();
        CallResult r = run("loop_forever", FunctionLimits.DEFAULTS.withTimeout(Duration.ofMillis(500)));
        assertThat(r.failure()).isNotNull();
        assertThat(r.failure().kind()).isEqualTo(Failure.Kind.TIMEOUT);
        assertThat(r.failure().message()).contains("wall-time limit of 500 ms");
        // generous: only proves the loop was stopped, not how fast
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(30));
    }

    @Test
    void aCpuTimeLimitStopsASpinningCall() {
        CallResult r = run("loop_forever", FunctionLimits.DEFAULTS.withMaxCpuTime(Duration.ofMillis(300)));
        assertThat(r.failure()).isNotNull();
        assertThat(r.failure().kind()).isEqualTo(Failure.Kind.CPU_LIMIT);
        assertThat(r.failure().message()).contains("CPU-time limit of 300 ms");
        assertThat(r.cpuNanos()).as("it did burn its budget").isGreaterThanOrEqualTo(300_000_000L);
    }

    @Test
    void everyCallReportsItsCpuTime() {
        CallResult r = host.call(hello, CallRequest.of("x".getBytes()), FunctionLimits.DEFAULTS);
        assertThat(r.cpuNanos()).isPositive().isLessThanOrEqualTo(r.nanos() + 50_000_000L);
    }

    @Test
    void mallocBombHitsTheMemoryLimit() {
        CallResult r = run("malloc_bomb", FunctionLimits.DEFAULTS.withMaxMemoryBytes(32L << 20));
        assertThat(r.failure()).isNotNull();
        assertThat(r.failure().kind()).isEqualTo(Failure.Kind.MEMORY_LIMIT);
        assertThat(r.failure().message()).contains("memory limit of 32 MiB");
        assertThat(r.stderrText()).contains("malloc returned NULL");
    }

    @Test
    void memoryLimitBelowTheModulesInitialSizeRefusesToStart() {
        CallResult r = run("hello", FunctionLimits.DEFAULTS.withMaxMemoryBytes(64 * 1024));
        assertThat(r.failure()).isNotNull();
        assertThat(r.failure().kind()).isEqualTo(Failure.Kind.MEMORY_LIMIT);
        assertThat(r.failure().message()).contains("pages of memory at start");
    }

    @Test
    void unboundedRecursionIsAStackOverflowTrap() {
        CallResult r = run("deep_recursion", FunctionLimits.DEFAULTS);
        assertThat(r.failure()).isNotNull();
        assertThat(r.failure().kind()).isEqualTo(Failure.Kind.STACK_OVERFLOW);
    }

    @Test
    void builtinTrapTraps() {
        CallResult r = run("trap", FunctionLimits.DEFAULTS);
        assertThat(r.failure()).isNotNull();
        assertThat(r.failure().kind()).isEqualTo(Failure.Kind.TRAP);
        assertThat(r.failure().message()).containsIgnoringCase("unreachable");
        assertThat(r.stdoutText()).contains("about to trap");
    }

    @Test
    void filesOutsideTheGivenDirectoriesCannotBeRead(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("inside.txt"), "inside");
        CallRequest request = CallRequest.of(new byte[0])
                .withMounts(List.of(new Mount(dir, "/data")));
        CallResult r = host.call(host.load(Examples.bytes("file_escape")), request, FunctionLimits.DEFAULTS);
        assertThat(r.failed()).as(r.toString()).isFalse();
        assertThat(r.stdoutText()).contains("BLOCKED /etc/passwd").doesNotContain("READ ")
                .doesNotContain("root:");
        assertThat(new String(r.output(), StandardCharsets.UTF_8)).isEqualTo("0");
    }

    @Test
    void oversizedOutputIsRefused() {
        FunctionLimits small = new FunctionLimits(FunctionLimits.DEFAULT_MAX_MEMORY,
                FunctionLimits.DEFAULT_TIMEOUT, 10, FunctionLimits.DEFAULT_MAX_LOG, null);
        CallResult r = host.call(host.load(Examples.bytes("echo")),
                CallRequest.of(new byte[100]), small);
        assertThat(r.failure()).isNotNull();
        assertThat(r.failure().kind()).isEqualTo(Failure.Kind.HOST_CALL);
        assertThat(r.failure().message()).contains("output limit of 10 bytes");
    }

    @Test
    void hostileCallsInParallelWithGoodOnesDoNotDisturbThem() throws Exception {
        var loop = host.submit(host.load(Examples.bytes("loop_forever")), CallRequest.of(new byte[0]),
                FunctionLimits.DEFAULTS.withTimeout(Duration.ofSeconds(2)));
        for (int i = 0; i < 50; i++) {
            CallResult r = host.call(hello, CallRequest.of(("n" + i).getBytes()), FunctionLimits.DEFAULTS);
            assertThat(r.outputText()).isEqualTo("Hello n" + i);
        }
        assertThat(loop.get().failure().kind()).isEqualTo(Failure.Kind.TIMEOUT);
    }
}
