package io.jfaasm.server;

import com.fasterxml.jackson.databind.JsonNode;
import io.jfaasm.runtime.faaslet.CallResult;
import io.jfaasm.runtime.faaslet.Failure;
import io.jfaasm.runtime.scheduler.CallRecord;
import io.jfaasm.runtime.scheduler.CallStatus;
import io.jfaasm.runtime.scheduler.FunctionId;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * A call record as bytes: how records travel between hosts (the internal route's answers) and sit
 * in Redis ({@code NS{c}:call:ID}). Layout: {@code JFR1}, a 4-byte big-endian header length, the
 * header (JSON: the fields of {@code GET /calls/{id}} plus {@code failureKind} and the three
 * lengths), then the output, stdout and stderr bytes.
 */
final class RecordCodec {
    private static final byte[] MAGIC = {'J', 'F', 'R', '1'};

    private RecordCodec() {}

    static byte[] encode(CallRecord r) {
        CallStatus status = r.status();
        boolean finished = status.finished();
        byte[] out = finished ? r.output() : new byte[0];
        byte[] so = finished ? r.stdout() : new byte[0];
        byte[] se = finished ? r.stderr() : new byte[0];
        Map<String, Object> h = new LinkedHashMap<>();
        h.put("id", r.id());
        h.put("user", r.function().user());
        h.put("function", r.function().name());
        h.put("parentId", r.parentId());
        h.put("status", status.name());
        h.put("host", r.host());
        h.put("submittedAt", millis(r.submittedAt()));
        h.put("startedAt", millis(r.startedAt()));
        h.put("finishedAt", millis(r.finishedAt()));
        h.put("returnCode", finished ? r.returnCode() : null);
        h.put("error", r.error());
        h.put("failureKind", r.failureKind() == null ? null : r.failureKind().name());
        h.put("children", r.children());
        h.put("outputBytes", out.length);
        h.put("stdoutBytes", so.length);
        h.put("stderrBytes", se.length);
        byte[] header = Json.bytes(h);
        ByteArrayOutputStream b = new ByteArrayOutputStream(8 + header.length + out.length + so.length + se.length);
        b.writeBytes(MAGIC);
        b.writeBytes(ByteBuffer.allocate(4).putInt(header.length).array());
        b.writeBytes(header);
        b.writeBytes(out);
        b.writeBytes(so);
        b.writeBytes(se);
        return b.toByteArray();
    }

    /** @throws IllegalArgumentException when the bytes are no record of this format */
    static CallRecord decode(byte[] b) {
        if (b == null || b.length < 8 || !Arrays.equals(b, 0, 4, MAGIC, 0, 4)) {
            throw new IllegalArgumentException("not an encoded call record");
        }
        int hl = ByteBuffer.wrap(b, 4, 4).getInt();
        if (hl < 2 || 8L + hl > b.length) {
            throw new IllegalArgumentException("truncated call record");
        }
        JsonNode h;
        try {
            h = Json.MAPPER.readTree(b, 8, hl);
        } catch (IOException e) {
            throw new IllegalArgumentException("unreadable call record header: " + e.getMessage(), e);
        }
        int at = 8 + hl;
        int ol = h.path("outputBytes").asInt(0);
        int sol = h.path("stdoutBytes").asInt(0);
        int sel = h.path("stderrBytes").asInt(0);
        if (ol < 0 || sol < 0 || sel < 0 || (long) at + ol + sol + sel != b.length) {
            throw new IllegalArgumentException("call record lengths do not add up");
        }
        byte[] out = Arrays.copyOfRange(b, at, at + ol);
        byte[] so = Arrays.copyOfRange(b, at + ol, at + ol + sol);
        byte[] se = Arrays.copyOfRange(b, at + ol + sol, at + ol + sol + sel);
        try {
            String kind = text(h, "failureKind");
            return CallRecord.restore(h.path("id").asText(), new FunctionId(h.path("user").asText(),
                    h.path("function").asText()), text(h, "parentId"),
                    CallStatus.valueOf(h.path("status").asText().toUpperCase(Locale.ROOT)), text(h, "host"),
                    instant(h, "submittedAt"), instant(h, "startedAt"), instant(h, "finishedAt"),
                    h.hasNonNull("returnCode") ? h.get("returnCode").asInt() : null, text(h, "error"),
                    kind == null ? null : Failure.Kind.valueOf(kind), out, so, se, children(h));
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("bad call record: " + e.getMessage(), e);
        }
    }

    /** The result a finished record stands for: what the host that forwarded the call records. */
    static CallResult result(CallRecord r) {
        CallResult res = r.result();
        if (r.status() == CallStatus.FAILED && (res == null || res.failure() == null)) {
            // failed outside a Faaslet (a host lost, never ran): keep it failed
            return new CallResult(-1, r.output(), r.stdout(), r.stderr(),
                    new Failure(Failure.Kind.INTERNAL, r.error() == null ? "failed" : r.error()), 0, null, 0);
        }
        return res;
    }

    private static java.util.List<String> children(JsonNode h) {
        java.util.List<String> out = new java.util.ArrayList<>();
        h.path("children").forEach(c -> out.add(c.asText()));
        return out;
    }

    private static Long millis(Instant t) {
        return t == null ? null : t.toEpochMilli();
    }

    private static Instant instant(JsonNode h, String field) {
        return h.hasNonNull(field) ? Instant.ofEpochMilli(h.get(field).asLong()) : null;
    }

    private static String text(JsonNode h, String field) {
        return h.hasNonNull(field) ? h.get(field).asText() : null;
    }

    static String utf8(byte[] b) {
        return new String(b, StandardCharsets.UTF_8);
    }
}
