package io.jfaasm.runtime.compiler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.fail;

import com.dylibso.chicory.wasm.WasmModule;
import io.jfaasm.runtime.testing.Examples;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Every example, the bench kernels at small sizes, and the committed corpus of random modules
 * (binaryen {@code wasm-opt -ttf}, see build-corpus.sh) run under JFaasm's tier and under Chicory's
 * interpreter: every result, trap, host call, output, and the final memory and globals must agree.
 */
class CompilerDifferentialTest {
    /** Examples that cannot run to completion here, and why. */
    private static final Set<String> SKIPPED = Set.of(
            "loop_forever", // never ends: the wall-time limit is tested by IsolationTest
            "sleep"); // waits on the real clock

    /**
     * Examples whose memory is compared only up to the trap: deep_recursion overflows the stack,
     * and how deep it got (so how much of its shadow stack it wrote) depends on each engine's
     * JVM frame sizes. Its events, including the trap, must still agree.
     */
    private static final Set<String> STACK_DEPTH_DEPENDENT = Set.of("deep_recursion");

    private static final AtomicInteger MODULES = new AtomicInteger();
    private static final AtomicInteger FUNCTIONS = new AtomicInteger();
    private static final AtomicInteger COMPILED = new AtomicInteger();

    static Path resources() {
        return Path.of("src/test/resources/compiler").toAbsolutePath();
    }

    @TestFactory
    Stream<DynamicTest> examples() throws IOException {
        return dir(Examples.dir(), Differential.Script.ENTRY);
    }

    @TestFactory
    Stream<DynamicTest> kernels() throws IOException {
        return dir(resources().resolve("kernels-small"), Differential.Script.ENTRY);
    }

    @TestFactory
    Stream<DynamicTest> fuzzCorpus() throws IOException {
        return dir(resources().resolve("fuzz"), Differential.Script.EXPORTS);
    }

    /**
     * Every module again with every function split into methods of about 24 instructions (the
     * default splits only functions HotSpot would not compile, about 1,000 per method): outlined
     * blocks, loops and runs, with their handed-back locals, exit codes and carried values,
     * everywhere the corpus has them.
     */
    @TestFactory
    Stream<DynamicTest> splitEverywhere() throws IOException {
        ModuleCompiler.Splitting tiny = new ModuleCompiler.Splitting(0, 24);
        return Stream.of(dir(Examples.dir(), Differential.Script.ENTRY, tiny),
                        dir(resources().resolve("kernels-small"), Differential.Script.ENTRY, tiny),
                        dir(resources().resolve("fuzz"), Differential.Script.EXPORTS, tiny))
                .flatMap(s -> s);
    }

    /**
     * The long run: fresh random modules from binaryen, as many as asked. Skipped unless
     * {@code -Djfaasm.fuzz.count=N}; {@code -Djfaasm.fuzz.seed=S} (default 1000) is the first seed,
     * {@code -Djfaasm.fuzz.wasmOpt=PATH} binaryen's wasm-opt, version 132 as for build-corpus.sh (default
     * /work/h/tools/binaryen-npm/node_modules/.bin/wasm-opt; never on PATH: clang would run it). A
     * failing module is kept and its path printed.
     */
    @org.junit.jupiter.api.Test
    void longRun() throws Exception {
        String count = System.getProperty("jfaasm.fuzz.count");
        org.junit.jupiter.api.Assumptions.assumeTrue(count != null,
                "long differential run: set -Djfaasm.fuzz.count=N (and -Djfaasm.fuzz.wasmOpt=PATH)");
        Path wasmOpt = Path.of(System.getProperty("jfaasm.fuzz.wasmOpt",
                "/work/h/tools/binaryen-npm/node_modules/.bin/wasm-opt"));
        org.junit.jupiter.api.Assumptions.assumeTrue(Files.isExecutable(wasmOpt),
                "binaryen's wasm-opt not found at " + wasmOpt + " (set -Djfaasm.fuzz.wasmOpt)");
        long seed = Long.parseLong(System.getProperty("jfaasm.fuzz.seed", "1000"));
        Path dir = Files.createTempDirectory("jfaasm-fuzz");
        for (long s = seed; s < seed + Long.parseLong(count); s++) {
            byte[] random = new byte[6000];
            new java.util.Random(s).nextBytes(random);
            Path in = dir.resolve("r" + s + ".dat");
            Path out = dir.resolve("f" + s + ".wasm");
            Files.write(in, random);
            Process p = new ProcessBuilder(wasmOpt.toString(), in.toString(), "-ttf", "--denan",
                    "--enable-sign-ext", "--enable-nontrapping-float-to-int", "--enable-bulk-memory",
                    "--enable-multivalue", "--enable-reference-types",
                    "-o", out.toString()).redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            assertThat(p.waitFor()).as("wasm-opt for seed %d", s).isZero();
            try {
                check(read(out), Differential.Script.EXPORTS, true);
            } catch (AssertionError | RuntimeException e) {
                throw new AssertionError("seed " + s + ": " + out + " differs: " + e.getMessage(), e);
            }
            Files.delete(out);
            Files.delete(in);
        }
    }

