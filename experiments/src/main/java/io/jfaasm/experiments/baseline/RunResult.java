package io.jfaasm.experiments.baseline;

/**
 * One run of a function in one mode.
 *
 * @param call          what the top call returned, its time inside its process, and the traffic
 *                      through the global tier of every process of the run
 * @param peakPssKb     peak of PSS summed over all processes of the run (sampled), KiB
 * @param peakRssKb     peak of RSS summed the same way, KiB (counts shared pages once per process)
 * @param peakProcesses most processes alive at once
 */
public record RunResult(Mode mode, ChildResult call, long peakPssKb, long peakRssKb, int peakProcesses) {}
