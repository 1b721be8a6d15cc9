package io.jfaasm.bench;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * An open-loop HTTP/1.1 load generator for the JFaasm HTTP benchmark (bench/http/): sends requests
 * at a fixed rate over keep-alive connections and measures each request's latency from the time it
 * was <em>meant</em> to be sent, so a stalled server shows as the latency every request scheduled
 * during the stall would have seen (no coordinated omission, as wrk2 does). wrk measures the other
 * thing: the throughput of a closed loop, and latencies only of the requests it got to send.
 *
 * <p>One platform thread per connection, blocking sockets, no pipelining; requests are pre-encoded
 * bytes and only the status line and Content-Length of a response are parsed. Runs from source:
 *
 * <pre>{@code
 * java bench/src/main/java/io/jfaasm/bench/HttpLoad.java url=http://127.0.0.1:8080/f/demo/noop \
 *      rate=10000 conns=16 duration=15 warmup=5 [method=POST] [body=] [rate=0: closed loop]
 * }</pre>
 *
 * <p>Prints one line {@code HTTPLOAD key=value ...} (latencies in microseconds; {@code p99} is the
 * corrected latency, {@code raw_p99} the time from the actual send) and a readable summary.
 */
public final class HttpLoad {
    private HttpLoad() {}

    public static void main(String[] args) throws Exception {
        String url = "http://127.0.0.1:8080/f/demo/noop";
        String method = "POST";
        String body = "";
        double rate = 10_000;
        int conns = 16;
        double duration = 15;
        double warmup = 5;
        for (String a : args) {
            int eq = a.indexOf('=');
            if (eq < 0) {
                throw new IllegalArgumentException("expected key=value, got " + a);
            }
            String k = a.substring(0, eq);
            String v = a.substring(eq + 1);
            switch (k) {
                case "url" -> url = v;
                case "method" -> method = v;
                case "body" -> body = v;
                case "rate" -> rate = Double.parseDouble(v);
                case "conns" -> conns = Integer.parseInt(v);
                case "duration" -> duration = Double.parseDouble(v);
                case "warmup" -> warmup = Double.parseDouble(v);
                default -> throw new IllegalArgumentException("unknown option " + k);
            }
        }
        URI uri = URI.create(url);
        byte[] bodyBytes = body.getBytes(StandardCharsets.UTF_8);
        String head = method + " " + (uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath())
                + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery()) + " HTTP/1.1\r\n"
                + "Host: " + uri.getHost() + ":" + uri.getPort() + "\r\n"
                + (method.equals("GET") ? "" : "Content-Type: application/octet-stream\r\nContent-Length: "
                        + bodyBytes.length + "\r\n")
                + "\r\n";
        byte[] headBytes = head.getBytes(StandardCharsets.US_ASCII);
        byte[] request = Arrays.copyOf(headBytes, headBytes.length + bodyBytes.length);
        System.arraycopy(bodyBytes, 0, request, headBytes.length, bodyBytes.length);

        long warmNanos = (long) (warmup * 1e9);
        long runNanos = (long) (duration * 1e9);
        long interval = rate > 0 ? (long) (conns / rate * 1e9) : 0; // per connection
        long t0 = System.nanoTime() + 200_000_000L; // every connection open before the first send
        long measureFrom = t0 + warmNanos;
        long end = measureFrom + runNanos;
        List<Conn> all = new ArrayList<>();
        CountDownLatch done = new CountDownLatch(conns);
        for (int i = 0; i < conns; i++) {
            Conn c = new Conn(uri.getHost(), uri.getPort(), request, t0 + interval * i / conns, interval,
                    measureFrom, end, (int) Math.min(Integer.MAX_VALUE - 8,
                            rate > 0 ? rate / conns * duration * 1.2 + 1024 : 4_000_000 / conns));
            all.add(c);
            Thread.ofPlatform().name("load-" + i).daemon().start(() -> {
                try {
                    c.run();
                } finally {
                    done.countDown();
                }
            });
        }
        long cpu0 = processCpuNanos();
        done.await();
        long cpu1 = processCpuNanos();

