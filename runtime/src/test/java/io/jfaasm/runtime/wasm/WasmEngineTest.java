package io.jfaasm.runtime.wasm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.dylibso.chicory.wasm.types.FunctionType;
import com.dylibso.chicory.wasm.types.ValType;
import io.jfaasm.runtime.FaasletHost;
import io.jfaasm.runtime.faaslet.CallRequest;
import io.jfaasm.runtime.faaslet.CallResult;
import io.jfaasm.runtime.faaslet.FunctionLimits;
import io.jfaasm.runtime.host.FaasmAbi;
import java.io.ByteArrayOutputStream;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/** What {@link WasmEngine#load} refuses, how it says so, and what it accepts. */
class WasmEngineTest {
    private static final int LIMIT = 64 * 1024 * 1024;
    private final WasmEngine engine = new WasmEngine(null, LIMIT);

    private InvalidModuleException refusal(byte[] bytes) {
        return refusal(engine, bytes);
    }

    private static InvalidModuleException refusal(WasmEngine engine, byte[] bytes) {
        InvalidModuleException e = catchThrowableOfType(InvalidModuleException.class, () -> engine.load(bytes));
        assertThat(e).as("load must refuse the module with an InvalidModuleException").isNotNull();
        return e;
    }

    // ---- NOT_WASM ---------------------------------------------------------------------------

    @Test
    void randomTextIsNotWasm() {
        InvalidModuleException e = refusal(
                "#!/bin/sh\necho this is a shell script, not a module\n".getBytes(StandardCharsets.UTF_8));
        assertThat(e.problem()).isEqualTo(ModuleProblem.NOT_WASM);
        assertThat(e.getMessage()).contains("not a WebAssembly module").contains("\\0asm");
    }

    @Test
    void elfBinaryIsNotWasm() {
        byte[] elf = new byte[64];
        byte[] ident = {0x7f, 'E', 'L', 'F', 2, 1, 1, 0};
        System.arraycopy(ident, 0, elf, 0, ident.length);
        elf[16] = 2; // ET_EXEC
        elf[18] = 0x3e; // x86-64
        InvalidModuleException e = refusal(elf);
        assertThat(e.problem()).isEqualTo(ModuleProblem.NOT_WASM);
        assertThat(e.getMessage()).contains("not a WebAssembly module").contains("\\0asm");
    }

    @Test
    void emptyArrayIsNotWasm() {
        InvalidModuleException e = refusal(new byte[0]);
        assertThat(e.problem()).isEqualTo(ModuleProblem.NOT_WASM);
        assertThat(e.getMessage()).contains("\\0asm");
    }

    @Test
    void wasmTextFormatIsNotWasm() {
        byte[] wat = TestModules.resource("minimal_command.wat");
        InvalidModuleException e = refusal(wat);
        assertThat(e.problem()).isEqualTo(ModuleProblem.NOT_WASM);
        assertThat(e.getMessage()).contains("\\0asm");
    }

    @Test
    void otherBinaryVersionIsNotWasmAndSaysWhichVersion() {
        // a component-model binary: magic, then version 0x0d layer 1
        byte[] component = {0x00, 0x61, 0x73, 0x6d, 0x0d, 0x00, 0x01, 0x00};
        InvalidModuleException e = refusal(component);
        assertThat(e.problem()).isEqualTo(ModuleProblem.NOT_WASM);
        assertThat(e.getMessage()).contains("version").contains(String.valueOf(0x0001000d));

        byte[] v2 = TestModules.example("noop");
        v2[4] = 2;
        InvalidModuleException e2 = refusal(v2);
        assertThat(e2.problem()).isEqualTo(ModuleProblem.NOT_WASM);
        assertThat(e2.getMessage()).contains("version 2");
    }

    // ---- TRUNCATED --------------------------------------------------------------------------

    @ParameterizedTest(name = "cut at {0} bytes")
    @ValueSource(ints = {4, 5, 7})
    void helloCutInTheHeaderIsTruncated(int length) {
        InvalidModuleException e = refusal(Arrays.copyOf(TestModules.example("hello"), length));
        assertThat(e.problem()).isEqualTo(ModuleProblem.TRUNCATED);
        assertThat(e.getMessage()).contains("truncated").contains("header");
    }