    /**
     * The corpus exercises multi-value, reference types and bulk memory on the tier, not on its
     * fallback: functions using each are in it, and compiled (so fuzzCorpus compares them).
     */
    @org.junit.jupiter.api.Test
    void theCorpusFeaturesAreCompiledByTheTier() throws IOException {
        java.util.Map<String, Integer> compiledUsing = new java.util.TreeMap<>();
        int functions = 0;
        int fallbacks = 0;
        Set<String> why = new java.util.TreeSet<>();
        try (Stream<Path> s = Files.list(resources().resolve("fuzz"))) {
            for (Path p : s.sorted().toList()) {
                WasmModule module = Differential.parse(read(p));
                JfaasmCode code = JfaasmCode.compile(module, Differential::reference);
                int imported = module.importSection().count(com.dylibso.chicory.wasm.types.ExternalType.FUNCTION);
                var bodies = module.codeSection().functionBodies();
                for (int i = 0; i < bodies.length; i++) {
                    functions++;
                    if (code.fallbackReasons().containsKey(imported + i)) {
                        fallbacks++;
                        why.add(code.fallbackReasons().get(imported + i));
                        continue;
                    }
                    for (String feature : features(module, Coverage.functionType(module, imported + i), bodies[i])) {
                        compiledUsing.merge(feature, 1, Integer::sum);
                    }
                }
            }
        }
        System.out.println("corpus: " + functions + " functions, " + fallbacks + " fell back (" + why + "); compiled ones using "
                + compiledUsing);
        assertThat(fallbacks).isZero();
        assertThat(compiledUsing).containsOnlyKeys("multi-value", "reference types", "table instructions",
                "passive segments");
        assertThat(compiledUsing.get("multi-value")).isGreaterThan(100);
        assertThat(compiledUsing.get("reference types")).isGreaterThan(200);
        assertThat(compiledUsing.get("table instructions")).isGreaterThan(10);
        assertThat(compiledUsing.get("passive segments")).isGreaterThan(10);
    }

    private static Set<String> features(WasmModule module, com.dylibso.chicory.wasm.types.FunctionType type,
            com.dylibso.chicory.wasm.types.FunctionBody body) {
        Set<String> found = new java.util.TreeSet<>();
        java.util.List<com.dylibso.chicory.wasm.types.ValType> values = new ArrayList<>(type.params());
        values.addAll(type.returns());
        values.addAll(body.localTypes());
        if (type.returns().size() > 1) {
            found.add("multi-value");
        }
        if (values.stream().anyMatch(com.dylibso.chicory.wasm.types.ValType::isReference)) {
            found.add("reference types");
        }
        for (var ins : body.instructions()) {
            String op = ins.opcode().name();
            if (op.startsWith("REF_") || op.equals("SELECT_T")) {
                found.add("reference types");
            } else if (op.startsWith("TABLE_") || op.equals("ELEM_DROP")) {
                found.add("table instructions");
            } else if (op.equals("MEMORY_INIT") || op.equals("DATA_DROP")) {
                found.add("passive segments");
            } else if ((op.equals("BLOCK") || op.equals("LOOP") || op.equals("IF"))
                    && !com.dylibso.chicory.wasm.types.ValType.isValid(ins.operand(0)) && ins.operand(0) != 0x40) {
                found.add("multi-value"); // a block type with parameters or several results
            } else if (op.equals("CALL") && Coverage.functionType(module, (int) ins.operand(0)).returns().size() > 1) {
                found.add("multi-value");
            }
        }
        return found;
    }

