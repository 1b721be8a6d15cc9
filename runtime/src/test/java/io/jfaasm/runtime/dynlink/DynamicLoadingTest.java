package io.jfaasm.runtime.dynlink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jfaasm.runtime.FaasletHost;
import io.jfaasm.runtime.faaslet.CallRequest;
import io.jfaasm.runtime.faaslet.CallResult;
import io.jfaasm.runtime.faaslet.Faaslet;
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
        host.libraries().register("alice", "libundefined.wasm", Examples.bytes("libs/libundefined"));
        host.libraries().register("alice", "libimports.wasm", Examples.bytes("libs/libimports"));
        host.libraries().register("alice", "libstack.wasm", Examples.bytes("libs/libstack"));
    }

    @AfterEach
    void stop() {
        host.close();
    }

    @org.junit.jupiter.api.Test
    void aLibraryRunsOnItsCallersEngine() {
        // the host's default engine is JFaasm's tier: the library (which imports its caller's
        // memory and table) is compiled by it too, and still calls back and forth
        assertThat(io.jfaasm.runtime.compiler.JfaasmCode.compiledByTier(main.machineFactory())).isTrue();
        SideModule lib = SideModule.of("libscale.wasm", Examples.bytes("libs/libscale"), 1 << 20);
        assertThat(io.jfaasm.runtime.compiler.JfaasmCode.compiledByTier(lib.compiledFor(main).factory())).isTrue();
        aGoodCallStillWorks();
        try (FaasletHost chicory = FaasletHost.create(FaasletHost.Config.defaults()
                .withEngine(io.jfaasm.runtime.wasm.Engine.CHICORY_COMPILER))) {
            CompiledModule onChicory = chicory.load(Examples.bytes("dl_main"));
            assertThat(io.jfaasm.runtime.compiler.JfaasmCode.compiledByTier(lib.compiledFor(onChicory).factory()))
                    .isFalse();
        }
    }

    CallResult call(String user, String input) {
        return call(user, input, FunctionLimits.DEFAULTS);
    }

    CallResult call(String user, String input, FunctionLimits limits) {
        return host.call(main, CallRequest.of(input.getBytes(StandardCharsets.UTF_8)).withUser(user), limits);
    }

    static final String GOOD = "fill=abcdefghij sum=100 scale(7)=26 scale(1)=103 apply=43 calls=2"
            + " missing=null dlerror=undefined symbol no_such_symbol in library libscale.wasm";

    /** Fails the test unless a good call still gives the full, right answer. */
    void aGoodCallStillWorks() {
        CallResult r = call("alice", "libscale.wasm");
        assertThat(r.failure()).isNull();
        assertThat(out(r)).isEqualTo(GOOD);
    }

    static String out(CallResult r) {
        return new String(r.output(), StandardCharsets.UTF_8);
    }

    @Test
    void aLibrarySharesTheCallersMemoryAndTable() {
        CallResult r = call("alice", "libscale.wasm");
        assertThat(r.failure()).isNull();
        assertThat(out(r)).isEqualTo(GOOD);
        assertThat(r.returnCode()).isZero();
    }

    @Test
    void aLibraryLivesOnlyForItsCall() {
        // The library's static counter and its data start afresh every call: nothing of one call's
        // library (its instance, table slots, pages) reaches the next through the pool.
        for (int i = 0; i < 3; i++) {
            aGoodCallStillWorks();
        }
        // The mechanism: a Faaslet whose table a library grew refuses to be reset for reuse (the
        // pool then closes it); one whose dlopen found nothing is reset as usual.
        var snapshot = host.proto(main).snapshot();
        Libraries alice = host.libraries().forUser("alice");
        try (Faaslet f = Faaslet.restore(main, snapshot, FunctionLimits.DEFAULTS)) {
            CallResult r = f.call(CallRequest.of("nothing.wasm".getBytes(StandardCharsets.UTF_8))
                    .withLibraries(alice), FunctionLimits.DEFAULTS, null, () -> false);
            assertThat(out(r)).startsWith("dlopen: library nothing.wasm not found");
            f.reset(snapshot);
            r = f.call(CallRequest.of("libscale.wasm".getBytes(StandardCharsets.UTF_8)).withLibraries(alice),
                    FunctionLimits.DEFAULTS, null, () -> false);
            assertThat(out(r)).isEqualTo(GOOD);
            assertThatThrownBy(() -> f.reset(snapshot)).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("a library was loaded into this Faaslet");
        }
    }

    @Test
    void anotherUsersLibraryIsNotFound() {
        CallResult r = call("bob", "libscale.wasm");
        assertThat(r.failure()).isNull();
        assertThat(r.returnCode()).isEqualTo(1);
        assertThat(out(r)).isEqualTo("dlopen: library libscale.wasm not found (a function may open only"
                + " libraries uploaded by its own user)");
        host.libraries().register("bob", "libscale.wasm", Examples.bytes("libs/libscale"));
        assertThat(out(call("bob", "libscale.wasm"))).isEqualTo(GOOD);
    }

    @Test
    void missingAndUnresolvableLibrariesGiveNullAndDlerror() {
        assertThat(out(call("alice", "../bob/libscale.wasm"))).startsWith("dlopen: library ../bob/libscale.wasm not found");
        CallResult r = call("alice", "libundefined.wasm");
        assertThat(r.failure()).isNull();
        assertThat(out(r)).isEqualTo("dlopen: libundefined.wasm: undefined symbol not_provided_anywhere"
                + " (neither the host nor the function provides it)");
        CallResult sym = call("alice", "libscale.wasm call no_such_function");
        assertThat(out(sym)).isEqualTo("dlsym: undefined symbol no_such_function in library libscale.wasm");
        aGoodCallStillWorks();
    }

    @Test
    void aLibraryCanUseTheHostInterface() {
        CallResult r = call("alice", "libhostile.wasm call say");
        assertThat(r.failure()).isNull();
        assertThat(out(r)).isEqualTo("returned"); // say() set it, then main replaced it
    }

    @Test
    void theCallersAllocatorNeverHandsOutTheLibrarysPages() {
        CallResult r = call("alice", "libscale.wasm malloc");
        assertThat(r.failure()).isNull();
        assertThat(out(r)).isEqualTo("offset=5 scale(1)=8 overlaps=0");
    }

    @Test
    void aLibraryThatNeedsACStackGetsOneOfItsOwn() {
        CallResult r = call("alice", "libstack.wasm int stack_sum");
        assertThat(r.failure()).isNull();
        assertThat(out(r)).isEqualTo("stack_sum(5)=30"); // 0+1+4+9+16, in an array on its stack
        aGoodCallStillWorks(); // and the caller's own stack and data are intact
    }

    @Test
    void aLibraryImportsTheCallersExportsAndHostCalls() {
        CallResult r = call("alice", "libimports.wasm int square_plus_index");
        assertThat(r.failure()).isNull();
        assertThat(out(r)).isEqualTo("square_plus_index(5)=25"); // 5*5 from the caller + chain index 0
        // The same library cannot load into a function that does not export caller_square.
        CompiledModule zygote = host.load(Examples.bytes("dl_zygote"));
        CallResult other = host.call(zygote, CallRequest.of("libimports.wasm".getBytes(StandardCharsets.UTF_8))
                .withUser("alice"), FunctionLimits.DEFAULTS);
        assertThat(out(other)).endsWith("call scale(2)=-1");
    }

    @Test
    void aTrapInALibraryFailsOnlyItsCall() {
        CallResult r = call("alice", "libhostile.wasm call boom");
        assertThat(r.failure()).isNotNull();
        assertThat(r.failure().kind()).isEqualTo(Failure.Kind.TRAP);
        assertThat(r.failure().message()).contains("unreachable");
        CallResult wild = call("alice", "libhostile.wasm call wild_write");
        assertThat(wild.failure().kind()).isEqualTo(Failure.Kind.TRAP);
        assertThat(wild.failure().message()).contains("out of bounds memory access");
        aGoodCallStillWorks();
    }

    @Test
    void aLibraryGrowingMemoryHitsTheCallersLimit() {
        CallResult r = call("alice", "libhostile.wasm call grow_forever",
                FunctionLimits.DEFAULTS.withMaxMemoryBytes(32L << 20));
        assertThat(r.failure()).isNotNull();
        assertThat(r.failure().kind()).isEqualTo(Failure.Kind.MEMORY_LIMIT);
        aGoodCallStillWorks();
    }

    @Test
    void aConstructorThatTrapsMakesDlopenReturnNull() {
        CallResult r = call("alice", "libbadinit.wasm");
        assertThat(r.failure()).isNull();
        assertThat(r.returnCode()).isEqualTo(1);
        assertThat(out(r)).startsWith("dlopen: libbadinit.wasm: its constructors trapped: ")
                .contains("unreachable");
        aGoodCallStillWorks();
    }

    @Test
    void aFunctionPointerDiesWithItsHandle() {
        CallResult r = call("alice", "libscale.wasm stale");
        assertThat(r.failure()).isNotNull();
        assertThat(r.failure().kind()).isEqualTo(Failure.Kind.TRAP);
        assertThat(r.failure().message()).contains("uninitialized element");
    }

    @Test
    void aLibraryAskingForMoreMemoryThanTheLimitGetsNull() {
        host.libraries().register("alice", "libhuge.wasm",
                withMemSize(Examples.bytes("libs/libscale"), 1L << 30));
        CallResult r = call("alice", "libhuge.wasm", FunctionLimits.DEFAULTS.withMaxMemoryBytes(32L << 20));
        assertThat(r.failure()).isNull();
        assertThat(out(r)).startsWith("dlopen: libhuge.wasm needs 1073741824 bytes of memory, but only ")
                .endsWith(" remain under the function's memory limit");
        aGoodCallStillWorks();
    }

    @Test
    void aLibraryWhoseDataDoesNotFitItsDeclaredSizeGetsNull() {
        // dylink.0 says 0 bytes of data but it has 8: its data segment lands past the memory's end.
        host.libraries().register("alice", "liblying.wasm", withMemSize(Examples.bytes("libs/libscale"), 0));
        CallResult r = call("alice", "liblying.wasm");
        assertThat(r.failure()).isNull();
        assertThat(out(r)).startsWith("dlopen: liblying.wasm failed to load: out of bounds memory access");
        aGoodCallStillWorks();
    }

    @Test
    void aZygoteCannotLoadALibraryButItsCallsCan() {
        CompiledModule zygote = host.load(Examples.bytes("dl_zygote"));
        CallResult r = host.call(zygote, CallRequest.of("libscale.wasm".getBytes(StandardCharsets.UTF_8))
                .withUser("alice"), FunctionLimits.DEFAULTS);
        assertThat(r.failure()).isNull();
        assertThat(out(r)).isEqualTo("zygote null: dynamic loading is not available during initialisation:"
                + " a snapshot cannot hold a library; call scale(2)=11");
    }

    @Test
    void aGrowableTableIsCappedSoOneGrowCannotExhaustTheHeap() {
        try (Faaslet f = Faaslet.fresh(main, FunctionLimits.DEFAULTS)) {
            assertThat(f.instance().table(0).limits().max()).isEqualTo(Faaslet.MAX_TABLE_ENTRIES);
            assertThat(f.instance().table(0).grow((int) Faaslet.MAX_TABLE_ENTRIES, -1, null)).isEqualTo(-1);
        }
    }

    @Test
    void theRegistryRefusesWhatIsNotALibrary() {
        LibraryRegistry registry = host.libraries();
        assertThatThrownBy(() -> registry.register("alice", "hello.wasm", Examples.bytes("hello")))
                .isInstanceOf(LibraryException.class).hasMessageContaining("has no dylink.0 section");
        assertThatThrownBy(() -> registry.register("alice", "junk.wasm", new byte[] {1, 2, 3}))
                .isInstanceOf(LibraryException.class).hasMessageContaining("not a valid wasm module");
        assertThatThrownBy(() -> registry.register("alice", "../x", Examples.bytes("libs/libscale")))
                .isInstanceOf(LibraryException.class).hasMessageContaining("bad library name");
        assertThatThrownBy(() -> registry.register("alice", "big.wasm",
                withMemSize(Examples.bytes("libs/libscale"), 1L << 32)))
                .isInstanceOf(LibraryException.class).hasMessageContaining("bytes of data, over the");
        assertThat(registry.names("alice")).doesNotContain("hello.wasm", "junk.wasm", "big.wasm");
    }

    /** The library with its dylink.0 mem_size replaced (alignment 4, no table). */
    static byte[] withMemSize(byte[] wasm, long memSize) {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        out.write(wasm, 0, 8);
        int pos = 8;
        while (pos < wasm.length) {
            int start = pos;
            int id = wasm[pos++];
            int[] p = {pos};
            int size = (int) leb(wasm, p);
            int payload = p[0];
            pos = payload + size;
            int nameLen = id == 0 ? (int) leb(wasm, new int[] {payload}) : 0;
            if (id == 0 && nameLen == 8 && new String(wasm, payload + 1, 8, StandardCharsets.US_ASCII).equals("dylink.0")) {
                java.io.ByteArrayOutputStream info = new java.io.ByteArrayOutputStream();
                writeLeb(info, memSize);
                info.write(2);
                info.write(0);
                info.write(0);
                java.io.ByteArrayOutputStream body = new java.io.ByteArrayOutputStream();
                body.write(8);
                body.writeBytes("dylink.0".getBytes(StandardCharsets.US_ASCII));
                body.write(1);
                writeLeb(body, info.size());
                body.writeBytes(info.toByteArray());
                out.write(0);
                writeLeb(out, body.size());
                out.writeBytes(body.toByteArray());
            } else {
                out.write(wasm, start, pos - start);
            }
        }
        return out.toByteArray();
    }

    static long leb(byte[] b, int[] p) {
        long r = 0;
        for (int shift = 0; ; shift += 7) {
            int x = b[p[0]++] & 0xFF;
            r |= (long) (x & 0x7F) << shift;
            if ((x & 0x80) == 0) {
                return r;
            }
        }
    }

    static void writeLeb(java.io.ByteArrayOutputStream out, long v) {
        do {
            int b = (int) (v & 0x7F);
            v >>>= 7;
            out.write(v != 0 ? b | 0x80 : b);
        } while (v != 0);
    }
}
