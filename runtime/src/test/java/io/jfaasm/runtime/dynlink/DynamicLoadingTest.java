package io.jfaasm.runtime.dynlink;

import static org.assertj.core.api.Assertions.assertThat;

import io.jfaasm.runtime.FaasletHost;
import io.jfaasm.runtime.faaslet.CallRequest;
import io.jfaasm.runtime.faaslet.CallResult;
import io.jfaasm.runtime.faaslet.Failure;
import io.jfaasm.runtime.faaslet.FunctionLimits;
import io.jfaasm.runtime.testing.Examples;
import io.jfaasm.runtime.wasm.CompiledModule;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** dlopen/dlsym/dlclose of a user's library into the calling Faaslet (examples/dl_main.c). */
class DynamicLoadingTest {
    FaasletHost host;
    CompiledModule main;

    @BeforeEach
    void start() {
        host = FaasletHost.create(FaasletHost.Config.defaults());
        main = host.load(Examples.bytes("dl_main"));
        host.libraries().register("alice", "libscale.wasm", Examples.bytes("libs/libscale"));
        host.libraries().register("alice", "libhostile.wasm", Examples.bytes("libs/libhostile"));
        host.libraries().register("alice", "libbadinit.wasm", Examples.bytes("libs/libbadinit"));
    }

    @AfterEach
    void stop() {
        host.close();
    }

    CallResult call(String user, String input) {
        return host.call(main, CallRequest.of(input.getBytes(StandardCharsets.UTF_8)).withUser(user),
                FunctionLimits.DEFAULTS);
    }

    static String out(CallResult r) {
        return new String(r.output(), StandardCharsets.UTF_8);
    }

    @Test
    void aLibrarySharesTheCallersMemoryAndTable() {
        CallResult r = call("alice", "libscale.wasm");
        assertThat(r.failure()).isNull();
        assertThat(out(r)).isEqualTo("fill=abcdefghij sum=100 scale(7)=26 scale(1)=103 apply=43 calls=2"
                + " missing=null dlerror=undefined symbol no_such_symbol in library libscale.wasm");
        assertThat(r.returnCode()).isZero();
    }
}
