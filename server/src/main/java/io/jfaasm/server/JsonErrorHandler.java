package io.jfaasm.server;

import java.nio.ByteBuffer;
import java.util.LinkedHashMap;
import java.util.Map;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.util.Callback;

/**
 * Jetty's answers to requests that never reach the API (a malformed request line, an ambiguous
 * or badly encoded path such as {@code %2F} or {@code %2e%2e}, headers too large) in the API's
 * own shape: JSON {@code {error, detail}}, never an HTML page or a stack trace.
 */
final class JsonErrorHandler extends ErrorHandler {
    JsonErrorHandler() {
        setShowStacks(false);
        setShowCauses(false);
        setShowOrigin(false);
    }

    @Override
    protected void generateResponse(Request request, Response response, int code, String message,
            Throwable cause, Callback callback) {
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json");
        // Jetty drops a connection after a request it could not route: say so, so clients do not reuse it
        response.getHeaders().put(HttpHeader.CONNECTION, "close");
        response.write(true, ByteBuffer.wrap(Json.bytes(body(code, message))), callback);
    }

    private static Map<String, Object> body(int code, String message) {
        Map<String, Object> m = new LinkedHashMap<>();
        String reason = HttpStatus.getMessage(code);
        m.put("error", reason == null ? "http " + code : reason.toLowerCase(java.util.Locale.ROOT));
        m.put("detail", message == null || message.isBlank() ? "the request was refused before it reached the API"
                : HttpApi.printable(message));
        return m;
    }
}
