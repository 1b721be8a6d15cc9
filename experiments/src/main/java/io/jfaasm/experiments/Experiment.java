package io.jfaasm.experiments;

/**
 * One of the paper's experiments, runnable as {@code jfaasm bench NAME}. An experiment runs JFaasm
 * and its baselines in the same run and puts every figure, with its unit, into the {@link Report}.
 */
public interface Experiment {

    /** The name on the command line, e.g. {@code sgd}. */
    String name();

    /** One line for {@code jfaasm bench --help}. */
    String summary();

    /** Runs the experiment; {@code context.quick()} must finish in well under two minutes on 2 cores. */
    Report run(ExperimentContext context) throws Exception;
}
