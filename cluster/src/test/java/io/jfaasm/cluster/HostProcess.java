package io.jfaasm.cluster;

import io.jfaasm.runtime.FaasletHost;
import io.jfaasm.runtime.faaslet.CallRequest;
import io.jfaasm.runtime.faaslet.CallResult;
import io.jfaasm.runtime.faaslet.FunctionLimits;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A second host in a process of its own: one FaasletHost on the same Redis, running one call of a
 * module and printing its output (or failure) on stdout.
 *
 * <p>Arguments: redis-uri namespace module.wasm user input [share-snapshots]
 */
public final class HostProcess {
    public static void main(String[] args) throws Exception {
        try (RedisGlobalTier tier = RedisGlobalTier.connect(args[0], args[1])) {
            FaasletHost.Config config = FaasletHost.Config.defaults().withStateTier(tier);
            if (args.length > 5 && args[5].equals("share-snapshots")) {
                config = config.withSnapshotTier(tier);
            }
            try (FaasletHost host = FaasletHost.create(config)) {
                var module = host.load(Files.readAllBytes(Path.of(args[2])));
                CallResult r = host.call(module, CallRequest.of(args[4].getBytes(StandardCharsets.UTF_8))
                        .withUser(args[3]), FunctionLimits.DEFAULTS);
                System.out.println(r.failed() ? "FAILED " + r.failure() : "OUTPUT " + r.outputText());
                System.out.println("INITIALISATIONS " + host.initialisations());
            }
        }
        System.exit(0);
    }
}
