package io.jfaasm.runtime.wasm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import io.jfaasm.runtime.FaasletHost;
import io.jfaasm.runtime.faaslet.CallRequest;
import io.jfaasm.runtime.faaslet.CallResult;
import io.jfaasm.runtime.faaslet.Failure;
import io.jfaasm.runtime.faaslet.FunctionLimits;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.EdgeCasesMode;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.RandomDistribution;
import net.jqwik.api.Tuple;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;
import net.jqwik.api.statistics.Statistics;

/**
 * Hostile bytes at the loader: {@link WasmEngine#load} must either return a module or throw an
 * {@link InvalidModuleException}, in bounded time, whatever it is given. Anything else (another
 * exception, an Error such as OutOfMemoryError or StackOverflowError, a hang) fails the property.
 * Mutants that do load are then called once under tight limits: a hostile-but-valid module may
 * fail its call, but the call must come back as a {@link CallResult} that is not a host fault.
 *
 * <p>A failing input is written to {@code target/fuzz-failures/SHA256.wasm}; keep the interesting
 * ones as regression modules under src/test/resources/modules/regressions/ (replayed by
 * {@link #regressionInputsBehave}).
 */
class LoaderFuzzTest {
    /** Per load: generous, as a cold JIT on a busy 2-core machine compiles a 36 KiB module slowly. */
    private static final Duration LOAD_BOUND = Duration.ofSeconds(10);
    private static final FunctionLimits CALL_LIMITS = FunctionLimits.DEFAULTS
            .withTimeout(Duration.ofSeconds(1))
            .withMaxMemoryBytes(16L * 1024 * 1024);
    /** Per call: its 1 s timeout, the host's unwind grace, and slack. */
    private static final Duration CALL_BOUND = Duration.ofSeconds(15);
    private static final byte[] HEADER = {0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00};

    /** The valid modules the mutants are made from, by name. */
    private static final Map<String, byte[]> SEEDS = seeds();

    private static FaasletHost host;

    @BeforeContainer
    static void startHost() {
        host = FaasletHost.create(FaasletHost.Config.defaults());
    }

    @AfterContainer
    static void stopHost() {
        if (host != null) {
            host.close();
        }
    }

    private static Map<String, byte[]> seeds() {
        Map<String, byte[]> out = new LinkedHashMap<>();
        out.put("minimal_command", TestModules.resource("minimal_command"));
        for (Path p : TestModules.exampleFiles()) {
            out.put(TestModules.nameOf(p), TestModules.read(p));
        }
        return out;
    }

    // ---- properties ---------------------------------------------------------------------------

    @Property(tries = 1000)
    void randomBytesAreRefusedCleanly(@ForAll("randomBytes") byte[] bytes) {
        loadsOrRefuses(bytes, "random");
    }

    @Property(tries = 1000)
    void randomBytesAfterAValidHeaderAreRefusedCleanly(@ForAll("afterHeader") byte[] bytes) {
        loadsOrRefuses(bytes, "after-header");
    }

    /** Well-framed sections (id, correct size) of random content: gets past the truncation check. */
    @Property(tries = 1000)
    void randomWellFramedSectionsAreRefusedCleanly(@ForAll("framedSections") byte[] bytes) {
        loadsOrRefuses(bytes, "framed");
    }

    @Property(tries = 1000, edgeCases = EdgeCasesMode.NONE)
    void mutatedExamplesLoadOrAreRefusedAndNeverCrashTheHost(@ForAll("mutants") Mutant mutant) {
        byte[] bytes = mutant.bytes();
        CompiledModule m = loadsOrRefuses(bytes, "mutant of " + mutant.seed());
        if (m != null) {
            callsBackWithAResult(m, bytes);
        }
    }

    /**
     * One changed byte, framing intact: the mutants most likely to still validate, so most of the
     * hostile-but-valid modules (other constants, offsets, sizes, data) come from here.
     */
    @Property(tries = 500, edgeCases = EdgeCasesMode.NONE)
    void pointMutantsThatLoadNeverCrashTheHost(@ForAll("pointMutants") Mutant mutant) {
        byte[] bytes = mutant.bytes();
        CompiledModule m = loadsOrRefuses(bytes, "point mutant of " + mutant.seed());
        if (m != null) {
            callsBackWithAResult(m, bytes);
        }
    }

    /** Inputs that once broke the loader or a call, kept as files; each must now behave. */
    @Example
    void regressionInputsBehave() throws IOException {
        Path dir = regressionDir();
        if (dir == null) {
            return;
        }
        try (var files = Files.list(dir)) {
            for (Path p : files.filter(f -> f.toString().endsWith(".wasm")).sorted().toList()) {
                byte[] bytes = Files.readAllBytes(p);
                CompiledModule m = loadsOrRefuses(bytes, "regression " + p.getFileName());
                if (m != null) {
                    callsBackWithAResult(m, bytes);
                }
            }
        }
    }

