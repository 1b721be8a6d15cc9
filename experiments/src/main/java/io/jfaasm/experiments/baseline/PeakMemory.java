package io.jfaasm.experiments.baseline;

import java.util.List;

/**
 * Samples the memory of every descendant process of this JVM (the processes an experiment
 * started, and theirs) and keeps the peak of their sum: the peak memory of a run, whatever mode
 * it runs in. Sampling every {@code periodMs} misses peaks shorter than that.
 */
public final class PeakMemory implements AutoCloseable {
    private final long periodMs;
    private final Thread sampler;
    private volatile boolean running = true;
    private volatile long peakPssKb;
    private volatile long peakRssKb;
    private volatile int peakProcesses;

    public PeakMemory(long periodMs) {
        this.periodMs = periodMs;
        this.sampler = Thread.ofPlatform().daemon().name("peak-memory").start(this::sample);
    }

    private void sample() {
        while (running) {
            List<ProcessHandle> ps = ProcessHandle.current().descendants().toList();
            ProcessMemory sum = ProcessMemory.NONE;
            for (ProcessHandle p : ps) {
                sum = sum.plus(ProcessMemory.of(p.pid()));
            }
            peakPssKb = Math.max(peakPssKb, sum.pssKb());
            peakRssKb = Math.max(peakRssKb, sum.rssKb());
            peakProcesses = Math.max(peakProcesses, ps.size());
            try {
                Thread.sleep(periodMs);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    public long peakPssKb() {
        return peakPssKb;
    }

    public long peakRssKb() {
        return peakRssKb;
    }

    /** The most processes alive at one sample. */
    public int peakProcesses() {
        return peakProcesses;
    }

    @Override
    public void close() {
        running = false;
        sampler.interrupt();
        try {
            sampler.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
