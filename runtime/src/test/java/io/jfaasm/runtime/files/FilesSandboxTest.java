package io.jfaasm.runtime.files;

import static org.assertj.core.api.Assertions.assertThat;

import io.jfaasm.runtime.FaasletHost;
import io.jfaasm.runtime.faaslet.CallRequest;
import io.jfaasm.runtime.faaslet.CallResult;
import io.jfaasm.runtime.faaslet.Failure;
import io.jfaasm.runtime.faaslet.FunctionLimits;
import io.jfaasm.runtime.host.WasiImports.Mount;
import io.jfaasm.runtime.testing.Examples;
import io.jfaasm.runtime.wasm.CompiledModule;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A read-only mount really is read-only, whatever WASI call the guest tries, and a call's scratch
 * directory is its own and gone when the call ends, however it ends.
 */
class FilesSandboxTest {
    static FaasletHost host;
    static CompiledModule hostile;
    static CompiledModule scratch;

    @BeforeAll
    static void start() {
        host = FaasletHost.create(FaasletHost.Config.defaults());
        hostile = host.load(Examples.bytes("files_hostile"));
        scratch = host.load(Examples.bytes("scratch"));
    }

    @AfterAll
    static void stop() {
        host.close();
    }

    @Test
    void aReadOnlyMountCannotBeChangedAndNothingOutsideIsReachable(@TempDir Path tmp) throws Exception {
        Path shared = Files.createDirectories(tmp.resolve("shared"));
        Files.writeString(shared.resolve("f"), "original");
        Files.createDirectories(shared.resolve("sub"));
        Files.writeString(shared.resolve("sub/g"), "inner");
        Path other = Files.createDirectories(tmp.resolve("other"));
        Files.writeString(other.resolve("f"), "another user's");
        ScratchSpace space = ScratchSpace.at(tmp.resolve("scratch"), "/tmp", ScratchSpace.DEFAULT_MAX_BYTES);

        CallRequest request = CallRequest.of(new byte[0])
                .withMounts(List.of(new Mount(shared, "/shared", true)))
                .withScratch(space);
        CallResult r = host.call(hostile, request, FunctionLimits.DEFAULTS);

        assertThat(r.failed()).as(r.toString()).isFalse();
        assertThat(r.stdoutText()).as(r.stdoutText()).doesNotContain("ALLOWED").contains("BLOCKED open O_WRONLY");
        assertThat(r.stdoutText().lines().count()).as(r.stdoutText()).isEqualTo(36);
        assertThat(r.outputText()).isEqualTo("0");
        try (Stream<Path> all = Files.walk(shared)) {
            assertThat(all.map(p -> shared.relativize(p).toString()).sorted().toList())
                    .containsExactly("", "f", "sub", "sub/g");
        }
        assertThat(Files.readString(shared.resolve("f"))).isEqualTo("original");
        assertThat(Files.readString(shared.resolve("sub/g"))).isEqualTo("inner");
        assertThat(Files.getLastModifiedTime(shared.resolve("f")).toMillis()).isNotZero();
        assertThat(Files.readString(other.resolve("f"))).isEqualTo("another user's");
        assertThat(entries(space.root())).isEmpty();
    }

    @Test
    void theSameAttemptsOnAWritableMountSucceed(@TempDir Path tmp) throws Exception {
        // the control: the hostile function does detect a change it is allowed to make
        Path shared = Files.createDirectories(tmp.resolve("shared"));
        Files.writeString(shared.resolve("f"), "original");
        Files.createDirectories(shared.resolve("sub"));
        Files.writeString(shared.resolve("sub/g"), "inner");
        CallRequest request = CallRequest.of(new byte[0])
                .withMounts(List.of(new Mount(shared, "/shared", false)))
                .withScratch(ScratchSpace.at(tmp.resolve("scratch"), "/tmp", ScratchSpace.DEFAULT_MAX_BYTES));
        CallResult r = host.call(hostile, request, FunctionLimits.DEFAULTS);
        assertThat(r.stdoutText()).contains("ALLOWED open O_WRONLY", "ALLOWED open O_CREAT new file",
                "ALLOWED unlink", "ALLOWED mkdir");
        assertThat(Integer.parseInt(r.outputText())).isGreaterThan(10);
    }

