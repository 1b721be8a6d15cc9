package io.jfaasm.experiments.inference;

import io.jfaasm.experiments.Experiment;
import io.jfaasm.experiments.ExperimentContext;
import io.jfaasm.experiments.Report;

public final class InferenceExperiment implements Experiment {
    public static final int TRAIN_DIGITS = 8000;
    public static final int EPOCHS = 3;
    public String name() { return "inference"; }
    public String summary() { return ""; }
    public Report run(ExperimentContext c) { return new Report("inference"); }
}
