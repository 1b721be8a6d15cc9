package io.jfaasm.server.cli;

import io.jfaasm.experiments.Progress;
import java.io.PrintStream;
import java.util.Locale;

/**
 * Draws an experiment's progress on stderr: a bar redrawn in place on a terminal, or one plain line
 * per phase and per quarter of it when output goes to a file or a pipe (CI logs stay readable).
 * Hand-rolled (about 60 lines) rather than a library: the terminal case needs only a carriage return.
 */
final class ConsoleProgress implements Progress {
    private static final int BAR = 30;
    private static final long REDRAW_NANOS = 100_000_000;

    private final PrintStream out;
    private final boolean terminal;
    private String phase;
    private long total;
    private long done;
    private long started;
    private long lastDraw;
    private int lastQuarter;

    ConsoleProgress(PrintStream out, boolean terminal) {
        this.out = out;
        this.terminal = terminal;
    }

    /** Bars when this JVM's stdout is a terminal (JDK 22+: {@code Console.isTerminal}). */
    static ConsoleProgress onStderr() {
        var console = System.console();
        return new ConsoleProgress(System.err, console != null && console.isTerminal());
    }

    @Override
    public synchronized void phase(String name, long steps) {
        finishLine();
        phase = name;
        total = steps;
        done = 0;
        started = System.nanoTime();
        lastDraw = 0;
        lastQuarter = 0;
        if (terminal) {
            draw();
        } else {
            out.println("[" + name + "]" + (steps > 0 ? " " + steps + " steps" : ""));
        }
    }

    @Override
    public synchronized void advance(long steps) {
        done += steps;
        long now = System.nanoTime();
        if (terminal) {
            if (now - lastDraw >= REDRAW_NANOS || done >= total) {
                draw();
            }
        } else if (total > 0) {
            int quarter = (int) Math.min(4, 4 * done / total);
            if (quarter > lastQuarter && quarter < 4) {
                lastQuarter = quarter;
                out.printf(Locale.ROOT, "[%s] %d%% (%d/%d, %.1f s)%n", phase, quarter * 25, done, total,
                        (now - started) / 1e9);
            }
        }
    }

    /** Ends the current bar's line (before the summary is printed). */
    synchronized void finishLine() {
        if (terminal && phase != null) {
            draw();
            out.println();
        }
        phase = null;
    }

    private void draw() {
        lastDraw = System.nanoTime();
        double secs = (lastDraw - started) / 1e9;
        if (total > 0) {
            int filled = (int) Math.min(BAR, BAR * done / total);
            out.printf(Locale.ROOT, "\r%-28.28s [%s%s] %3d%% %d/%d %.1fs ", phase, "=".repeat(filled),
                    " ".repeat(BAR - filled), Math.min(100, 100 * done / total), done, total, secs);
        } else {
            out.printf(Locale.ROOT, "\r%-28.28s %d %.1fs ", phase, done, secs);
        }
        out.flush();
    }
}