    @Test
    void helloCutAtTheFirstSectionSizeIsTruncated() {
        // 8-byte header, then the id of the first section and nothing else
        InvalidModuleException e = refusal(Arrays.copyOf(TestModules.example("hello"), 9));
        assertThat(e.problem()).isEqualTo(ModuleProblem.TRUNCATED);
        assertThat(e.getMessage()).contains("truncated").contains("cut off");
    }

    @Test
    void helloCutInTheMiddleOfASectionIsTruncated() {
        byte[] hello = TestModules.example("hello");
        for (int length : new int[] {12, hello.length / 3, hello.length / 2, hello.length - 1}) {
            if (sectionBoundaries(hello).contains(length)) {
                continue;
            }
            InvalidModuleException e = refusal(Arrays.copyOf(hello, length));
            assertThat(e.problem()).as("cut at %d", length).isEqualTo(ModuleProblem.TRUNCATED);
            assertThat(e.getMessage()).as("cut at %d", length).contains("truncated").contains("section");
        }
    }

    /** Every cut of hello.wasm past the header that is not at a section boundary is TRUNCATED. */
    @Test
    void everyCutInsideASectionIsTruncated() {
        byte[] hello = TestModules.example("hello");
        List<Integer> boundaries = sectionBoundaries(hello);
        int checked = 0;
        for (int length = 9; length < hello.length; length++) {
            if (boundaries.contains(length)) {
                continue;
            }
            InvalidModuleException e = refusal(Arrays.copyOf(hello, length));
            assertThat(e.problem()).as("cut at %d of %d", length, hello.length).isEqualTo(ModuleProblem.TRUNCATED);
            checked++;
        }
        assertThat(checked).isGreaterThan(hello.length - 50);
    }

    /** Offsets at which a section ends, so a cut there leaves whole sections only. */
    private static List<Integer> sectionBoundaries(byte[] wasm) {
        List<Integer> out = new ArrayList<>();
        int pos = 8;
        out.add(pos);
        while (pos < wasm.length) {
            pos++; // id
            long size = 0;
            int shift = 0;
            int b;
            do {
                b = wasm[pos++] & 0xFF;
                size |= (long) (b & 0x7F) << shift;
                shift += 7;
            } while ((b & 0x80) != 0);
            pos += (int) size;
            out.add(pos);
        }
        return out;
    }

    // ---- INVALID ----------------------------------------------------------------------------

    @Test
    void typeErrorInAFunctionBodyIsInvalid() {
        InvalidModuleException e = refusal(TestModules.resource("invalid_type"));
        assertThat(e.problem()).isEqualTo(ModuleProblem.INVALID);
        assertThat(e.getMessage()).startsWith("invalid module: ").contains("type mismatch");
    }

    @Test
    void garbageAfterAValidHeaderIsInvalidNotTruncated() {
        // section id 1 (type), size 3, then 3 bytes that are no type section
        byte[] bytes = {0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, 0x01, 0x03, (byte) 0xff, (byte) 0xff, 0x7f};
        InvalidModuleException e = refusal(bytes);
        assertThat(e.problem()).isEqualTo(ModuleProblem.INVALID);
        assertThat(e.getMessage()).startsWith("invalid module: ");
    }

    // ---- UNSUPPORTED_FEATURE ----------------------------------------------------------------

    @Test
    void simdLocalsAreUnsupported() {
        InvalidModuleException e = refusal(TestModules.resource("simd"));
        assertThat(e.problem()).isEqualTo(ModuleProblem.UNSUPPORTED_FEATURE);
        assertThat(e.getMessage()).contains("SIMD").contains("v128").contains("-msimd128");
    }

    @Test
    void simdInstructionIsUnsupported() {
        InvalidModuleException e = refusal(TestModules.resource("simd_instruction"));
        assertThat(e.problem()).isEqualTo(ModuleProblem.UNSUPPORTED_FEATURE);
        assertThat(e.getMessage()).contains("SIMD").contains("instruction").contains("-msimd128");
    }

    @Test
    void v128InAFunctionTypeIsUnsupported() {
        InvalidModuleException e = refusal(TestModules.resource("simd_signature"));
        assertThat(e.problem()).isEqualTo(ModuleProblem.UNSUPPORTED_FEATURE);
        assertThat(e.getMessage()).contains("SIMD").contains("v128");
    }