    // ---- the checks ---------------------------------------------------------------------------

    /** The module, or null when refused with an InvalidModuleException; fails on anything else. */
    private static CompiledModule loadsOrRefuses(byte[] bytes, String what) {
        Object outcome = within(LOAD_BOUND, bytes, "load of " + what, () -> {
            try {
                return host.engine().load(bytes);
            } catch (Throwable t) { // judged below, on the test thread
                return t;
            }
        });
        if (outcome instanceof InvalidModuleException e) {
            assertThat(e.problem()).isNotNull();
            assertThat(e.getMessage()).isNotBlank();
            Statistics.label("outcome").collect(e.problem().name());
            return null;
        }
        if (outcome instanceof Throwable t) {
            throw new AssertionError(saved(bytes, "load of " + what + " threw " + t
                    + " instead of an InvalidModuleException"), t);
        }
        CompiledModule m = (CompiledModule) outcome;
        Statistics.label("outcome").collect("LOADED");
        assertThat(m.sha256()).hasSize(64);
        assertThat(m.entryPoint()).isNotNull();
        return m;
    }

    private static void callsBackWithAResult(CompiledModule m, byte[] bytes) {
        CallResult r = within(CALL_BOUND, bytes, "call", () -> host.call(m,
                CallRequest.of("fuzz".getBytes(StandardCharsets.UTF_8)).withSinks(
                        new ByteArrayOutputStream(), new ByteArrayOutputStream()), CALL_LIMITS));
        if (r == null) {
            fail(saved(bytes, "call returned null"));
        }
        if (r.failure() != null && r.failure().kind() == Failure.Kind.INTERNAL) {
            fail(saved(bytes, "host fault in the call: " + r.failure()));
        }
        Statistics.label("call").collect(r.failure() == null ? "COMPLETED" : r.failure().kind().name());
        if (r.failure() != null && r.failure().message().contains("did not stop")) {
            fail(saved(bytes, "the guest could not be stopped at its deadline: " + r.failure()));
        }
    }

