package io.jfaasm.runtime.wasm;

import java.util.Locale;

/** Which code runs wasm functions. */
public enum Engine {
    /** JFaasm's own compiler tier (io.jfaasm.runtime.compiler), Chicory's compiler per function for the rest. */
    JFAASM("jfaasm"),
    /** Chicory's wasm-to-JVM-bytecode compiler. */
    CHICORY_COMPILER("chicory-compiler"),
    /** Chicory's interpreter: the reference, 25-200x slower; for debugging and comparison. */
    CHICORY_INTERPRETER("chicory-interpreter");

    private final String id;

    Engine(String id) {
        this.id = id;
    }

    public String id() {
        return id;
    }

    /**
     * The default: the system property {@code jfaasm.engine} when set, else JFaasm's tier (it passes
     * the differential tests and the runtime, cluster and server test suites).
     */
    public static Engine defaultEngine() {
        String p = System.getProperty("jfaasm.engine");
        return p == null || p.isBlank() ? JFAASM : parse(p);
    }

    public static Engine parse(String s) {
        for (Engine e : values()) {
            if (e.id.equals(s.trim().toLowerCase(Locale.ROOT))) {
                return e;
            }
        }
        throw new IllegalArgumentException("unknown engine '" + s
                + "': use jfaasm, chicory-compiler or chicory-interpreter");
    }

    @Override
    public String toString() {
        return id;
    }
}
