package io.jfaasm.experiments;

/** How far a long phase of an experiment is; the CLI draws it as a progress bar. */
public interface Progress {

    /** Starts a phase of {@code total} steps (0 if unknown). */
    void phase(String name, long total);

    /** {@code steps} more steps of the current phase are done. */
    void advance(long steps);

    /** Reports nothing: for tests and embedded runs. */
    Progress NONE = new Progress() {
        @Override public void phase(String name, long total) {}
        @Override public void advance(long steps) {}
    };
}
