package io.jfaasm.server;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * An answer other than success: its HTTP status and the JSON body {@code {error, detail, ...}}.
 * Thrown by handlers; {@link HttpApi} writes it.
 */
final class ApiError extends RuntimeException {
    private final int status;
    private final String error;
    private final Map<String, Object> extra = new LinkedHashMap<>();

    ApiError(int status, String error, String detail) {
        super(detail, null, false, false); // no stack trace: it is an answer, not a fault
        this.status = status;
        this.error = error;
    }

    ApiError with(String field, Object value) {
        extra.put(field, value);
        return this;
    }

    int status() {
        return status;
    }

    String error() {
        return error;
    }

    String detail() {
        return getMessage();
    }

    Map<String, Object> body() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("error", error);
        m.put("detail", getMessage());
        m.putAll(extra);
        return m;
    }

    static ApiError badRequest(String detail) {
        return new ApiError(400, "bad request", detail);
    }

    static ApiError badName(String detail) {
        return new ApiError(400, "bad name", detail);
    }

    static ApiError notFound(String detail) {
        return new ApiError(404, "not found", detail);
    }

    static ApiError forbidden(String detail) {
        return new ApiError(403, "forbidden", detail);
    }

    static ApiError unauthorized(String detail) {
        return new ApiError(401, "unauthorized", detail);
    }

    static ApiError tooLarge(String detail) {
        return new ApiError(413, "too large", detail);
    }
}
