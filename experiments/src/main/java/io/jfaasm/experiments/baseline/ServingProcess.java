package io.jfaasm.experiments.baseline;

import io.jfaasm.cluster.RedisGlobalTier;
import io.jfaasm.runtime.FaasletHost;
import io.jfaasm.runtime.faaslet.CallRequest;
import io.jfaasm.runtime.faaslet.CallResult;
import io.jfaasm.runtime.faaslet.FunctionLimits;
import io.jfaasm.runtime.scheduler.DirectoryFunctionStore;
import io.jfaasm.runtime.scheduler.FunctionId;
import io.jfaasm.runtime.wasm.CompiledModule;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;

/**
 * The main class of a serving child (a warm container of the process-per-function baseline): loads
 * one function in a JFaasm host of its own, whose state comes from Redis (so its zygote pulls its
 * own copy of whatever it loads), says {@code READY}, then serves calls one at a time until stdin
 * closes. Protocol on stdin/stdout, big-endian: request = length, input bytes; response = return
 * code, output length, output bytes (return code -1 and the error as output for a failed call).
 */
public final class ServingProcess {
    static final String READY = "READY";

    private ServingProcess() {}

    public static void main(String[] args) throws Exception {
        List<String> rest = new ArrayList<>();
        Setup setup = Setup.fromArgs(args, rest);
        String function = rest.get(0);
        PrintStream stdout = System.out;
        System.setOut(System.err); // stdout carries the protocol only
        DataOutputStream out = new DataOutputStream(stdout);
        try (RedisGlobalTier tier = RedisGlobalTier.connect(setup.redisUri(), setup.namespace());
                FaasletHost host = FaasletHost.create(FaasletHost.Config.defaults()
                        .withCodeCacheDir(setup.codeCacheDir()).withStateTier(tier))) {
            byte[] wasm = new DirectoryFunctionStore(setup.functionsDir()).get(new FunctionId(setup.user(), function));
            CompiledModule module = host.load(wasm, setup.user());
            FunctionLimits limits = FunctionLimits.DEFAULTS.withTimeout(setup.timeout())
                    .withMaxMemoryBytes(setup.maxMemoryBytes());
            stdout.println(READY);
            stdout.flush();
            DataInputStream in = new DataInputStream(System.in);
            while (true) {
                byte[] input;
                try {
                    input = new byte[in.readInt()];
                } catch (EOFException e) {
                    break;
                }
                in.readFully(input);
                CallResult r = host.call(module, CallRequest.of(input).withUser(setup.user()), limits);
                byte[] output = r.failed() ? r.failure().toString().getBytes() : r.output();
                out.writeInt(r.failed() ? -1 : r.returnCode());
                out.writeInt(output.length);
                out.write(output);
                out.flush();
            }
        }
        System.exit(0); // client threads of Redis must not keep the process
    }
}
