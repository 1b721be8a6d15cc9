package io.jfaasm.experiments.baseline;

/** How an experiment runs its functions: JFaasm itself, or one of the paper's baselines. */
public enum Mode {
    /** One JFaasm host: Faaslets as threads, state in shared regions mapped by every Faaslet. */
    JFAASM("jfaasm"),
    /** One JFaasm host with shared regions off: each call a private copy of state (a container's view). */
    ISOLATED("isolated"),
    /** Every call in its own OS process (a JVM running the same wasm), state only through Redis. */
    PROCESS("process-per-function");

    private final String label;

    Mode(String label) {
        this.label = label;
    }

    /** The name in reports ({@code Measurement.system}). */
    public String label() {
        return label;
    }
}