    // ---- NO_ENTRY_POINT ---------------------------------------------------------------------

    @Test
    void moduleExportingNeitherStartNorFaasmMainHasNoEntryPoint() {
        InvalidModuleException e = refusal(TestModules.resource("no_entry"));
        assertThat(e.problem()).isEqualTo(ModuleProblem.NO_ENTRY_POINT);
        assertThat(e.getMessage()).contains("entry point").contains("_start").contains("faasm_main");
    }

    // ---- UNKNOWN_IMPORT ---------------------------------------------------------------------

    @Test
    void importTheHostDoesNotProvideIsNamed() {
        InvalidModuleException e = refusal(TestModules.resource("unknown_import"));
        assertThat(e.problem()).isEqualTo(ModuleProblem.UNKNOWN_IMPORT);
        assertThat(e.getMessage()).contains("env.nonexistent").contains("no such host function");
    }

    @Test
    void knownImportWithTheWrongSignatureSaysBothSignatures() {
        FunctionType imported = FunctionType.of(List.of(ValType.I32), List.of(ValType.I32));
        FunctionType provided = FaasmAbi.signatures().get("__faasm_read_input");
        assertThat(provided).isNotNull().isNotEqualTo(imported);
        assertThat(provided.toString()).as("the two signatures must read differently").isNotEqualTo(imported.toString());

        InvalidModuleException e = refusal(TestModules.resource("wrong_signature"));
        assertThat(e.problem()).isEqualTo(ModuleProblem.UNKNOWN_IMPORT);
        assertThat(e.getMessage())
                .contains("env.__faasm_read_input")
                .contains("imported as " + imported)
                .contains("host provides " + provided);
    }

    @Test
    void importedMemoryIsRefusedByName() {
        InvalidModuleException e = refusal(TestModules.resource("imported_memory"));
        assertThat(e.problem()).isEqualTo(ModuleProblem.UNKNOWN_IMPORT);
        assertThat(e.getMessage()).contains("env.memory").contains("memory");
    }

    // ---- TOO_LARGE --------------------------------------------------------------------------

    @Test
    void moduleOverTheSizeLimitIsTooLarge() {
        byte[] hello = TestModules.example("hello");
        WasmEngine small = new WasmEngine(null, 1024);
        InvalidModuleException e = refusal(small, hello);
        assertThat(e.problem()).isEqualTo(ModuleProblem.TOO_LARGE);
        assertThat(e.getMessage()).contains(String.valueOf(hello.length)).contains("1024").contains("limit");
    }

    @Test
    void sizeLimitIsCheckedBeforeAnythingElse() {
        WasmEngine small = new WasmEngine(null, 16);
        InvalidModuleException e = refusal(small, new byte[17]);
        assertThat(e.problem()).isEqualTo(ModuleProblem.TOO_LARGE);
    }

    @Test
    void moduleExactlyAtTheSizeLimitLoads() {
        byte[] noop = TestModules.example("noop");
        CompiledModule m = new WasmEngine(null, noop.length).load(noop);
        assertThat(m.sizeBytes()).isEqualTo(noop.length);
    }

    // ---- accepted ---------------------------------------------------------------------------

    private static final Map<String, EntryPoint> REACTORS = Map.of(
            "dl_zygote", EntryPoint.FAASM_MAIN,
            "faasm_main", EntryPoint.FAASM_MAIN,
            "noop_faasm", EntryPoint.FAASM_MAIN,
            "secret", EntryPoint.FAASM_MAIN,
            "zygote", EntryPoint.FAASM_MAIN);

