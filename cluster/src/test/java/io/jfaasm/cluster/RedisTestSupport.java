package io.jfaasm.cluster;

import io.lettuce.core.KeyScanCursor;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.ScanArgs;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import io.lettuce.core.codec.ByteArrayCodec;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.UUID;

/**
 * The Redis the tests use: {@code redis://127.0.0.1:6379} unless the system property
 * {@code jfaasm.test.redis} names another. CI guarantees it runs (.ci/run starts one), so a Redis
 * that does not answer FAILS the tests rather than skipping them.
 */
final class RedisTestSupport {
    static final String URI = System.getProperty("jfaasm.test.redis", "redis://127.0.0.1:6379");

    private RedisTestSupport() {}

    /** A namespace no other test uses, so tests never see each other's keys. */
    static String randomNamespace() {
        return "jfaasm-test:" + UUID.randomUUID().toString().substring(0, 13) + ":";
    }

    /** Fails (not skips) with a clear message when no Redis answers at {@link #URI}. */
    static void requireRedis() {
        RedisURI uri = RedisURI.create(URI);
        uri.setTimeout(Duration.ofSeconds(3));
        RedisClient client = RedisClient.create(uri);
        try (StatefulRedisConnection<byte[], byte[]> c = client.connect(ByteArrayCodec.INSTANCE)) {
            c.sync().ping();
        } catch (RuntimeException e) {
            throw new AssertionError("No Redis answers at " + URI + ": the Redis tier tests need one. Start it with"
                    + " `redis-server --daemonize yes --bind 127.0.0.1 -::1 --port 6379 --save \"\" --appendonly no`"
                    + " (.ci/run does this). Cause: " + e.getMessage(), e);
        } finally {
            client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
        }
    }

    /** A raw Lettuce connection to the test Redis, for looking under the tier. */
    static Raw raw() {
        return new Raw(URI);
    }

    /** Deletes every Redis key of the namespace (values, lists and locks alike). */
    static void deleteNamespace(String namespace) {
        try (Raw raw = raw()) {
            RedisCommands<byte[], byte[]> r = raw.sync();
            byte[] pattern = (escape(namespace) + "*").getBytes(StandardCharsets.UTF_8);
            ScanArgs args = ScanArgs.Builder.matches(pattern).limit(1000);
            KeyScanCursor<byte[]> cursor = r.scan(args);
            while (true) {
                if (!cursor.getKeys().isEmpty()) {
                    r.del(cursor.getKeys().toArray(new byte[0][]));
                }
                if (cursor.isFinished()) {
                    break;
                }
                cursor = r.scan(cursor, args);
            }
        }
    }

    private static String escape(String s) {
        return s.replaceAll("([*?\\[\\]\\\\])", "\\\\$1");
    }

    static int freePort() {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    static final class Raw implements AutoCloseable {
        private final RedisClient client;
        private final StatefulRedisConnection<byte[], byte[]> connection;

        Raw(String uri) {
            client = RedisClient.create(uri);
            connection = client.connect(ByteArrayCodec.INSTANCE);
        }

        RedisCommands<byte[], byte[]> sync() {
            return connection.sync();
        }

        @Override
        public void close() {
            connection.close();
            client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
        }
    }
}
