package io.jfaasm.experiments.baseline;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Memory of one process from {@code /proc/PID/smaps_rollup}, KiB. PSS splits each shared page
 * between the processes mapping it, so PSS summed over processes counts every page once: the
 * figure that compares one host with many processes fairly.
 */
public record ProcessMemory(long pssKb, long rssKb) {
    public static final ProcessMemory NONE = new ProcessMemory(0, 0);

    /** The process's memory now, or {@link #NONE} if it is gone (or not readable). */
    public static ProcessMemory of(long pid) {
        try {
            long pss = 0;
            long rss = 0;
            for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "smaps_rollup"))) {
                if (line.startsWith("Pss:")) {
                    pss = kb(line);
                } else if (line.startsWith("Rss:")) {
                    rss = kb(line);
                }
            }
            return new ProcessMemory(pss, rss);
        } catch (IOException | RuntimeException e) {
            return NONE; // exited between listing and reading
        }
    }

    public ProcessMemory plus(ProcessMemory o) {
        return new ProcessMemory(pssKb + o.pssKb, rssKb + o.rssKb);
    }

    private static long kb(String line) {
        return Long.parseLong(line.substring(line.indexOf(':') + 1).trim().split("\\s+")[0]);
    }
}