    static Stream<Path> examples() {
        return TestModules.exampleFiles().stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("examples")
    void everyExampleLoadsWithItsEntryPointAndDigest(Path wasm) throws Exception {
        byte[] bytes = TestModules.read(wasm);
        CompiledModule m = engine.load(bytes);

        String name = TestModules.nameOf(wasm);
        assertThat(m.entryPoint()).isEqualTo(REACTORS.getOrDefault(name, EntryPoint.COMMAND));
        String sha = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        assertThat(m.sha256()).isEqualTo(sha).hasSize(64).matches("[0-9a-f]{64}");
        assertThat(m.sizeBytes()).isEqualTo(bytes.length);
        assertThat(m.fromCache()).isFalse();
        assertThat(m.machineFactory()).isNotNull();
        assertThat(m.compileNanos()).isPositive();
    }

    @Test
    void minimalCommandWithoutImportsOrMemoryLoads() {
        CompiledModule m = engine.load(TestModules.resource("minimal_command"));
        assertThat(m.entryPoint()).isEqualTo(EntryPoint.COMMAND);
        assertThat(m.hasInitialize()).isFalse();
        assertThat(m.initialPages()).isZero();
    }

    @Test
    void theSameBytesGiveTheSameDigestAndOtherBytesAnother() {
        byte[] hello = TestModules.example("hello");
        assertThat(engine.load(hello.clone()).sha256()).isEqualTo(engine.load(hello).sha256());
        assertThat(engine.load(TestModules.example("echo")).sha256()).isNotEqualTo(engine.load(hello).sha256());
    }

    @Test
    void loadDoesNotKeepOrChangeTheCallersArray() {
        byte[] hello = TestModules.example("hello");
        byte[] copy = hello.clone();
        try (FaasletHost host = FaasletHost.create(FaasletHost.Config.defaults())) {
            CompiledModule m = host.load(hello);
            assertThat(hello).isEqualTo(copy);
            Arrays.fill(hello, (byte) 0);
            CallResult r = host.call(m, CallRequest.of("x".getBytes(StandardCharsets.UTF_8)), FunctionLimits.DEFAULTS);
            assertThat(r.failure()).isNull();
            assertThat(r.outputText()).isEqualTo("Hello x");
        }
    }

    // ---- regressions: bugs found by the fuzzer, fixed ------------------------------------------

    /**
     * BUG-1: WasmEngine.parse wraps only ChicoryException, IllegalArgumentException and
     * IndexOutOfBoundsException into InvalidModuleException; Chicory's parser throws more. Inputs
     * in src/test/resources/modules/regressions (its README says what each throws).
     */
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"import_name_length_2gib", "import_name_length_negative",
            "custom_name_length_negative", "type_param_count_2g", "end_after_function_end_npe",
            "else_after_function_end_npe", "else_without_if_assertion"})
    void malformedModulesAreInvalidWhateverChicorysParserThrows(String name) {
        InvalidModuleException e = refusal(TestModules.resource("regressions/" + name));
        assertThat(e.problem()).isEqualTo(ModuleProblem.INVALID);
    }

    /**
     * BUG-5: Chicory's parser allocates by the lengths and counts a module declares before checking
     * that the bytes are there: 19 bytes declaring 2^30 parameters make load allocate 4 GiB and take
     * seconds (a length near 2^31 is an OutOfMemoryError: BUG-1). Measured in allocated bytes, not time.
     */
    @Test
    void aTinyModuleDeclaringAHugeVectorIsRefusedWithoutAllocatingIt() {
        // type section: 1 type, func, 0x40000000 params, i32, 0 results
        byte[] bytes = {0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
            0x01, 0x09, 0x01, 0x60, (byte) 0x80, (byte) 0x80, (byte) 0x80, (byte) 0x80, 0x04, 0x7f, 0x00};
        var threads = (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
        long before = threads.getCurrentThreadAllocatedBytes();
        InvalidModuleException e = refusal(bytes);
        long allocated = threads.getCurrentThreadAllocatedBytes() - before;
        assertThat(e.problem()).isEqualTo(ModuleProblem.INVALID);
        assertThat(e.getMessage()).contains("declares 1073741824 elements");
        assertThat(allocated).as("bytes allocated to refuse a 19-byte module")
                .isLessThan(64L * 1024 * 1024);
    }

    /**
     * BUG-2: the loader checks that _start / faasm_main are exported functions but not their
     * types; the host calls them (and _initialize) with no arguments, and a module whose entry
     * takes parameters ends in an ArrayIndexOutOfBoundsException inside Chicory: an INTERNAL
     * host fault instead of a refusal at load.
     */
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"start_with_param", "faasm_main_with_params", "initialize_with_param"})
    void entryPointsOfAnotherSignatureAreRefused(String name) {
        InvalidModuleException e = refusal(TestModules.resource(name));
        assertThat(e.problem()).isIn(ModuleProblem.NO_ENTRY_POINT, ModuleProblem.INVALID);
        assertThat(e.getMessage()).containsAnyOf("_start", "faasm_main", "_initialize");
    }
}
