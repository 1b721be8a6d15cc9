package io.jfaasm.experiments.inference;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * Open-loop load in process: requests are issued at a fixed rate whatever the system does, and each
 * is timed from when it was <em>meant</em> to start, so a stalled system shows as the latency of every
 * request scheduled during the stall (no coordinated omission; the approach of bench's HttpLoad and
 * wrk2). A fixed pool of worker threads serves the requests in order; a request waits in the queue
 * while all are busy, and that wait is part of its latency.
 *
 * <p>HttpLoad is a single-file program run from source ({@code java HttpLoad.java}) and so cannot
 * import this class; the two share the method, not code.
 */
public final class OpenLoop {
    /** Serves request {@code n} (0, 1, 2, ...); throws if it failed. */
    @FunctionalInterface
    public interface Target {
        void serve(long n) throws Exception;
    }

    /**
     * What one run at one rate found.
     *
     * @param rate       requests per second offered
     * @param measured   requests offered in the measured window
     * @param completed  of those, how many completed
     * @param failed     of those, how many failed
     * @param unfinished of those, how many had not completed by the drain deadline (their latency is
     *                   counted as the time to that deadline: a lower bound)
     * @param throughput completed measured requests per second, from the window's start to the last
     *                   completion (or the window's end, if later)
     * @param latencies  sorted latencies in nanoseconds, from the intended start
     */
    public record Result(double rate, long measured, long completed, long failed, long unfinished,
            double throughput, long[] latencies) {
        /** The latency at percentile {@code p} (0-100), in milliseconds. */
        public double percentileMillis(double p) {
            if (latencies.length == 0) {
                return Double.NaN;
            }
            int i = (int) Math.ceil(p / 100.0 * latencies.length) - 1;
            return latencies[Math.max(0, Math.min(latencies.length - 1, i))] / 1e6;
        }
    }

    private record Request(long n, long intended) {}

    private OpenLoop() {}

    /**
     * Offers {@code rate} requests per second for {@code warmup} (not measured) then {@code duration}
     * (measured), served by {@code workers} threads, and waits at most {@code drain} after the window
     * for the measured requests to finish.
     */
    public static Result run(double rate, Duration warmup, Duration duration, int workers, Duration drain,
            Target target) throws InterruptedException {
        long interval = (long) (1e9 / rate);
        long t0 = System.nanoTime() + 50_000_000L;
        long measureFrom = t0 + warmup.toNanos();
        long end = measureFrom + duration.toNanos();
        LinkedBlockingQueue<Request> queue = new LinkedBlockingQueue<>();
        AtomicLong completed = new AtomicLong();
        AtomicLong failed = new AtomicLong();
        AtomicLong lastCompletion = new AtomicLong(end);
        long[][] latencies = new long[workers][];
        int[] counts = new int[workers];
        int capacity = (int) Math.min(Integer.MAX_VALUE - 8, rate * duration.toNanos() / 1e9 + 16);
        AtomicBoolean stop = new AtomicBoolean();
        List<Thread> threads = new ArrayList<>();
        for (int w = 0; w < workers; w++) {
            int id = w;
            latencies[id] = new long[capacity];
            threads.add(Thread.ofPlatform().name("open-loop-" + w).daemon().start(() -> {
                while (!stop.get()) {
                    Request r;
                    try {
                        r = queue.poll(20, TimeUnit.MILLISECONDS);
                    } catch (InterruptedException e) {
                        return;
                    }
                    if (r == null || stop.get()) {
                        continue;
                    }
                    boolean ok;
                    try {
                        target.serve(r.n());
                        ok = true;
                    } catch (Exception e) {
                        ok = false;
                    }
                    long done = System.nanoTime();
                    if (r.intended() >= measureFrom && r.intended() < end) {
                        if (ok) {
                            latencies[id][counts[id]++] = done - r.intended();
                            completed.incrementAndGet();
                            lastCompletion.accumulateAndGet(done, Math::max);
                        } else {
                            failed.incrementAndGet();
                        }
                    }
                }
            }));
        }
        long measured = 0;
        for (long n = 0; ; n++) {
            long intended = t0 + n * interval;
            if (intended >= end) {
                break;
            }
            for (long now = System.nanoTime(); now < intended; now = System.nanoTime()) {
                LockSupport.parkNanos(intended - now);
            }
            queue.add(new Request(n, intended));
            if (intended >= measureFrom) {
                measured++;
            }
        }
        long deadline = end + drain.toNanos();
        while (completed.get() + failed.get() < measured && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        long cutoff = System.nanoTime();
        stop.set(true);
        for (Thread t : threads) {
            t.join(); // a worker in the middle of a request finishes it; the rest of the queue is dropped
        }
        long unfinished = measured - completed.get() - failed.get();
        List<Request> left = new ArrayList<>(queue);
        int total = Arrays.stream(counts).sum();
        long[] all = new long[total + (int) Math.max(0, unfinished)];
        int at = 0;
        for (int w = 0; w < workers; w++) {
            System.arraycopy(latencies[w], 0, all, at, counts[w]);
            at += counts[w];
        }
        // unfinished requests, whether still queued or being served at the cutoff: at least this late
        for (Request r : left) {
            if (at < all.length && r.intended() >= measureFrom) {
                all[at++] = cutoff - r.intended();
            }
        }
        while (at < all.length) {
            all[at++] = cutoff - end;
        }
        Arrays.sort(all);
        double seconds = (Math.max(lastCompletion.get(), end) - measureFrom) / 1e9;
        return new Result(rate, measured, completed.get(), failed.get(), unfinished, completed.get() / seconds, all);
    }
}