    /**
     * One module, for debugging: {@code -Djfaasm.diff.file=PATH [-Djfaasm.diff.script=EXPORTS]
     * [-Djfaasm.diff.splitBudget=N]} (N: split every function into methods of about N instructions).
     */
    @org.junit.jupiter.api.Test
    void one() {
        String file = System.getProperty("jfaasm.diff.file");
        org.junit.jupiter.api.Assumptions.assumeTrue(file != null, "set -Djfaasm.diff.file=PATH to run one module");
        Differential.Script script = Differential.Script.valueOf(System.getProperty("jfaasm.diff.script", "ENTRY"));
        WasmModule module = Differential.parse(read(Path.of(file)));
        String budget = System.getProperty("jfaasm.diff.splitBudget");
        // Functions the tier leaves run on the interpreter here, so that every difference is the tier's.
        JfaasmCode code = JfaasmCode.compile(module, Differential::reference, budget == null
                ? ModuleCompiler.Splitting.DEFAULT : new ModuleCompiler.Splitting(0, Integer.parseInt(budget)));
        Differential.Outcome expected = Differential.run(module, Differential.reference(), script);
        Differential.Outcome actual = Differential.run(module, code.machineFactory(), script);
        for (int i = 0; i < Math.max(expected.events().size(), actual.events().size()); i++) {
            System.out.println("ref " + (i < expected.events().size() ? expected.events().get(i) : "-"));
            System.out.println("jit " + (i < actual.events().size() ? actual.events().get(i) : "-"));
        }
        compare(expected, actual);
    }

    private static Stream<DynamicTest> dir(Path dir, Differential.Script script) throws IOException {
        return dir(dir, script, ModuleCompiler.Splitting.DEFAULT);
    }

    private static Stream<DynamicTest> dir(Path dir, Differential.Script script, ModuleCompiler.Splitting splitting)
            throws IOException {
        List<Path> files = new ArrayList<>();
        try (Stream<Path> s = Files.list(dir)) {
            s.filter(p -> p.toString().endsWith(".wasm")).sorted().forEach(files::add);
        }
        assertThat(files).isNotEmpty();
        return files.stream()
                .filter(p -> !SKIPPED.contains(p.getFileName().toString().replace(".wasm", "")))
                .map(p -> DynamicTest.dynamicTest(p.getFileName().toString(), () -> check(read(p), script,
                        !STACK_DEPTH_DEPENDENT.contains(p.getFileName().toString().replace(".wasm", "")), splitting)));
    }

    static byte[] read(Path p) {
        try {
            return Files.readAllBytes(p);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Runs both and fails with the first difference. Returns the tier's compile statistics. */
    static JfaasmCode check(byte[] wasm, Differential.Script script, boolean memory) {
        return check(wasm, script, memory, ModuleCompiler.Splitting.DEFAULT);
    }

    static JfaasmCode check(byte[] wasm, Differential.Script script, boolean memory, ModuleCompiler.Splitting splitting) {
        WasmModule module = Differential.parse(wasm);
        // Functions the tier leaves run on the interpreter here, so that every difference is the tier's.
        JfaasmCode code = JfaasmCode.compile(module, Differential::reference, splitting);
        Differential.Outcome expected = Differential.run(module, Differential.reference(), script);
        Differential.Outcome actual = Differential.run(module, code.machineFactory(), script);
        MODULES.incrementAndGet();
        FUNCTIONS.addAndGet(code.definedFunctions());
        COMPILED.addAndGet(code.compiledFunctions());
        if (!memory) {
            assertThat(actual.events()).containsExactlyElementsOf(expected.events());
            return code;
        }
        compare(expected, actual);
        return code;
    }

    static void compare(Differential.Outcome expected, Differential.Outcome actual) {
        for (int i = 0; i < Math.min(expected.events().size(), actual.events().size()); i++) {
            if (!expected.events().get(i).equals(actual.events().get(i))) {
                fail("event " + i + " differs:\n  interpreter: " + expected.events().get(i)
                        + "\n  jfaasm:      " + actual.events().get(i));
            }
        }
        assertThat(actual.events()).containsExactlyElementsOf(expected.events());
        assertThat(actual.memory().length).as("memory size").isEqualTo(expected.memory().length);
        for (int i = 0; i < expected.memory().length; i++) {
            if (expected.memory()[i] != actual.memory()[i]) {
                fail("memory differs first at byte " + i + ": interpreter " + expected.memory()[i]
                        + ", jfaasm " + actual.memory()[i]);
            }
        }
        assertThat(actual.globals()).as("globals").containsExactly(expected.globals());
    }

    @AfterAll
    static void summary() {
        System.out.println("differential: " + MODULES.get() + " modules, " + FUNCTIONS.get()
                + " functions, " + COMPILED.get() + " compiled by the tier (the rest fell back; here to the interpreter)");
    }
}
