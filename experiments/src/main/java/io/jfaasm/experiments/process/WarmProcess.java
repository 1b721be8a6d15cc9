package io.jfaasm.experiments.process;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.file.Path;

/**
 * A warm function process of the baseline: a JVM running {@code WasmProcess serve} for one
 * function, called over its stdin and stdout (as a platform would call a warm container). Not
 * thread-safe: one caller at a time.
 */
public final class WarmProcess implements AutoCloseable {
    private final Process process;
    private final DataOutputStream in;
    private final DataInputStream out;

    public WarmProcess(String function, Path codeCache) throws IOException {
        process = new ProcessBuilder(JvmProcess.argv("serve", function, codeCache))
                .redirectError(ProcessBuilder.Redirect.INHERIT).start();
        in = new DataOutputStream(new java.io.BufferedOutputStream(process.getOutputStream()));
        out = new DataInputStream(new java.io.BufferedInputStream(process.getInputStream()));
        String hello = readLine();
        if (!hello.equals("ready")) {
            throw new IOException("function process said " + hello);
        }
    }

    /** One call; returns the function's output. */
    public byte[] call(byte[] input) throws IOException {
        in.writeInt(input.length);
        in.write(input);
        in.flush();
        int rc = out.readInt();
        byte[] output = out.readNBytes(out.readInt());
        if (rc != 0) {
            throw new IOException("function returned " + rc);
        }
        return output;
    }

    public long pid() {
        return process.pid();
    }

    private String readLine() throws IOException {
        StringBuilder s = new StringBuilder();
        for (int c = out.read(); c != '\n'; c = out.read()) {
            if (c < 0) {
                throw new IOException("function process exited before it was ready");
            }
            s.append((char) c);
        }
        return s.toString();
    }

    @Override
    public void close() throws IOException {
        in.close(); // EOF ends the serve loop
        try {
            process.waitFor();
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }
}
