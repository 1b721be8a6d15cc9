package io.jfaasm.server;

import io.javalin.http.Context;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;

/**
 * Request bodies read under a limit: a declared Content-Length over the limit is refused before
 * anything is read, and a body without one (chunked) or with a false one is refused as soon as it
 * passes the limit, so no huge body is ever held whole.
 */
final class Bodies {
    private Bodies() {}

    /**
     * The body, at most {@code limit} bytes.
     *
     * @param what what the body is, for the message ("module", "input", "state value")
     * @throws ApiError 413 when it is larger
     */
    static byte[] read(Context ctx, long limit, String what) {
        long declared = ctx.req().getContentLengthLong();
        if (declared > limit) {
            throw tooLarge(what, limit, "a " + declared + "-byte body");
        }
        try (InputStream in = ctx.req().getInputStream()) {
            ByteArrayOutputStream out = new ByteArrayOutputStream(
                    (int) Math.max(0, Math.min(declared, Math.min(limit, 1 << 20))));
            byte[] buf = new byte[64 * 1024];
            long total = 0;
            int n;
            while ((n = in.read(buf)) > 0) {
                total += n;
                if (total > limit) {
                    throw tooLarge(what, limit, "a larger body");
                }
                out.write(buf, 0, n);
            }
            return out.toByteArray();
        } catch (IOException e) {
            throw new ApiError(400, "bad request", "could not read the request body: " + e.getMessage());
        }
    }

    private static ApiError tooLarge(String what, long limit, String got) {
        return ApiError.tooLarge("the " + what + " may be at most " + limit + " bytes; this request sent " + got)
                .with("limitBytes", limit);
    }
}
