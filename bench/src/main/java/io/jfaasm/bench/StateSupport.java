package io.jfaasm.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/** What the state benchmarks share: test values and their checksums, medians, and /proc memory figures. */
final class StateSupport {
    static final int KIB = 1024;
    static final int MIB = 1024 * 1024;

    private StateSupport() {}

    /** A deterministic value of {@code size} bytes that is not all zeros (every page differs). */
    static byte[] value(int size, int seed) {
        byte[] v = new byte[size];
        long x = 0x9E3779B97F4A7C15L * (seed + 1);
        for (int i = 0; i < size; i += 8) {
            x ^= x << 13;
            x ^= x >>> 7;
            x ^= x << 17;
            for (int b = 0; b < 8 && i + b < size; b++) {
                v[i + b] = (byte) (x >>> (8 * b));
            }
        }
        return v;
    }

    /** What {@code state_read} outputs as {@code sum=} for this value and touch. */
    static long checksum(byte[] v, String touch) {
        return switch (touch) {
            case "one" -> v[0] & 0xFF;
            case "page" -> {
                long s = 0;
                for (int i = 0; i < v.length; i += 4096) {
                    s += v[i] & 0xFF;
                }
                yield s;
            }
            case "sum" -> {
                ByteBuffer b = ByteBuffer.wrap(v).order(ByteOrder.LITTLE_ENDIAN);
                long s = 0;
                for (int i = 0; i + 8 <= v.length; i += 8) {
                    s += b.getLong(i);
                }
                yield s;
            }
            default -> throw new IllegalArgumentException(touch);
        };
    }

    static double median(double[] xs) {
        double[] s = xs.clone();
        Arrays.sort(s);
        int n = s.length;
        return n == 0 ? Double.NaN : (n % 2 == 1 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2);
    }

    static double median(List<Double> xs) {
        return median(xs.stream().mapToDouble(Double::doubleValue).toArray());
    }

    static String size(long bytes) {
        if (bytes >= MIB && bytes % MIB == 0) {
            return bytes / MIB + " MiB";
        }
        if (bytes >= KIB && bytes % KIB == 0) {
            return bytes / KIB + " KiB";
        }
        return bytes + " B";
    }

    static int parseSize(String s) {
        String t = s.trim().toUpperCase(java.util.Locale.ROOT);
        long mult = 1;
        if (t.endsWith("M")) {
            mult = MIB;
            t = t.substring(0, t.length() - 1);
        } else if (t.endsWith("K")) {
            mult = KIB;
            t = t.substring(0, t.length() - 1);
        }
        return Math.toIntExact(Long.parseLong(t) * mult);
    }

    /**
     * Memory of this process, KiB: {@code Pss}/{@code Rss} of the whole process from
     * {@code /proc/self/smaps_rollup}, and the same summed over the mappings of state regions
     * ({@code memfd:jfaasm-state}) from {@code /proc/self/smaps}, and the page tables
     * ({@code VmPTE}, {@code /proc/self/status}: kernel memory, in neither PSS nor RSS).
     */
    record Mem(long pssKb, long rssKb, long statePssKb, long stateRssKb, int stateMappings, long pteKb) {
        Mem minus(Mem o) {
            return new Mem(pssKb - o.pssKb, rssKb - o.rssKb, statePssKb - o.statePssKb,
                    stateRssKb - o.stateRssKb, stateMappings - o.stateMappings, pteKb - o.pteKb);
        }
    }

    static Mem mem() {
        try {
            long pss = 0;
            long rss = 0;
            for (String line : Files.readAllLines(Path.of("/proc/self/smaps_rollup"))) {
                String[] f = line.trim().split("\\s+");
                if (f[0].equals("Pss:")) {
                    pss = Long.parseLong(f[1]);
                } else if (f[0].equals("Rss:")) {
                    rss = Long.parseLong(f[1]);
                }
            }
            long statePss = 0;
            long stateRss = 0;
            int mappings = 0;
            boolean inState = false;
            for (String line : Files.readAllLines(Path.of("/proc/self/smaps"))) {
                String[] f = line.trim().split("\\s+");
                if (f.length > 0 && f[0].matches("[0-9a-f]+-[0-9a-f]+")) {
                    inState = line.contains("memfd:jfaasm-state");
                    if (inState) {
                        mappings++;
                    }
                } else if (inState && f[0].equals("Pss:")) {
                    statePss += Long.parseLong(f[1]);
                } else if (inState && f[0].equals("Rss:")) {
                    stateRss += Long.parseLong(f[1]);
                }
            }
            long pte = 0;
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmPTE:")) {
                    pte = Long.parseLong(line.substring(6).trim().split("\\s+")[0]);
                }
            }
            return new Mem(pss, rss, statePss, stateRss, mappings, pte);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
