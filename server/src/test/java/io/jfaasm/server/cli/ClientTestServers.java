package io.jfaasm.server.cli;

import io.jfaasm.server.JfaasmServer;
import io.jfaasm.server.ServerConfig;
import io.jfaasm.runtime.faaslet.FunctionLimits;
import java.nio.file.Path;
import java.time.Duration;

/** Real servers for the client tests: loopback, a free port, a temporary data directory. */
final class ClientTestServers {
    private ClientTestServers() {}

    /** Calls are limited to 3 s of wall time, so that one left running does not hold the server's close. */
    static JfaasmServer start(Path dataDir, boolean requireKeys) {
        return JfaasmServer.start(ServerConfig.defaults()
                .withLimits(FunctionLimits.DEFAULTS.withTimeout(Duration.ofSeconds(3)))
                .withShutdownGrace(Duration.ofSeconds(5))
                .withPort(0)
                .withDataDir(dataDir)
                .withHostId("client-test")
                .withSlots(4, 100)
                .withRequireKeys(requireKeys));
    }
}
