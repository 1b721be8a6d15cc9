package io.jfaasm.runtime.compiler;

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

    private Vec() {}

    public static DoubleVector load(VectorSpecies<Double> lanes, long at) {
        return DoubleVector.fromMemorySegment(lanes, Mem.ALL, at, ByteOrder.LITTLE_ENDIAN);
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