        long n = 0;
        long errors = 0;
        long late = 0;
        for (Conn c : all) {
            n += c.count;
            errors += c.errors;
            late += c.late;
        }
        long[] corrected = new long[(int) n];
        long[] raw = new long[(int) n];
        int at = 0;
        for (Conn c : all) {
            System.arraycopy(c.corrected, 0, corrected, at, c.count);
            System.arraycopy(c.raw, 0, raw, at, c.count);
            at += c.count;
        }
        Arrays.sort(corrected);
        Arrays.sort(raw);
        double achieved = n / duration;
        double clientCores = (cpu1 - cpu0) / 1e9 / (duration + warmup + 0.2);
        System.out.printf(Locale.ROOT, "HTTPLOAD target=%.0f achieved=%.0f requests=%d errors=%d late=%d "
                + "p50=%d p90=%d p99=%d p999=%d max=%d raw_p50=%d raw_p99=%d raw_max=%d client_cores=%.2f%n",
                rate, achieved, n, errors, late,
                pct(corrected, 50), pct(corrected, 90), pct(corrected, 99), pct(corrected, 99.9), pct(corrected, 100),
                pct(raw, 50), pct(raw, 99), pct(raw, 100), clientCores);
        System.out.printf(Locale.ROOT, "%s %s: %d connections, target %.0f/s, achieved %.0f/s over %.0f s; "
                + "latency from the intended send: p50 %.2f ms, p99 %.2f ms, p99.9 %.2f ms, max %.2f ms; "
                + "%d errors; client %.2f cores%n", method, url, conns, rate, achieved, duration,
                pct(corrected, 50) / 1e3, pct(corrected, 99) / 1e3, pct(corrected, 99.9) / 1e3,
                pct(corrected, 100) / 1e3, errors, clientCores);
    }

    private static long pct(long[] sorted, double p) {
        if (sorted.length == 0) {
            return 0;
        }
        int i = (int) Math.ceil(p / 100.0 * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, i))] / 1000; // µs
    }

    private static long processCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime();
    }

    /** One keep-alive connection sending on its own schedule. */
    private static final class Conn {
        final String host;
        final int port;
        final byte[] request;
        final long interval;
        final long measureFrom;
        final long end;
        long next;
        final long[] corrected;
        final long[] raw;
        int count;
        long errors;
        long late;
        final byte[] buf = new byte[64 * 1024];
        int bufStart;
        int bufEnd;
        Socket socket;
        InputStream in;
        OutputStream out;

        Conn(String host, int port, byte[] request, long first, long interval, long measureFrom, long end,
                int capacity) {
            this.host = host;
            this.port = port;
            this.request = request;
            this.next = first;
            this.interval = interval;
            this.measureFrom = measureFrom;
            this.end = end;
            this.corrected = new long[capacity];
            this.raw = new long[capacity];
        }

        void run() {
            try {
                connect();
                while (true) {
                    long now = System.nanoTime();
                    if (interval > 0) {
                        while (next > now) {
                            LockSupport.parkNanos(next - now);
                            now = System.nanoTime();
                        }
                    }
                    long intended = interval > 0 ? next : now;
                    if (intended >= end) {
                        break;
                    }
                    long sent = System.nanoTime();
                    boolean ok = exchange();
                    long t = System.nanoTime();
                    if (intended >= measureFrom) {
                        if (!ok) {
                            errors++;
                        } else if (count < corrected.length) {
                            corrected[count] = t - intended;
                            raw[count] = t - sent;
                            count++;
                        }
                        if (sent - intended > interval && interval > 0) {
                            late++;
                        }
                    }
                    if (!ok) {
                        reconnect();
                    }
                    next += interval;
                }
            } catch (IOException e) {
                errors++;
                System.err.println("HttpLoad: " + e);
            } finally {
                try {
                    if (socket != null) {
                        socket.close();
                    }
                } catch (IOException ignored) {
                    // closing
                }
            }
        }

        void connect() throws IOException {
            socket = new Socket();
            socket.setTcpNoDelay(true);
            socket.connect(new InetSocketAddress(host, port), 5000);
            in = socket.getInputStream();
            out = socket.getOutputStream();
            bufStart = bufEnd = 0;
        }

        void reconnect() throws IOException {
            socket.close();
            connect();
        }

        /** One request and its response; false for a non-2xx status or a broken connection. */
        boolean exchange() {
            try {
                out.write(request);
                out.flush();
                int headerEnd;
                while ((headerEnd = find()) < 0) {
                    fill();
                }
                int status = (buf[bufStart + 9] - '0') * 100 + (buf[bufStart + 10] - '0') * 10 + (buf[bufStart + 11] - '0');
                int length = contentLength(bufStart, headerEnd);
                bufStart = headerEnd + 4;
                int have = bufEnd - bufStart;
                if (have >= length) {
                    bufStart += length;
                } else { // the body is not kept: read the rest and drop it
                    long need = length - have;
                    bufStart = bufEnd = 0;
                    while (need > 0) {
                        int n = in.read(buf, 0, (int) Math.min(buf.length, need));
                        if (n < 0) {
                            return false;
                        }
                        need -= n;
                    }
                }
                if (bufStart == bufEnd) {
                    bufStart = bufEnd = 0;
                }
                return status >= 200 && status < 300;
            } catch (IOException | RuntimeException e) {
                return false;
            }
        }

        private void fill() throws IOException {
            if (bufEnd == buf.length) {
                System.arraycopy(buf, bufStart, buf, 0, bufEnd - bufStart);
                bufEnd -= bufStart;
                bufStart = 0;
            }
            int n = in.read(buf, bufEnd, buf.length - bufEnd);
            if (n < 0) {
                throw new IOException("connection closed");
            }
            bufEnd += n;
        }

        /** Index of "\r\n\r\n" in the buffered bytes, or -1. */
        private int find() {
            for (int i = bufStart; i + 3 < bufEnd; i++) {
                if (buf[i] == '\r' && buf[i + 1] == '\n' && buf[i + 2] == '\r' && buf[i + 3] == '\n') {
                    return i;
                }
            }
            return -1;
        }

        private int contentLength(int from, int to) {
            String headers = new String(buf, from, to - from, StandardCharsets.US_ASCII);
            int i = headers.toLowerCase(Locale.ROOT).indexOf("\ncontent-length:");
            if (i < 0) {
                return 0;
            }
            int j = headers.indexOf('\r', i + 1);
            return Integer.parseInt(headers.substring(i + 16, j < 0 ? headers.length() : j).trim());
        }
    }
}
