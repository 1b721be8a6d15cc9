package io.jfaasm.runtime.host;

import com.dylibso.chicory.runtime.ChicoryInterruptedException;
import io.jfaasm.runtime.faaslet.NetworkPolicy;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedByInterruptException;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

/**
 * The client sockets of one call, under its function's {@link NetworkPolicy}: connections only to
 * allowed {@code host:port}s, at most {@code maxSockets} open, all traffic through one token
 * bucket, everything closed when the call ends. Socket I/O is interruptible, so a call blocked on
 * the network still stops at its deadline.
 *
 * <p>Errors come back to the guest as negative errno values (as from the C library), with one line
 * on the call's stderr saying why.
 */
public final class NetworkSession implements AutoCloseable {
    static final int EACCES = 13;
    static final int EBADF = 9;
    static final int EMFILE = 24;
    static final int ECONNREFUSED = 111;
    static final int EHOSTUNREACH = 113;
    static final int EIO = 5;

    private final NetworkPolicy policy;
    private final OutputStream stderr;
    private final Map<Integer, SocketChannel> sockets = new HashMap<>();
    private int nextFd = 3;
    private double tokens;
    private long lastRefill = System.nanoTime();

    public NetworkSession(NetworkPolicy policy, OutputStream stderr) {
        this.policy = policy;
        this.stderr = stderr;
        this.tokens = policy.bytesPerSecond();
    }

    int connect(String host, int port) {
        if (port < 1 || port > 65535) {
            return refuse(EACCES, "connect to " + host + ":" + port + ": bad port");
        }
        InetAddress[] addresses;
        try {
            addresses = InetAddress.getAllByName(host);
        } catch (UnknownHostException e) {
            return refuse(EHOSTUNREACH, "connect to " + host + ":" + port + ": unknown host");
        }
        if (policy.denies(host, port, addresses)) {
            return refuse(EACCES, "connect to " + host + ":" + port
                    + " refused: the host denies it to every function " + policy.deny());
        }
        if (!policy.allows(host, port, addresses)) {
            return refuse(EACCES, "connect to " + host + ":" + port
                    + " refused: not in the function's network allow-list " + policy.allow());
        }
        if (sockets.size() >= policy.maxSockets()) {
            return refuse(EMFILE, "connect to " + host + ":" + port + ": the call already holds "
                    + policy.maxSockets() + " sockets");
        }
        try {
            SocketChannel ch = SocketChannel.open();
            ch.connect(new InetSocketAddress(addresses[0], port));
            int fd = nextFd++;
            sockets.put(fd, ch);
            return fd;
        } catch (ClosedByInterruptException e) {
            throw interrupted();
        } catch (IOException e) {
            return refuse(ECONNREFUSED, "connect to " + host + ":" + port + ": " + e.getMessage());
        }
    }

    int send(int fd, byte[] data) {
        SocketChannel ch = sockets.get(fd);
        if (ch == null) {
            return -EBADF;
        }
        try {
            take(data.length);
            ByteBuffer b = ByteBuffer.wrap(data);
            while (b.hasRemaining()) {
                ch.write(b);
            }
            return data.length;
        } catch (ClosedByInterruptException e) {
            throw interrupted();
        } catch (IOException e) {
            return refuse(EIO, "send on socket " + fd + ": " + e.getMessage());
        }
    }

    /** Receives up to {@code len} bytes; 0 at the end of the stream. */
    byte[] recv(int fd, int len) {
        SocketChannel ch = sockets.get(fd);
        if (ch == null) {
            return null;
        }
        try {
            ByteBuffer b = ByteBuffer.allocate((int) Math.min(len, Math.max(1, policy.bytesPerSecond())));
            int n = ch.read(b);
            if (n <= 0) {
                return new byte[0];
            }
            take(n);
            byte[] out = new byte[n];
            b.flip().get(out);
            return out;
        } catch (ClosedByInterruptException e) {
            throw interrupted();
        } catch (IOException e) {
            refuse(EIO, "recv on socket " + fd + ": " + e.getMessage());
            return new byte[0];
        }
    }

    int close(int fd) {
        SocketChannel ch = sockets.remove(fd);
        if (ch == null) {
            return -EBADF;
        }
        closeQuietly(ch);
        return 0;
    }

    /** The token bucket: waits until {@code n} bytes fit in the call's bandwidth. */
    private void take(long n) {
        long rate = policy.bytesPerSecond();
        while (true) {
            long now = System.nanoTime();
            tokens = Math.min(rate, tokens + (now - lastRefill) * rate / 1e9);
            lastRefill = now;
            if (tokens >= n || (n > rate && tokens >= rate)) {
                tokens -= n; // a transfer larger than a second's worth goes into debt
                return;
            }
            long waitNanos = (long) ((Math.min(n, rate) - tokens) * 1e9 / rate);
            try {
                Thread.sleep(Math.max(1, waitNanos / 1_000_000));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw interrupted();
            }
        }
    }

    private int refuse(int errno, String why) {
        try {
            stderr.write(("network: " + why + "\n").getBytes(StandardCharsets.UTF_8));
        } catch (IOException | RuntimeException e) {
            // the message is a courtesy; the error code is the answer
        }
        return -errno;
    }

    private static ChicoryInterruptedException interrupted() {
        return new ChicoryInterruptedException("interrupted during network I/O");
    }

    private static void closeQuietly(SocketChannel ch) {
        try {
            ch.close();
        } catch (IOException e) {
            // closing: nothing to do
        }
    }

    @Override
    public void close() {
        sockets.values().forEach(NetworkSession::closeQuietly);
        sockets.clear();
    }
}
