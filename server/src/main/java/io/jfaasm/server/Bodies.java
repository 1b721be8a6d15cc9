package io.jfaasm.server;

import io.javalin.http.Context;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;

/**
 * Request bodies read under a limit: a declared Content-Length over the limit is refused before
 * anything is kept, and a body without one (chunked) or with a false one is refused as soon as it
 * passes the limit, so no huge body is ever held whole. A refused body of up to
 * {@link #DRAIN_BYTES} more is still read and dropped: a client that is still sending it would
 * otherwise have its connection reset by the server's early answer and never read the 413
 * (seen as "Broken pipe" by Java's HttpClient).
 */
final class Bodies {
    /** How much of a refused body is read and dropped before answering. */
    private static final long DRAIN_BYTES = 8L << 20;

    private Bodies() {}

    /**
     * The body, at most {@code limit} bytes.
     *
     * @param what what the body is, for the message ("module", "input", "state value")
     * @throws ApiError 413 when it is larger
     */
    static byte[] read(Context ctx, long limit, String what) {
        long declared = ctx.req().getContentLengthLong();
        try (InputStream in = ctx.req().getInputStream()) {
            if (declared > limit) {
                if (declared - limit <= DRAIN_BYTES) {
                    drain(in);
                }
                throw tooLarge(what, limit, "a " + declared + "-byte body");
            }
            ByteArrayOutputStream out = new ByteArrayOutputStream(
                    (int) Math.max(0, Math.min(declared, Math.min(limit, 1 << 20))));
            byte[] buf = new byte[64 * 1024];
            long total = 0;
            int n;
            while ((n = in.read(buf)) > 0) {
                total += n;
                if (total > limit) {
                    drain(in);
                    throw tooLarge(what, limit, "a larger body");
                }
                out.write(buf, 0, n);
            }
            return out.toByteArray();
        } catch (IOException e) {
            throw new ApiError(400, "bad request", "could not read the request body: " + e.getMessage());
        }
    }

    /** Reads and drops up to {@link #DRAIN_BYTES} of what is left; a client that went away ends it. */
    private static void drain(InputStream in) {
        byte[] buf = new byte[64 * 1024];
        long left = DRAIN_BYTES;
        try {
            int n;
            while (left > 0 && (n = in.read(buf, 0, (int) Math.min(buf.length, left))) > 0) {
                left -= n;
            }
        } catch (IOException e) {
            // the client stopped sending: the answer is the 413 all the same
        }
    }

    private static ApiError tooLarge(String what, long limit, String got) {
        return ApiError.tooLarge("the " + what + " may be at most " + limit + " bytes; this request sent " + got)
                .with("limitBytes", limit);
    }
}
