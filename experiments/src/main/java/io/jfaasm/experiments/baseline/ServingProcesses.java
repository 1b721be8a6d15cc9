package io.jfaasm.experiments.baseline;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * Calls of one function served by {@link ServingProcess} children, as containers serve them: a
 * pool of warm processes, each serving one call at a time with its own copy of the function and its
 * state; a cold call starts a new process (JVM start, load, its own state pulled from Redis), is
 * served by it, and the process is then stopped.
 */
public final class ServingProcesses implements AutoCloseable {
    private final Setup setup;
    private final String function;
    private final LinkedBlockingQueue<Child> idle = new LinkedBlockingQueue<>();
    private final int warm;

    ServingProcesses(Setup setup, String function, int warm) {
        this.setup = setup;
        this.function = function;
        this.warm = warm;
        for (int i = 0; i < warm; i++) {
            idle.add(start());
        }
    }

    /** One call; its output, or an exception for a failed call. */
    public byte[] call(byte[] input, boolean cold) throws IOException, InterruptedException {
        if (cold) {
            try (Child c = start()) {
                return c.call(input);
            }
        }
        Child c = idle.poll(10, TimeUnit.MINUTES);
        if (c == null) {
            throw new IOException("no warm process became free");
        }
        boolean healthy = false;
        try {
            byte[] out = c.call(input);
            healthy = true;
            return out;
        } finally {
            idle.add(healthy ? c : start()); // a broken process is replaced, off the count of warm ones
        }
    }

    /** How many warm processes the pool keeps. */
    public int warm() {
        return warm;
    }

    private Child start() {
        try {
            Process p = new ProcessBuilder(ChildJvm.command(setup, ServingProcess.class, java.util.List.of(function)))
                    .redirectError(ProcessBuilder.Redirect.appendTo(setup.log().toFile())).start();
            Child c = new Child(p);
            String line = c.readLine();
            if (!ServingProcess.READY.equals(line)) {
                c.close();
                throw new IOException("a serving process of " + function + " did not start (got " + line
                        + "; see " + setup.log() + ")");
            }
            return c;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        for (Child c; (c = idle.poll()) != null; ) {
            c.close();
        }
    }

    /** One serving process and its pipes. */
    private static final class Child implements AutoCloseable {
        final Process process;
        final DataOutputStream in;
        final DataInputStream out;

        Child(Process process) {
            this.process = process;
            this.in = new DataOutputStream(process.getOutputStream());
            this.out = new DataInputStream(process.getInputStream());
        }

        String readLine() throws IOException {
            StringBuilder b = new StringBuilder();
            for (int ch; (ch = out.read()) != '\n'; ) {
                if (ch < 0) {
                    return b.isEmpty() ? null : b.toString();
                }
                b.append((char) ch);
            }
            return b.toString().strip();
        }

        byte[] call(byte[] input) throws IOException {
            in.writeInt(input.length);
            in.write(input);
            in.flush();
            int rc = out.readInt();
            byte[] output = new byte[out.readInt()];
            out.readFully(output);
            if (rc != 0) {
                throw new IOException("call failed (rc " + rc + "): " + new String(output, StandardCharsets.UTF_8));
            }
            return output;
        }

        @Override
        public void close() {
            try {
                in.close(); // the child exits at the end of its input
            } catch (IOException ignored) {
                // already gone
            }
            process.destroy();
        }
    }
}
