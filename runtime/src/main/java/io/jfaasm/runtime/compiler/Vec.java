package io.jfaasm.runtime.compiler;

import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * The f64 operations of vectorised loops (see {@link VectorPlan}), through the Vector API.
 * Loaded only when the JVM was started with {@code --add-modules jdk.incubator.vector}
 * ({@link VectorPlan#AVAILABLE} is checked without loading this class). Each lane computes what one scalar
 * statement of the loop did, with the same IEEE operation, so results are bit for bit the same.
 * Addresses are proven in bounds before the loop runs (see FunctionCompiler#outline); the accesses
 * go through {@link Mem#ALL}, whose own check C2 drops as for the scalar accesses.
 */
public final class Vec {
    /** Two lanes: a pair of statements; four: the pairs of two iterations (VectorPlan#wide). */
    public static final VectorSpecies<Double> PAIR = DoubleVector.SPECIES_128;
    public static final VectorSpecies<Double> QUAD = DoubleVector.SPECIES_256;

    private static final ValueLayout.OfDouble F64 = ValueLayout.JAVA_DOUBLE_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    private Vec() {}

    /**
     * Thrown where a group of an outer vector loop cannot run as vector code (see
     * {@link OuterVectorMethod}); caught in the same method, which hands the rest to the scalar loop.
     */
    public static final class Stop extends RuntimeException {
        private Stop() {
            super(null, null, false, false);
        }
    }

    private static final Stop STOP = new Stop();

    /** {@code at}, or a {@link Stop} where {@code width} bytes from it are not below {@code limit}. */
    public static long within(long at, long width, long limit) {
        if (at + width > limit) {
            throw STOP;
        }
        return at;
    }

    /** A {@link Stop} where the loads seen, {@code [lo, hi)}, overlap {@code width} bytes from {@code at}. */
    public static void apart(long at, long width, long lo, long hi) {
        if (lo < at + width && hi > at) {
            throw STOP;
        }
    }

    /**
     * Runs each operation once on memory of its own: the Vector API's classes initialise and link
     * (about 60 ms in a fresh JVM) when the first module with vector code loads
     * (ModuleCompiler#load, once per JVM), instead of in a first call's loop.
     */
    static void warmUp() {
        try (java.lang.foreign.Arena arena = java.lang.foreign.Arena.ofConfined()) {
            long at = arena.allocate(64, 32).address();
            DoubleVector four = sqrt(div(mul(add(load4(at), broadcast4(at)), broadcast4(2.0)), broadcast4(3.0)));
            store(sub(four, load(QUAD, at)), at);
            store(add(load(PAIR, at), broadcast(PAIR, 1.0)), at + 32);
            within(at, 8, at + 8);
            apart(at, 32, 0, 0);
        }
    }

    public static DoubleVector load(VectorSpecies<Double> lanes, long at) {
        return DoubleVector.fromMemorySegment(lanes, Mem.ALL, at, ByteOrder.LITTLE_ENDIAN);
    }

    /** Four lanes from {@code at} (outer vector loops: {@link OuterVectorPlan}). */
    public static DoubleVector load4(long at) {
        return load(QUAD, at);
    }

    /** Four lanes of the f64 at {@code at}. */
    public static DoubleVector broadcast4(long at) {
        return DoubleVector.broadcast(QUAD, Mem.ALL.get(F64, at));
    }

    public static DoubleVector broadcast4(double x) {
        return DoubleVector.broadcast(QUAD, x);
    }

    /** The last lane of {@code previous}, then the first three of {@code v}. */
    public static DoubleVector following(DoubleVector previous, DoubleVector v) {
        return previous.slice(3, v);
    }

    /** The last of four lanes. */
    public static double last(DoubleVector v) {
        return v.lane(3);
    }

    public static void store(DoubleVector v, long at) {
        v.intoMemorySegment(Mem.ALL, at, ByteOrder.LITTLE_ENDIAN);
    }

    public static DoubleVector broadcast(VectorSpecies<Double> lanes, double x) {
        return DoubleVector.broadcast(lanes, x);
    }

    public static DoubleVector add(DoubleVector a, DoubleVector b) {
        return a.add(b);
    }

    public static DoubleVector sub(DoubleVector a, DoubleVector b) {
        return a.sub(b);
    }

    public static DoubleVector mul(DoubleVector a, DoubleVector b) {
        return a.mul(b);
    }

    public static DoubleVector div(DoubleVector a, DoubleVector b) {
        return a.div(b);
    }

    public static DoubleVector sqrt(DoubleVector a) {
        return a.lanewise(VectorOperators.SQRT);
    }
}
