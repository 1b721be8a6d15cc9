package io.jfaasm.runtime.faaslet;

import static org.assertj.core.api.Assertions.assertThat;

import io.jfaasm.runtime.FaasletHost;
import io.jfaasm.runtime.testing.Examples;
import io.jfaasm.runtime.wasm.CompiledModule;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Faaslets of one module share compiled code and nothing else. */
class IsolationTest {
    static FaasletHost host;
    static CompiledModule echo;

    @BeforeAll
    static void start() {
        host = FaasletHost.create(FaasletHost.Config.defaults());
        echo = host.load(Examples.bytes("echo"));
    }

    @AfterAll
    static void stop() {
        host.close();
    }

    @Test
    void twoLiveFaasletsOfOneModuleHaveSeparateMemories() {
        try (Faaslet a = Faaslet.fresh(echo, FunctionLimits.DEFAULTS);
                Faaslet b = Faaslet.fresh(echo, FunctionLimits.DEFAULTS)) {
            assertThat(a.memory().baseAddress()).isNotEqualTo(b.memory().baseAddress());
            int addr = (int) a.memory().sizeInBytes() - 64;
            byte[] before = b.memory().readBytes(addr, 32);
            a.memory().write(addr, "a secret only a may see ........".getBytes(), 0, 32);
            assertThat(b.memory().readBytes(addr, 32)).isEqualTo(before);
            assertThat(a.instance().module()).isSameAs(b.instance().module());
        }
    }

    @Test
    void concurrentCallsSeeOnlyTheirOwnInputAndOutput() throws Exception {
        List<Future<?>> workers = new ArrayList<>();
        for (int w = 0; w < 4; w++) {
            int worker = w;
            workers.add(java.util.concurrent.CompletableFuture.runAsync(() -> {
                Random random = new Random(worker);
                for (int i = 0; i < 100; i++) {
                    byte[] input = new byte[1 + random.nextInt(200_000)];
                    random.nextBytes(input);
                    CallResult r = host.call(echo, CallRequest.of(input), FunctionLimits.DEFAULTS);
                    assertThat(r.output()).isEqualTo(input);
                }
            }));
        }
        for (Future<?> f : workers) {
            f.get();
        }
    }

    @Test
    void tenThousandSequentialCallsDoNotGrowMemory() throws IOException {
        byte[] input = new byte[256 * 1024]; // every call touches a few hundred KiB of its memory
        new Random(1).nextBytes(input);
        for (int i = 0; i < 1_000; i++) {
            host.call(echo, CallRequest.of(input), FunctionLimits.DEFAULTS);
        }
        System.gc();
        long rssBefore = rssKib();
        int mapsBefore = mappings();
        int fdsBefore = openFiles();
        for (int i = 0; i < 10_000; i++) {
            CallResult r = host.call(echo, CallRequest.of(input), FunctionLimits.DEFAULTS);
            if (!r.succeeded()) {
                throw new AssertionError("call " + i + " failed: " + r);
            }
        }
        System.gc();
        long rssAfter = rssKib();
        int mapsAfter = mappings();
        int fdsAfter = openFiles();
        // Every native resource of a Faaslet is a mapping (its memory, a snapshot image, a state
        // region) or a file descriptor (a memfd): counting both is exact. RSS is only a backstop:
        // the JVM's own use moves by ±100 MiB here, while a leak of what each call touches (~1 MiB)
        // would show as 10 GiB over 10,000 calls.
        assertThat(host.armedDeadlines()).as("deadlines of finished calls are dropped").isZero();
        assertThat(mapsAfter - mapsBefore).as("new mappings after 10,000 calls").isLessThan(50);
        assertThat(fdsAfter - fdsBefore).as("new file descriptors after 10,000 calls").isLessThan(10);
        assertThat(rssAfter - rssBefore).as("RSS growth in KiB after 10,000 calls").isLessThan(1024 * 1024);
    }

    private static long rssKib() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", ""));
            }
        }
        throw new IllegalStateException("no VmRSS");
    }

    private static int openFiles() throws IOException {
        try (var s = Files.list(Path.of("/proc/self/fd"))) {
            return (int) s.count();
        }
    }

    private static int mappings() throws IOException {
        return Files.readAllLines(Path.of("/proc/self/maps")).size();
    }
}
