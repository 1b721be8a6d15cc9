package io.jfaasm.bench;

import io.jfaasm.cluster.RedisGlobalTier;
import io.jfaasm.runtime.FaasletHost;
import io.jfaasm.runtime.state.GlobalTier;
import io.jfaasm.runtime.state.InMemoryGlobalTier;
import io.jfaasm.runtime.state.LocalTier;
import io.jfaasm.runtime.state.SharedRegion;
import io.jfaasm.runtime.state.StateKey;
import io.jfaasm.runtime.state.TierStats;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Not JMH: push and pull between a host's local tier and the global tier, for the in-process tier
 * and for Redis ({@link RedisGlobalTier}), through the Java API a host uses ({@link LocalTier} of
 * {@link FaasletHost#state()}, on a {@link SharedRegion}).
 *
 * <p>Operations, each timed alone (median of the repetitions):
 * <ul>
 *   <li>{@code push}: {@link LocalTier#push}, the whole value;
 *   <li>{@code pull}: {@link LocalTier#pull}, the whole value;
 *   <li>{@code pushPartial} with 1% or 10% of the 4 KiB chunks dirty, either scattered (every
 *       100th / 10th chunk: each dirty chunk its own range, the worst case) or contiguous (one
 *       range); the chunks are rewritten and flagged dirty before each push (not timed);
 *   <li>partial pull: the local copy is marked stale ({@link LocalTier#invalidate}, not timed),
 *       then {@link LocalTier#ensurePulled} of a contiguous 1% or 10% of the value.
 * </ul>
 * For each: ms per operation, value bytes sent or received per operation and round trips (the
 * tier's {@link TierStats}), MB/s of those bytes (10^6 bytes/s), and for Redis what the server
 * itself received per operation ({@code total_net_input_bytes} of {@code INFO stats}: includes the
 * protocol and any other client of that Redis at the same time). After the partial pushes the
 * global value is checked byte for byte against the local copy.
 *
 * <pre>
 * java --enable-native-access=ALL-UNNAMED -XX:-DontCompileHugeMethods \
 *      -cp bench/target/benchmarks.jar io.jfaasm.bench.StateTierThroughput [tiers] [sizes] [redis-uri]
 * </pre>
 *
 * tiers default {@code inproc,redis}; sizes default {@code 1M,64M}; redis-uri default
 * {@code redis://127.0.0.1:6379} (keys under the namespace {@code bench:}, deleted at the end).
 */
public final class StateTierThroughput {
    private static final String USER = "bench";

    private StateTierThroughput() {}

    /** One timed operation: what to do before (untimed) and the operation itself. */
    private record Op(String name, Runnable prepare, Runnable run) {}

    public static void main(String[] args) throws Exception {
        List<String> tiers = Arrays.asList((args.length > 0 ? args[0] : "inproc,redis").split(","));
        List<Integer> sizes = new ArrayList<>();
        for (String s : (args.length > 1 ? args[1] : "1M,64M").split(",")) {
            sizes.add(StateSupport.parseSize(s));
        }
        String redisUri = args.length > 2 ? args[2] : "redis://127.0.0.1:6379";
        System.out.printf("%-7s %-7s %-27s %5s %10s %12s %6s %8s %12s%n", "tier", "size", "operation", "reps",
                "ms/op", "bytes/op", "trips", "MB/s", "Redis rx/op");
        for (String tierName : tiers) {
            GlobalTier tier = switch (tierName) {
                case "inproc" -> new InMemoryGlobalTier();
                case "redis" -> RedisGlobalTier.connect(redisUri, "bench:");
                default -> throw new IllegalArgumentException("tier inproc or redis, not " + tierName);
            };
            try (tier; FaasletHost host = FaasletHost.create(FaasletHost.Config.defaults().withStateTier(tier))) {
                for (int size : sizes) {
                    run(host.state(), tierName, size, tierName.equals("redis") ? URI.create(redisUri) : null);
                }
            }
        }
    }

    private static void run(LocalTier local, String tierName, int size, URI redis) throws IOException {
        StateKey key = new StateKey(USER, "throughput-" + size);
        GlobalTier global = local.global();
        global.delete(key.globalName());
        SharedRegion r = local.write(key, StateSupport.value(size, 1));
        local.push(r);
        int chunks = (size + SharedRegion.CHUNK - 1) / SharedRegion.CHUNK;
        byte[] scribble = new byte[SharedRegion.CHUNK];
        int[] round = {0};

        List<Op> ops = new ArrayList<>();
        ops.add(new Op("push (whole)", () -> {}, () -> local.push(r)));
        ops.add(new Op("pull (whole)", () -> {}, () -> local.pull(r)));
        for (int[] spec : new int[][] {{1, 100}, {10, 10}}) { // percent, stride
            int pct = spec[0];
            int stride = spec[1];
            ops.add(new Op("pushPartial " + pct + "% scattered", () -> {
                Arrays.fill(scribble, (byte) ++round[0]);
                for (int c = 0; c < chunks; c += stride) {
                    r.copyIn((long) c * SharedRegion.CHUNK, Arrays.copyOf(scribble,
                            (int) Math.min(SharedRegion.CHUNK, size - (long) c * SharedRegion.CHUNK)));
                    r.markDirtyRange((long) c * SharedRegion.CHUNK, 1);
                }
            }, () -> local.pushPartial(r)));
        }
        for (int pct : new int[] {1, 10}) {
            int n = Math.max(1, chunks * pct / 100);
            ops.add(new Op("pushPartial " + pct + "% contiguous", () -> {
                Arrays.fill(scribble, (byte) ++round[0]);
                for (int c = 0; c < n; c++) {
                    r.copyIn((long) c * SharedRegion.CHUNK, Arrays.copyOf(scribble,
                            (int) Math.min(SharedRegion.CHUNK, size - (long) c * SharedRegion.CHUNK)));
                }
                r.markDirtyRange(0, (long) n * SharedRegion.CHUNK);
            }, () -> local.pushPartial(r)));
        }
        for (int pct : new int[] {1, 10}) {
            long len = (long) Math.max(1, chunks * pct / 100) * SharedRegion.CHUNK;
            ops.add(new Op("pull partial " + pct + "%", () -> local.invalidate(key),
                    () -> local.ensurePulled(r, 0, len)));
        }

        int reps = size >= 16 * StateSupport.MIB ? 15 : 100;
        int warm = size >= 16 * StateSupport.MIB ? 5 : 20;
        boolean checked = false;
        for (Op op : ops) {
            if (op.name().startsWith("pull partial") && !checked) {
                // what the partial pushes left in the global tier is exactly the local copy
                if (!Arrays.equals(global.get(key.globalName()), r.copyOut(0, size))) {
                    throw new IllegalStateException(tierName + " " + size
                            + ": after the partial pushes the global value differs from the local copy");
                }
                checked = true;
            }
            double[] ms = new double[reps];
            long bytes = 0;
            long trips = 0;
            long[] redisRx = new long[reps];
            for (int i = 0; i < warm + reps; i++) {
                op.prepare().run();
                TierStats s = global.stats();
                long w0 = s.bytesWritten();
                long r0 = s.bytesRead();
                long t0 = s.roundTrips();
                long rx0 = redis == null ? 0 : redisNetInput(redis);
                long start = System.nanoTime();
                op.run().run();
                long nanos = System.nanoTime() - start;
                long rx1 = redis == null ? 0 : redisNetInput(redis);
                if (i >= warm) {
                    ms[i - warm] = nanos / 1e6;
                    bytes = (s.bytesWritten() - w0) + (s.bytesRead() - r0);
                    trips = s.roundTrips() - t0;
                    redisRx[i - warm] = rx1 - rx0;
                }
            }
            double med = StateSupport.median(ms);
            Arrays.sort(redisRx);
            System.out.printf("%-7s %-7s %-27s %5d %10.3f %12d %6d %8.0f %12s%n", tierName, StateSupport.size(size),
                    op.name(), reps, med, bytes, trips, bytes / (med / 1e3) / 1e6,
                    redis == null ? "-" : Long.toString(redisRx[reps / 2]));
        }
        global.delete(key.globalName());
        local.drop(key);
    }

    /** Bytes the Redis server has received from all clients ({@code INFO stats}), on a connection of its own. */
    private static long redisNetInput(URI uri) throws IOException {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(uri.getHost(), uri.getPort() < 0 ? 6379 : uri.getPort()), 2000);
            OutputStream out = s.getOutputStream();
            out.write("*2\r\n$4\r\nINFO\r\n$5\r\nstats\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = s.getInputStream();
            String header = readLine(in); // $<len>
            if (!header.startsWith("$")) {
                throw new IOException("unexpected reply to INFO: " + header);
            }
            byte[] body = in.readNBytes(Integer.parseInt(header.substring(1)));
            for (String line : new String(body, StandardCharsets.US_ASCII).split("\r\n")) {
                if (line.startsWith("total_net_input_bytes:")) {
                    return Long.parseLong(line.substring(line.indexOf(':') + 1).trim());
                }
            }
            throw new IOException("no total_net_input_bytes in INFO stats");
        }
    }

    private static String readLine(InputStream in) throws IOException {
        StringBuilder b = new StringBuilder();
        int c;
        while ((c = in.read()) >= 0 && c != '\n') {
            if (c != '\r') {
                b.append((char) c);
            }
        }
        return b.toString();
    }
}
