package io.jfaasm.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.jfaasm.runtime.FaasletHost;
import io.jfaasm.runtime.faaslet.CallRequest;
import io.jfaasm.runtime.faaslet.CallResult;
import io.jfaasm.runtime.faaslet.FunctionLimits;
import io.jfaasm.runtime.testing.Examples;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Two hosts in two processes, one Redis: state and snapshots cross between them. */
class CrossProcessTest {
    String namespace;
    RedisGlobalTier tier;

    @BeforeEach
    void connect() {
        RedisTestSupport.requireRedis();
        namespace = RedisTestSupport.randomNamespace();
        tier = RedisGlobalTier.connect(RedisTestSupport.URI, namespace);
    }

    @AfterEach
    void clean() {
        tier.close();
        RedisTestSupport.deleteNamespace(namespace);
    }

    /** Runs one call on a host in another JVM; returns what it printed. */
    String otherProcess(String example, String user, String input, boolean shareSnapshots)
            throws IOException, InterruptedException {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        Process p = new ProcessBuilder(java.toString(), "--enable-native-access=ALL-UNNAMED",
                "-cp", System.getProperty("java.class.path"), HostProcess.class.getName(),
                RedisTestSupport.URI, namespace, Examples.dir().resolve(example + ".wasm").toString(),
                user, input, shareSnapshots ? "share-snapshots" : "no")
                .redirectErrorStream(true).start();
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).as("other host finished").isTrue();
        return new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    }

    @Test
    void stateCrossesProcessesOnlyThroughPushAndPull() throws Exception {
        try (FaasletHost host = FaasletHost.create(FaasletHost.Config.defaults().withStateTier(tier))) {
            var put = host.load(Examples.bytes("shared_put"));
            // values of one size: a value keeps its size while a host has a copy of it
            assertThat(host.call(put, CallRequest.of("not pushed!".getBytes()).withUser("alice"),
                    FunctionLimits.DEFAULTS).failure()).isNull();
            assertThat(otherProcess("shared_get", "alice", "", false)).contains("FAILED", "no state value shared");

            assertThat(host.call(put, CallRequest.of("push:pushed here".getBytes()).withUser("alice"),
                    FunctionLimits.DEFAULTS).failure()).isNull();
            assertThat(otherProcess("shared_get", "alice", "", false)).contains("OUTPUT pushed here");

            assertThat(otherProcess("shared_put", "alice", "push:from there!", false)).contains("OUTPUT");
            host.state().pull(host.state().existing(new io.jfaasm.runtime.state.StateKey("alice", "shared")));
            var get = host.load(Examples.bytes("shared_get"));
            CallResult r = host.call(get, CallRequest.of(new byte[0]).withUser("alice"), FunctionLimits.DEFAULTS);
            assertThat(r.outputText()).isEqualTo("from there!");
        }
    }

    @Test
    void aSnapshotTakenHereIsRestoredInAnotherProcessWithoutInitialising() throws Exception {
        try (FaasletHost host = FaasletHost.create(FaasletHost.Config.defaults()
                .withStateTier(tier).withSnapshotTier(tier))) {
            var zygote = host.load(Examples.bytes("zygote"));
            assertThat(host.initialisations()).isEqualTo(1);
            String here = host.call(zygote, CallRequest.of(new byte[0]), FunctionLimits.DEFAULTS).outputText();
            String there = otherProcess("zygote", "alice", "", true);
            assertThat(there).contains("OUTPUT " + here).contains("INITIALISATIONS 0");
        }
    }
}
