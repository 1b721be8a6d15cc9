package io.jfaasm.runtime.compiler;

import java.util.concurrent.atomic.AtomicLong;

/**
 * What the tier did with the modules this JVM loaded, for metrics: functions it compiled, and
 * functions it left to Chicory's compiler (each load is also logged with the reasons).
 */
public final class TierStats {
    private static final AtomicLong COMPILED = new AtomicLong();
    private static final AtomicLong FALLBACK = new AtomicLong();

    private TierStats() {}

    static void loaded(JfaasmCode code) {
        COMPILED.addAndGet(code.compiledFunctions());
        FALLBACK.addAndGet(code.fallbackReasons().size());
    }

    /** Functions of loaded modules that run on the tier. */
    public static long compiledFunctions() {
        return COMPILED.get();
    }

    /** Functions of loaded modules left to Chicory's compiler. */
    public static long fallbackFunctions() {
        return FALLBACK.get();
    }
}
