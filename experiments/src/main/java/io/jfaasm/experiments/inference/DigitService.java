package io.jfaasm.experiments.inference;

/** Classifies digits under load: one system of the serving experiment. */
interface DigitService extends AutoCloseable {
    /** The name in reports ({@code Measurement.system}). */
    String system();

    /**
     * Classifies one digit; {@code cold} forces a new Faaslet or process for this call instead of a
     * warm one. Throws when the call failed.
     */
    int classify(byte[] pixels, boolean cold) throws Exception;
}