    @Test
    void scratchFilesNeverSurviveTheirCall(@TempDir Path tmp) throws Exception {
        ScratchSpace space = ScratchSpace.at(tmp.resolve("scratch"), "/tmp", ScratchSpace.DEFAULT_MAX_BYTES);
        for (String token : List.of("first", "second", "third")) {
            CallResult r = host.call(scratch, CallRequest.of(token.getBytes()).withScratch(space),
                    FunctionLimits.DEFAULTS);
            assertThat(r.outputText()).as(r.toString())
                    .isEqualTo("before=0 files=" + String.join(",", new java.util.TreeSet<>(List.of("dir", "link", token)))
                            + " content=" + token);
            assertThat(entries(space.root())).isEmpty();
        }
    }

    @Test
    void aTrappedOrTimedOutCallLeavesNoScratchBehind(@TempDir Path tmp) throws Exception {
        ScratchSpace space = ScratchSpace.at(tmp.resolve("scratch"), "/tmp", ScratchSpace.DEFAULT_MAX_BYTES);
        CallResult trapped = host.call(scratch, CallRequest.of("t 0 trap".getBytes()).withScratch(space),
                FunctionLimits.DEFAULTS);
        assertThat(trapped.failure().kind()).isEqualTo(Failure.Kind.TRAP);
        assertThat(entries(space.root())).isEmpty();

        FunctionLimits short_ = FunctionLimits.DEFAULTS.withTimeout(Duration.ofMillis(300));
        CallResult spun = host.call(scratch, CallRequest.of("s 0 spin".getBytes()).withScratch(space), short_);
        assertThat(spun.failure().kind()).isEqualTo(Failure.Kind.TIMEOUT);
        assertThat(entries(space.root())).isEmpty();
    }

    @Test
    void scratchHoldsNoMoreThanItsLimitHoweverItIsWritten(@TempDir Path tmp) throws Exception {
        long cap = 1024 * 1024;
        ScratchSpace space = ScratchSpace.at(tmp.resolve("scratch"), "/tmp", cap);
        CallResult r = host.call(host.load(Examples.bytes("scratch_fill")),
                CallRequest.of(Long.toString(cap).getBytes()).withScratch(space), FunctionLimits.DEFAULTS);
        assertThat(r.outputText()).as(r.toString())
                .isEqualTo("filled=" + cap + " err=quota sparse=blocked grow=blocked freed=ok link=blocked");
        assertThat(entries(space.root())).isEmpty();
        // and the control: with room enough, the same writes all succeed
        ScratchSpace roomy = ScratchSpace.at(tmp.resolve("roomy"), "/tmp", 4 * cap + (2L << 30));
        CallResult ok = host.call(host.load(Examples.bytes("scratch_fill")),
                CallRequest.of(Long.toString(cap).getBytes()).withScratch(roomy), FunctionLimits.DEFAULTS);
        assertThat(ok.outputText()).startsWith("filled=" + 4 * cap + " err=Success sparse=ALLOWED grow=ALLOWED freed=ok link=ALLOWED");
    }

    @Test
    void aNewScratchSpaceRemovesWhatAKilledHostLeft(@TempDir Path tmp) throws Exception {
        Path root = Files.createDirectories(tmp.resolve("scratch/call-123/dir"));
        Files.writeString(root.resolve("left"), "behind");
        Path outside = Files.writeString(tmp.resolve("outside"), "keep");
        Files.createSymbolicLink(tmp.resolve("scratch/call-123/out"), outside);
        ScratchSpace space = ScratchSpace.at(tmp.resolve("scratch"), "/tmp", ScratchSpace.DEFAULT_MAX_BYTES);
        assertThat(entries(space.root())).isEmpty();
        assertThat(Files.readString(outside)).isEqualTo("keep");
    }

    static List<Path> entries(Path dir) throws Exception {
        try (Stream<Path> s = Files.list(dir)) {
            return s.toList();
        }
    }
}
