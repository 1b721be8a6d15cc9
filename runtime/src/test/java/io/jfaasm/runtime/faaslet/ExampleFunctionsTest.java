package io.jfaasm.runtime.faaslet;

import static org.assertj.core.api.Assertions.assertThat;

import io.jfaasm.runtime.FaasletHost;
import io.jfaasm.runtime.host.WasiImports.Mount;
import io.jfaasm.runtime.testing.Examples;
import io.jfaasm.runtime.wasm.CompiledModule;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every well-behaved example function, run in Faaslets through the embedding API. */
class ExampleFunctionsTest {
    static FaasletHost host;

    @BeforeAll
    static void start() {
        host = FaasletHost.create(FaasletHost.Config.defaults());
    }

    @AfterAll
    static void stop() {
        host.close();
    }

    static CallResult call(String example, CallRequest request) {
        CompiledModule module = host.load(Examples.bytes(example));
        return host.call(module, request, FunctionLimits.DEFAULTS);
    }

    static CallResult call(String example, String input) {
        return call(example, CallRequest.of(input.getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void helloPrintsAndGreets() {
        CallResult r = call("hello", "world");
        assertThat(r.succeeded()).as(r.toString()).isTrue();
        assertThat(r.outputText()).isEqualTo("Hello world");
        assertThat(r.stdoutText()).contains("hello from a Faaslet");
        assertThat(call("hello", "").outputText()).isEqualTo("Hello ");
    }

    @Test
    void echoIsBinarySafe() {
        byte[] input = new byte[1 << 20];
        new Random(7).nextBytes(input);
        CallResult r = call("echo", CallRequest.of(input));
        assertThat(r.succeeded()).as(r.toString()).isTrue();
        assertThat(r.output()).isEqualTo(input);
    }

    @Test
    void reverseReversesBytes() {
        byte[] in = "abc\u00e9".getBytes(StandardCharsets.UTF_8);
        byte[] expected = new byte[in.length];
        for (int i = 0; i < in.length; i++) {
            expected[i] = in[in.length - 1 - i];
        }
        assertThat(call("reverse", CallRequest.of(in)).output()).isEqualTo(expected);
    }

    @Test
    void cppWordCount() {
        CallResult r = call("wordcount", "the cat and the hat and the bat");
        assertThat(r.succeeded()).as(r.toString() + r.stderrText()).isTrue();
        assertThat(r.outputText().lines().toList())
                .containsExactly("and 2", "bat 1", "cat 1", "hat 1", "the 3");
    }

    @Test
    void faasmMainEntryAndReturnCode() {
        CallResult ok = call("faasm_main", "x");
        assertThat(ok.succeeded()).as(ok.toString()).isTrue();
        assertThat(ok.outputText()).isEqualTo("faasm_main:x");
        CallResult fail = call("faasm_main", "fail");
        assertThat(fail.failed()).isFalse();
        assertThat(fail.returnCode()).isEqualTo(3);
    }

    @Test
    void procExitGivesTheReturnCodeAndKeepsOutput() {
        CallResult r = call("exit_code", "42");
        assertThat(r.failed()).as(r.toString()).isFalse();
        assertThat(r.returnCode()).isEqualTo(42);
        assertThat(r.output()).isNotEmpty();
        assertThat(call("exit_code", "0").returnCode()).isZero();
    }

    @Test
    void noopRuns() {
        assertThat(call("noop", "").succeeded()).isTrue();
        assertThat(call("noop_faasm", "").succeeded()).isTrue();
    }

    @Test
    void wasiArgsEnvFilesClockRandom(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("in.txt"), "content of in.txt");
        CallRequest request = CallRequest.of(new byte[0])
                .withArgs(List.of("wasi_env", "first", "second"))
                .withEnv(Map.of("GREETING", "bonjour"))
                .withMounts(List.of(new Mount(dir, "/data")));
        CallResult r = call("wasi_env", request);
        assertThat(r.succeeded()).as(r + r.stderrText()).isTrue();
        assertThat(r.outputText()).isEqualTo("ok");
        assertThat(r.stdoutText()).contains("arg[1]=first", "arg[2]=second", "bonjour",
                "content of in.txt", "clock ok", "random ok");
        assertThat(Files.readString(dir.resolve("out.txt"))).contains("written by wasi_env");
    }

    @Test
    void stdoutStreamsToTheSinkAsWritten() {
        ByteArrayOutputStream sink = new ByteArrayOutputStream();
        CallResult r = call("hello", CallRequest.of("x".getBytes()).withSinks(sink, null));
        assertThat(r.succeeded()).isTrue();
        assertThat(sink.toString(StandardCharsets.UTF_8)).contains("hello from a Faaslet");
    }

    @Test
    void chainingOutsideASchedulerSaysWhyItCannot() {
        assertThat(call("state_uses", "").succeeded()).as("state works").isTrue();
        CallResult r = call("state_uses", "chain_name");
        assertThat(r.failed()).isTrue();
        assertThat(r.failure().kind()).isEqualTo(Failure.Kind.HOST_CALL);
        assertThat(r.failure().message()).contains("__faasm_chain_name", "outside a scheduler");
    }
}
