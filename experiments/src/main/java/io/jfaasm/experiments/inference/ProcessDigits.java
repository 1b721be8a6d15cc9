package io.jfaasm.experiments.inference;

import io.jfaasm.experiments.baseline.Mode;
import io.jfaasm.experiments.baseline.ServingProcesses;

/**
 * The process-per-function baseline serving the classifier: warm processes, each with its own copy
 * of the weights pulled from Redis by its zygote; a cold call starts a new process that loads them.
 */
final class ProcessDigits implements DigitService {
    private final ServingProcesses processes;

    ProcessDigits(ServingProcesses processes) {
        this.processes = processes;
    }

    @Override
    public String system() {
        return Mode.PROCESS.label();
    }

    @Override
    public int classify(byte[] pixels, boolean cold) throws Exception {
        return DigitClassifier.digitOf(processes.call(pixels, cold));
    }

    @Override
    public void close() {
        processes.close();
    }
}