    /**
     * Runs the task on a thread of its own (a large stack, like the host's call threads) and
     * waits at most {@code bound}; a timeout, an exception or an Error fails with the input saved.
     */
    private static <T> T within(Duration bound, byte[] bytes, String what, Callable<T> task) {
        FutureTask<T> future = new FutureTask<>(task);
        Thread t = new Thread(null, future, "fuzz-" + what, 16L * 1024 * 1024);
        t.setDaemon(true);
        t.start();
        try {
            return future.get(bound.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            future.cancel(true);
            throw new AssertionError(saved(bytes, what + " did not finish within " + bound
                    + "\n" + stack(t)));
        } catch (ExecutionException e) {
            throw new AssertionError(saved(bytes, what + " threw " + e.getCause()), e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }

    private static String stack(Thread t) {
        StringBuilder sb = new StringBuilder();
        StackTraceElement[] trace = t.getStackTrace();
        for (int i = 0; i < Math.min(trace.length, 25); i++) {
            sb.append("\tat ").append(trace[i]).append('\n');
        }
        return sb.toString();
    }

    /** Writes the input under target/fuzz-failures and returns the message naming it. */
    private static String saved(byte[] bytes, String message) {
        try {
            Path dir = Path.of("target", "fuzz-failures");
            Files.createDirectories(dir);
            Path file = dir.resolve(sha256(bytes) + ".wasm");
            Files.write(file, bytes);
            return message + " (input of " + bytes.length + " bytes saved to " + file.toAbsolutePath() + ")";
        } catch (IOException e) {
            return message + " (input not saved: " + e + ")";
        }
    }

    private static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Path regressionDir() {
        var url = LoaderFuzzTest.class.getResource("/modules/regressions");
        if (url == null) {
            return null;
        }
        try {
            return Path.of(url.toURI());
        } catch (java.net.URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    // ---- generators ---------------------------------------------------------------------------

    @Provide
    Arbitrary<byte[]> randomBytes() {
        return Arbitraries.bytes().array(byte[].class).ofMaxSize(2048);
    }

    @Provide
    Arbitrary<byte[]> afterHeader() {
        return Arbitraries.bytes().array(byte[].class).ofMaxSize(2048).map(tail -> concat(HEADER, tail));
    }

    @Provide
    Arbitrary<byte[]> framedSections() {
        Arbitrary<byte[]> section = Combinators.combine(
                        Arbitraries.frequency(Tuple.of(9, Arbitraries.integers().between(0, 13)),
                                Tuple.of(1, Arbitraries.integers().between(0, 255))).flatMap(a -> a),
                        Arbitraries.bytes().array(byte[].class).ofMaxSize(256))
                .as(LoaderFuzzTest::section);
        return section.list().ofMaxSize(12).map(sections -> {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            out.writeBytes(HEADER);
            sections.forEach(out::writeBytes);
            return out.toByteArray();
        });
    }

    /** A mutated copy of one seed module. */
    record Mutant(String seed, List<Mutation> mutations, byte[] bytes) {
        @Override
        public String toString() {
            return "Mutant[" + seed + " " + mutations + ", " + bytes.length + " bytes]";
        }
    }

    @Provide
    Arbitrary<Mutant> mutants() {
        Arbitrary<String> seed = Arbitraries.of(List.copyOf(SEEDS.keySet()));
        return Combinators.combine(seed, mutation().list().ofMinSize(1).ofMaxSize(3)
                        .withSizeDistribution(RandomDistribution.biased()))
                .as((s, ms) -> {
                    byte[] b = SEEDS.get(s).clone();
                    for (Mutation m : ms) {
                        b = m.apply(b);
                    }
                    return new Mutant(s, ms, b);
                });
    }

    @Provide
    Arbitrary<Mutant> pointMutants() {
        Arbitrary<String> seed = Arbitraries.of(List.copyOf(SEEDS.keySet()));
        Arbitrary<Double> at = Arbitraries.doubles().between(0, 1).ofScale(6);
        Arbitrary<Mutation> point = Arbitraries.oneOf(
                Combinators.combine(at, Arbitraries.integers().between(0, 7)).as(Flip::new),
                Combinators.combine(at, boundaryByte()).as(Set::new));
        return Combinators.combine(seed, point).as((s, m) -> new Mutant(s, List.of(m), m.apply(SEEDS.get(s))));
    }

    private static Arbitrary<Byte> boundaryByte() {
        return Arbitraries.frequencyOf(
                Tuple.of(3, Arbitraries.of((byte) 0x00, (byte) 0x01, (byte) 0x7f, (byte) 0x80,
                        (byte) 0xff, (byte) 0x40, (byte) 0x0b, (byte) 0xfd, (byte) 0xfc)),
                Tuple.of(1, Arbitraries.bytes()));
    }

    /** One edit of a module's bytes; positions are fractions of the current length. */
    sealed interface Mutation {
        byte[] apply(byte[] in);
    }

    /** Flips one bit: most of these keep the section framing and change one field or instruction. */
    record Flip(double at, int bit) implements Mutation {
        public byte[] apply(byte[] in) {
            if (in.length == 0) {
                return in;
            }
            byte[] out = in.clone();
            out[bodyIndex(at, in.length)] ^= (byte) (1 << bit);
            return out;
        }
    }

    /** Sets one byte to a boundary value (0, 0x7f, 0x80, 0xff, ...): counts, LEB128 ends, opcodes. */
    record Set(double at, byte value) implements Mutation {
        public byte[] apply(byte[] in) {
            if (in.length == 0) {
                return in;
            }
            byte[] out = in.clone();
            out[bodyIndex(at, in.length)] = value;
            return out;
        }
    }

    record Insert(double at, byte[] bytes) implements Mutation {
        public byte[] apply(byte[] in) {
            int i = bodyIndex(at, in.length + 1);
            return concat(Arrays.copyOf(in, i), bytes, Arrays.copyOfRange(in, i, in.length));
        }

        @Override
        public String toString() {
            return "Insert[at=" + at + ", bytes=" + HexFormat.of().formatHex(bytes) + "]";
        }
    }

    record Delete(double at, int length) implements Mutation {
        public byte[] apply(byte[] in) {
            int i = bodyIndex(at, in.length + 1);
            int end = Math.min(in.length, i + length);
            return concat(Arrays.copyOf(in, i), Arrays.copyOfRange(in, end, in.length));
        }
    }

    record Truncate(double at) implements Mutation {
        public byte[] apply(byte[] in) {
            return Arrays.copyOf(in, bodyIndex(at, in.length + 1));
        }
    }

    /** The start of this module up to a point, then another seed from a point on. */
    record Splice(double at, String other, double otherAt) implements Mutation {
        public byte[] apply(byte[] in) {
            byte[] o = SEEDS.get(other);
            return concat(Arrays.copyOf(in, bodyIndex(at, in.length + 1)),
                    Arrays.copyOfRange(o, bodyIndex(otherAt, o.length + 1), o.length));
        }
    }

    /** A whole section of another seed in place of one of this module's. */
    record SwapSection(double which, String other, double otherWhich) implements Mutation {
        public byte[] apply(byte[] in) {
            List<byte[]> mine = sections(in);
            List<byte[]> theirs = sections(SEEDS.get(other));
            if (mine == null || mine.isEmpty() || theirs == null || theirs.isEmpty()) {
                return in;
            }
            mine.set(index(which, mine.size()), theirs.get(index(otherWhich, theirs.size())));
            return assemble(mine);
        }
    }

    /**
     * Edits inside one section's payload and rewrites that section's size, so the framing stays
     * right and the edit reaches the section's decoder instead of the truncation check.
     */
    record EditInSection(double which, double at, byte[] insert, int delete) implements Mutation {
        public byte[] apply(byte[] in) {
            List<byte[]> secs = sections(in);
            if (secs == null || secs.isEmpty()) {
                return in;
            }
            int s = index(which, secs.size());
            byte[] sec = secs.get(s);
            int id = sec[0] & 0xFF;
            byte[] payload = payload(sec);
            int i = index(at, payload.length + 1);
            int end = Math.min(payload.length, i + delete);
            byte[] edited = concat(Arrays.copyOf(payload, i), insert, Arrays.copyOfRange(payload, end, payload.length));
            secs.set(s, section(id, edited));
            return assemble(secs);
        }

        @Override
        public String toString() {
            return "EditInSection[which=" + which + ", at=" + at + ", insert="
                    + HexFormat.of().formatHex(insert) + ", delete=" + delete + "]";
        }
    }

    private static Arbitrary<Mutation> mutation() {
        Arbitrary<Double> at = Arbitraries.doubles().between(0, 1).ofScale(6);
        Arbitrary<String> other = Arbitraries.of(List.copyOf(SEEDS.keySet()));
        Arbitrary<Byte> boundary = boundaryByte();
        Arbitrary<byte[]> chunk = Arbitraries.bytes().array(byte[].class).ofMinSize(1).ofMaxSize(16);
        return Arbitraries.frequencyOf(
                Tuple.of(8, Combinators.combine(at, Arbitraries.integers().between(0, 7)).as(Flip::new)),
                Tuple.of(4, Combinators.combine(at, boundary).as(Set::new)),
                Tuple.of(1, Combinators.combine(at, chunk).as(Insert::new)),
                Tuple.of(1, Combinators.combine(at, Arbitraries.integers().between(1, 64)).as(Delete::new)),
                Tuple.of(1, at.map(Truncate::new)),
                Tuple.of(1, Combinators.combine(at, other, at).as(Splice::new)),
                Tuple.of(2, Combinators.combine(at, other, at).as(SwapSection::new)),
                Tuple.of(4, Combinators.combine(at, at, chunk.injectNull(0.5), Arbitraries.integers().between(0, 8))
                        .as((w, a, c, d) -> new EditInSection(w, a, c == null ? new byte[0] : c, d))));
    }

    // ---- bytes --------------------------------------------------------------------------------

    private static int index(double fraction, int length) {
        return Math.min(length - 1, Math.max(0, (int) (fraction * length)));
    }

    /**
     * An index past the 8-byte header (when there is more than a header): the other properties
     * cover broken headers, and a mutant with one is refused before anything interesting runs.
     */
    private static int bodyIndex(double fraction, int length) {
        if (length <= HEADER.length) {
            return index(fraction, length);
        }
        return HEADER.length + index(fraction, length - HEADER.length);
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }

    private static byte[] section(int id, byte[] payload) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(id);
        int n = payload.length;
        do {
            int b = n & 0x7f;
            n >>>= 7;
            out.write(n != 0 ? b | 0x80 : b);
        } while (n != 0);
        out.writeBytes(payload);
        return out.toByteArray();
    }

    /** The sections of a module (id, size and payload each), or null when its framing is broken. */
    private static List<byte[]> sections(byte[] wasm) {
        if (wasm.length < 8) {
            return null;
        }
        List<byte[]> out = new ArrayList<>();
        int pos = 8;
        while (pos < wasm.length) {
            int start = pos++;
            long size = 0;
            int shift = 0;
            while (true) {
                if (pos >= wasm.length || shift > 28) {
                    return null;
                }
                int b = wasm[pos++] & 0xFF;
                size |= (long) (b & 0x7F) << shift;
                shift += 7;
                if ((b & 0x80) == 0) {
                    break;
                }
            }
            if (pos + size > wasm.length) {
                return null;
            }
            pos += (int) size;
            out.add(Arrays.copyOfRange(wasm, start, pos));
        }
        return out;
    }

    private static byte[] payload(byte[] section) {
        int pos = 1;
        while ((section[pos] & 0x80) != 0) {
            pos++;
        }
        return Arrays.copyOfRange(section, pos + 1, section.length);
    }

    private static byte[] assemble(List<byte[]> sections) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(HEADER);
        sections.forEach(out::writeBytes);
        return out.toByteArray();
    }
}
