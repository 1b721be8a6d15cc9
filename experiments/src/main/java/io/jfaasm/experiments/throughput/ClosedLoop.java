package io.jfaasm.experiments.throughput;

import io.jfaasm.experiments.Progress;
import io.jfaasm.experiments.stats.Sample;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A closed-loop load: each of T client threads makes a call, waits for it, and makes the next,
 * for a warm-up and then a measured period. Latency is each call's wall time; throughput is the
 * calls completed in the measured period over its length.
 */
final class ClosedLoop {

    /** What one client thread calls; {@code client} is the thread's index (for per-client resources). */
    interface Call {
        void call(int client) throws Exception;
    }

    record Result(long calls, double seconds, Sample latencyNanos) {
        double callsPerSecond() {
            return calls / seconds;
        }
    }

    private ClosedLoop() {}

    static Result run(int clients, double warmupSeconds, double seconds, Call call, Progress progress, String phase)
            throws Exception {
        long warmupEnd = System.nanoTime() + (long) (warmupSeconds * 1e9);
        long end = warmupEnd + (long) (seconds * 1e9);
        List<long[]> latencies = new ArrayList<>();
        int[] counts = new int[clients];
        AtomicLong errors = new AtomicLong();
        List<Exception> failures = java.util.Collections.synchronizedList(new ArrayList<>());
        progress.phase(phase, (long) Math.ceil(warmupSeconds + seconds));
        List<Thread> threads = new ArrayList<>();
        for (int c = 0; c < clients; c++) {
            latencies.add(new long[1024]);
            int client = c;
            threads.add(Thread.ofPlatform().name("load-" + c).start(() -> {
                long[] lat = latencies.get(client);
                int n = 0;
                try {
                    while (true) {
                        long s = System.nanoTime();
                        if (s >= end) {
                            break;
                        }
                        call.call(client);
                        long e = System.nanoTime();
                        if (s >= warmupEnd && e <= end) {
                            if (n == lat.length) {
                                lat = Arrays.copyOf(lat, n * 2);
                            }
                            lat[n++] = e - s;
                        }
                    }
                } catch (Exception e) {
                    errors.incrementAndGet();
                    failures.add(e);
                }
                latencies.set(client, Arrays.copyOf(lat, n));
                counts[client] = n;
            }));
        }
        long lastTick = System.nanoTime();
        for (Thread t : threads) {
            while (t.isAlive()) {
                t.join(200);
                long now = System.nanoTime();
                if (now - lastTick >= 1_000_000_000L) {
                    progress.advance((now - lastTick) / 1_000_000_000L);
                    lastTick += (now - lastTick) / 1_000_000_000L * 1_000_000_000L;
                }
            }
        }
        if (!failures.isEmpty()) {
            throw new IllegalStateException(errors.get() + " client(s) failed", failures.getFirst());
        }
        long[] all = latencies.stream().flatMapToLong(Arrays::stream).toArray();
        if (all.length == 0) {
            throw new IllegalStateException(phase + ": no call completed within the measured " + seconds + " s");
        }
        return new Result(all.length, seconds, Sample.of(all));
    }

    /**
     * For calls too slow to fit a fixed period (a process per call): each client makes
     * {@code callsPerClient} calls; throughput is all calls over the wall time until the last ends.
     */
    static Result runCalls(int clients, int callsPerClient, Call call, Progress progress, String phase)
            throws Exception {
        progress.phase(phase, (long) clients * callsPerClient);
        long[][] lat = new long[clients][callsPerClient];
        List<Exception> failures = java.util.Collections.synchronizedList(new ArrayList<>());
        long start = System.nanoTime();
        List<Thread> threads = new ArrayList<>();
        for (int c = 0; c < clients; c++) {
            int client = c;
            threads.add(Thread.ofPlatform().name("load-" + c).start(() -> {
                try {
                    for (int i = 0; i < callsPerClient; i++) {
                        long s = System.nanoTime();
                        call.call(client);
                        lat[client][i] = System.nanoTime() - s;
                        progress.advance(1);
                    }
                } catch (Exception e) {
                    failures.add(e);
                }
            }));
        }
        for (Thread t : threads) {
            t.join();
        }
        if (!failures.isEmpty()) {
            throw new IllegalStateException(failures.size() + " client(s) failed", failures.getFirst());
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        return new Result((long) clients * callsPerClient, seconds,
                Sample.of(Arrays.stream(lat).flatMapToLong(Arrays::stream).toArray()));
    }
}
