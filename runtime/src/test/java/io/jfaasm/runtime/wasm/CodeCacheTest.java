package io.jfaasm.runtime.wasm;

import static org.assertj.core.api.Assertions.assertThat;

import io.jfaasm.runtime.FaasletHost;
import io.jfaasm.runtime.faaslet.CallRequest;
import io.jfaasm.runtime.faaslet.CallResult;
import io.jfaasm.runtime.faaslet.FunctionLimits;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The on-disk code cache: reuse across restarts, and a damaged entry costs a recompile only. */
class CodeCacheTest {
    @TempDir
    Path dir;

    private static final byte[] HELLO = TestModules.example("hello");

    private static FaasletHost host(Path cacheDir) {
        // the cache holds Chicory's compiled code: pinned, whatever the default engine
        return FaasletHost.create(FaasletHost.Config.defaults().withCodeCacheDir(cacheDir)
                .withEngine(Engine.CHICORY_COMPILER));
    }

    private static void assertRunsHello(FaasletHost host, CompiledModule module) {
        CallResult r = host.call(module, CallRequest.of("x".getBytes(StandardCharsets.UTF_8)),
                FunctionLimits.DEFAULTS);
        assertThat(r.failure()).as("call failed: %s", r).isNull();
        assertThat(r.outputText()).isEqualTo("Hello x");
    }

    private List<Path> files() throws IOException {
        try (Stream<Path> s = Files.walk(dir)) {
            return s.filter(Files::isRegularFile).sorted().toList();
        }
    }

    /** Compiles hello once into the cache and returns its entry. */
    private Path populate() throws IOException {
        try (FaasletHost host = host(dir)) {
            host.load(HELLO);
        }
        return files().getFirst();
    }

    private void assertRecoversFromDamage(Path jar) throws IOException {
        try (FaasletHost host = host(dir)) {
            CompiledModule m = host.load(HELLO);
            assertThat(m.fromCache()).as("a damaged entry is recompiled, not reported as cached").isFalse();
            assertRunsHello(host, m);
        }
        try (FaasletHost host = host(dir)) {
            CompiledModule m = host.load(HELLO);
            assertThat(m.fromCache()).as("the recompiled entry replaced the damaged one").isTrue();
            assertRunsHello(host, m);
        }
    }

    @Test
    void firstLoadCompilesAndWritesOneEntryNamedByTheDigest() throws IOException {
        try (FaasletHost host = host(dir)) {
            CompiledModule m = host.load(HELLO);
            assertThat(m.fromCache()).isFalse();
            assertThat(files()).as("only the entry, no temp file left").singleElement()
                    .satisfies(p -> assertThat(p.getFileName().toString()).isEqualTo(m.sha256() + ".jar"));
            assertRunsHello(host, m);
        }
    }

    @Test
    void aRestartedHostReusesTheCache() throws IOException {
        populate();
        try (FaasletHost host = host(dir)) {
            CompiledModule m = host.load(HELLO);
            assertThat(m.fromCache()).isTrue();
            assertRunsHello(host, m);
        }
    }

    @Test
    void eachModuleGetsItsOwnEntry() throws IOException {
        try (FaasletHost host = host(dir)) {
            CompiledModule hello = host.load(HELLO);
            CompiledModule echo = host.load(TestModules.example("echo"));
            assertThat(files()).extracting(p -> p.getFileName().toString())
                    .containsExactlyInAnyOrder(hello.sha256() + ".jar", echo.sha256() + ".jar");
        }
    }

    @Test
    void aTruncatedEntryIsRecompiledAndRuns() throws IOException {
        Path jar = populate();
        byte[] good = Files.readAllBytes(jar);
        Files.write(jar, Arrays.copyOf(good, good.length / 2));
        assertRecoversFromDamage(jar);
    }

    @Test
    void anEmptyEntryIsRecompiledAndRuns() throws IOException {
        Path jar = populate();
        Files.write(jar, new byte[0]);
        assertRecoversFromDamage(jar);
    }

    @Test
    void anEntryOfRandomBytesIsRecompiledAndRuns() throws IOException {
        Path jar = populate();
        byte[] noise = new byte[(int) Files.size(jar)];
        new Random(42).nextBytes(noise);
        Files.write(jar, noise);
        assertRecoversFromDamage(jar);
    }

    @Test
    void flippedBytesInAnEntryNeverBreakLoading() throws IOException {
        Path jar = populate();
        byte[] good = Files.readAllBytes(jar);
        Random random = new Random(3);
        for (int i = 0; i < 12; i++) {
            byte[] bad = good.clone();
            bad[random.nextInt(bad.length)] ^= (byte) (1 + random.nextInt(255));
            Files.write(jar, bad);
            try (FaasletHost host = host(dir)) {
                assertRunsHello(host, host.load(HELLO));
            }
        }
    }

    @Test
    void anEntryCompiledFromAnotherModuleIsNotLoaded(@TempDir Path other) throws IOException {
        Path jar = populate();
        try (FaasletHost host = host(other)) {
            host.load(TestModules.example("echo"));
        }
        Path echoJar;
        try (Stream<Path> s = Files.walk(other)) {
            echoJar = s.filter(Files::isRegularFile).findFirst().orElseThrow();
        }
        Files.copy(echoJar, jar, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        assertRecoversFromDamage(jar);
    }

    @Test
    void concurrentFirstLoadsPublishOneEntry() throws Exception {
        List<CompletableFuture<CompiledModule>> loads = new ArrayList<>();
        try (FaasletHost host = host(dir)) {
            for (int i = 0; i < 4; i++) {
                loads.add(CompletableFuture.supplyAsync(() -> new WasmEngine(new CodeCache(dir),
                        1 << 26, Engine.CHICORY_COMPILER).load(HELLO)));
            }
            for (var f : loads) {
                assertRunsHello(host, f.get());
            }
        }
        assertThat(files()).as("one entry, no temp files").hasSize(1);
    }

    @Test
    void theJfaasmTiersClassesAreCachedAndARestartLoadsThem() throws IOException {
        for (int run = 0; run < 2; run++) {
            try (FaasletHost host = FaasletHost.create(FaasletHost.Config.defaults().withCodeCacheDir(dir)
                    .withEngine(Engine.JFAASM))) {
                CompiledModule m = host.load(HELLO);
                assertThat(m.fromCache()).as("run %d", run).isEqualTo(run == 1);
                assertRunsHello(host, m);
            }
        }
        assertThat(files()).extracting(p -> p.getParent().getFileName().toString())
                .singleElement().asString().startsWith("jfaasm-tier-");
    }

    @Test
    void aDamagedJfaasmTierEntryIsRecompiledAndRuns() throws IOException {
        FaasletHost.Config config = FaasletHost.Config.defaults().withCodeCacheDir(dir).withEngine(Engine.JFAASM);
        try (FaasletHost host = FaasletHost.create(config)) {
            host.load(HELLO);
        }
        Path entry = files().getFirst();
        byte[] good = Files.readAllBytes(entry);
        for (byte[] damaged : List.of(Arrays.copyOf(good, good.length / 2), new byte[0],
                flip(good, good.length - 100), flip(good, good.length / 2))) {
            Files.write(entry, damaged);
            try (FaasletHost host = FaasletHost.create(config)) {
                CompiledModule m = host.load(HELLO);
                assertRunsHello(host, m);
            }
        }
    }

    private static byte[] flip(byte[] bytes, int at) {
        byte[] copy = bytes.clone();
        copy[at] ^= 0x5a;
        return copy;
    }
}
