package io.jfaasm.runtime.host;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;

/**
 * A function's stdout or stderr: kept up to a limit for the call record, and passed on whole to an
 * optional sink (the CLI's own stdout) as the function writes it.
 */
public final class OutputCapture extends OutputStream {
    private final ByteArrayOutputStream kept = new ByteArrayOutputStream();
    private final int limit;
    private final OutputStream sink;

    public OutputCapture(int limit, OutputStream sink) {
        this.limit = limit;
        this.sink = sink;
    }

    @Override
    public void write(int b) {
        write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] b, int off, int len) {
        int keep = (int) Math.max(0, Math.min(len, limit - kept.size()));
        kept.write(b, off, keep);
        if (sink != null) {
            try {
                sink.write(b, off, len);
                sink.flush();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    public byte[] bytes() {
        return kept.toByteArray();
    }
}
