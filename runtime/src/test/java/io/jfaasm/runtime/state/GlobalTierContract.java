package io.jfaasm.runtime.state;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jfaasm.runtime.state.GlobalTier.Chunk;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * What every {@link GlobalTier} promises. Extended once per implementation: by
 * {@code InMemoryGlobalTierTest} here and by the Redis tests of the cluster module (which compile
 * this very file, see cluster/pom.xml). A subclass gives a fresh, empty tier per test.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
public abstract class GlobalTierContract {

    /**
     * A fresh tier that holds no key. Closed by the contract after each test. May abort the test
     * with a JUnit assumption (it is then reported as skipped, with the reason).
     */
    protected abstract GlobalTier newTier();

    protected GlobalTier tier;

    @BeforeEach
    void openTier() {
        tier = newTier();
    }

    @AfterEach
    void closeTier() {
        if (tier != null) { // null when newTier() aborted the test (an assumption)
            tier.close();
        }
    }

    // ---- get / size / getRange / set ----

    @Test
    void missingKeyHasNoValueNoSizeAndEmptyRanges() {
        assertThat(tier.get("nope")).isNull();
        assertThat(tier.size("nope")).isEqualTo(-1);
        assertThat(tier.getRange("nope", 0, 10)).isEmpty();
        assertThat(tier.getRange("nope", 100, 10)).isEmpty();
        assertThat(tier.keys("")).isEmpty();
    }

    @Test
    void setThenGetReturnsTheBytesAndSetReplacesTheWholeValue() {
        tier.set("k", bytes("hello world"));
        assertThat(tier.get("k")).isEqualTo(bytes("hello world"));
        assertThat(tier.size("k")).isEqualTo(11);

        tier.set("k", bytes("hi"));
        assertThat(tier.get("k")).isEqualTo(bytes("hi"));
        assertThat(tier.size("k")).isEqualTo(2);
    }

    @Test
    void anEmptyValueExistsAndDiffersFromAMissingOne() {
        tier.set("empty", new byte[0]);
        assertThat(tier.get("empty")).isNotNull().isEmpty();
        assertThat(tier.size("empty")).isZero();
        assertThat(tier.keys("")).containsExactly("empty");
    }

    @Test
    void valuesAreBinarySafe() {
        byte[] all = new byte[256 * 4];
        for (int i = 0; i < all.length; i++) {
            all[i] = (byte) i;
        }
        tier.set("bin", all);
        assertThat(tier.get("bin")).isEqualTo(all);
        assertThat(tier.getRange("bin", 250, 12)).isEqualTo(Arrays.copyOfRange(all, 250, 262));
    }

    @Test
    void callerArraysAreCopiedInAndOut() {
        byte[] v = bytes("abc");
        tier.set("k", v);
        v[0] = 'X';
        assertThat(tier.get("k")).isEqualTo(bytes("abc"));
        byte[] got = tier.get("k");
        got[0] = 'Y';
        assertThat(tier.get("k")).isEqualTo(bytes("abc"));
    }

    @Test
    void getRangeEdges() {
        tier.set("k", bytes("0123456789"));
        assertThat(tier.getRange("k", 0, 10)).isEqualTo(bytes("0123456789"));
        assertThat(tier.getRange("k", 2, 3)).isEqualTo(bytes("234"));
        assertThat(tier.getRange("k", 8, 5)).as("shorter when the value ends first").isEqualTo(bytes("89"));
        assertThat(tier.getRange("k", 9, 1)).isEqualTo(bytes("9"));
        assertThat(tier.getRange("k", 10, 5)).as("offset at the end").isEmpty();
        assertThat(tier.getRange("k", 1000, 5)).as("offset past the end").isEmpty();
        assertThat(tier.getRange("k", 3, 0)).as("zero length").isEmpty();
        assertThat(tier.getRange("k", 0, 0)).as("zero length at 0").isEmpty();
        tier.set("e", new byte[0]);
        assertThat(tier.getRange("e", 0, 4)).isEmpty();
    }

    @Test
    void badArgumentsAreRefused() {
        tier.set("k", bytes("abc"));
        assertThatThrownBy(() -> tier.getRange("k", -1, 2)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> tier.getRange("k", 0, -2)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> tier.setRanges("k", List.of(new Chunk(-1, bytes("x")))))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> tier.setRanges("k", List.of(new Chunk(512L * 1024 * 1024, bytes("x")))))
                .as("past 512 MiB").isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> tier.readAppended("k", -1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> tier.tryLock("k", Duration.ZERO)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> tier.get("lone\uD800surrogate")).isInstanceOf(IllegalArgumentException.class);
        assertThat(tier.get("k")).as("nothing changed").isEqualTo(bytes("abc"));
    }

    @Test
    void aLargeValueRoundTrips() {
        byte[] big = new byte[4 * 1024 * 1024 + 3];
        new java.util.Random(7).nextBytes(big);
        tier.set("big", big);
        assertThat(tier.size("big")).isEqualTo(big.length);
        assertThat(tier.get("big")).isEqualTo(big);
        assertThat(tier.getRange("big", 1 << 20, 4096)).isEqualTo(Arrays.copyOfRange(big, 1 << 20, (1 << 20) + 4096));
    }

    // ---- setRanges ----

    @Test
    void setRangesOnAMissingKeyCreatesItZeroFilled() {
        tier.setRanges("k", List.of(new Chunk(4, bytes("ab"))));
        assertThat(tier.get("k")).isEqualTo(new byte[] {0, 0, 0, 0, 'a', 'b'});
    }

    @Test
    void setRangesOverwritesInPlaceAndExtendsWithZeros() {
        tier.set("k", bytes("0123456789"));
        tier.setRanges("k", List.of(new Chunk(1, bytes("ab")), new Chunk(7, bytes("XY"))));
        assertThat(tier.get("k")).isEqualTo(bytes("0ab3456XY9"));

        tier.setRanges("k", List.of(new Chunk(12, bytes("Z"))));
        assertThat(tier.get("k")).isEqualTo(concat(bytes("0ab3456XY9"), new byte[] {0, 0}, bytes("Z")));

        tier.setRanges("k", List.of(new Chunk(12, bytes("QRS"))));
        assertThat(tier.size("k")).as("a chunk crossing the end extends").isEqualTo(15);
        assertThat(tier.getRange("k", 12, 10)).isEqualTo(bytes("QRS"));
    }

    @Test
    void setRangesAppliesChunksInOrder() {
        tier.setRanges("k", List.of(new Chunk(0, bytes("aaaa")), new Chunk(2, bytes("bb")), new Chunk(3, bytes("c"))));
        assertThat(tier.get("k")).isEqualTo(bytes("aabc"));
    }

    @Test
    void setRangesEdgeCases() {
        tier.setRanges("none", List.of());
        assertThat(tier.size("none")).as("no chunk: the missing key is created empty").isZero();

        tier.setRanges("emptyChunk", List.of(new Chunk(3, new byte[0])));
        assertThat(tier.get("emptyChunk")).as("an empty chunk ending at 3 extends to 3").isEqualTo(new byte[3]);

        tier.set("short", bytes("ab"));
        tier.setRanges("short", List.of(new Chunk(1, new byte[0])));
        assertThat(tier.get("short")).as("an empty chunk inside changes nothing").isEqualTo(bytes("ab"));
        tier.setRanges("short", List.of());
        assertThat(tier.get("short")).isEqualTo(bytes("ab"));
    }

    @Test
    void setRangesIsAtomicForReaders() throws Exception {
        int chunk = 1024;
        int gap = 8192;
        int rounds = 150;
        tier.setRanges("atom", List.of(new Chunk(0, filled(chunk, 0)), new Chunk(gap, filled(chunk, 0))));
        AtomicBoolean done = new AtomicBoolean();
        AtomicInteger torn = new AtomicInteger();
        AtomicInteger reads = new AtomicInteger();
        try (ExecutorService pool = Executors.newFixedThreadPool(3)) {
            List<Future<?>> readers = new ArrayList<>();
            for (int r = 0; r < 2; r++) {
                readers.add(pool.submit(() -> {
                    while (!done.get()) {
                        byte[] v = tier.get("atom");
                        reads.incrementAndGet();
                        byte first = v[0];
                        for (int i = 0; i < chunk; i++) {
                            if (v[i] != first || v[gap + i] != first) {
                                torn.incrementAndGet();
                                break;
                            }
                        }
                    }
                    return null;
                }));
            }
            Future<?> writer = pool.submit(() -> {
                for (int round = 1; round <= rounds; round++) {
                    tier.setRanges("atom", List.of(new Chunk(0, filled(chunk, round)), new Chunk(gap, filled(chunk, round))));
                }
                done.set(true);
                return null;
            });
            writer.get();
            for (Future<?> f : readers) {
                f.get();
            }
        }
        assertThat(reads.get()).isPositive();
        assertThat(torn.get()).as("reads that saw one chunk of a setRanges but not the other").isZero();
        assertThat(tier.getRange("atom", gap, 1)).containsExactly((byte) rounds);
    }

    // ---- delete / keys ----

    @Test
    void deleteRemovesTheValueAndItsAppendedList() {
        tier.set("k", bytes("v"));
        tier.append("k", bytes("e"));
        assertThat(tier.delete("k")).isTrue();
        assertThat(tier.get("k")).isNull();
        assertThat(tier.size("k")).isEqualTo(-1);
        assertThat(tier.readAppended("k", 10)).isEmpty();
        assertThat(tier.keys("")).isEmpty();
        assertThat(tier.delete("k")).as("nothing left").isFalse();

        tier.append("onlyList", bytes("e"));
        assertThat(tier.delete("onlyList")).as("a list alone counts").isTrue();
        assertThat(tier.delete("never")).isFalse();
    }

    @Test
    void keysListsValuesAndListsByPrefixSorted() {
        tier.set("alice/b", bytes("1"));
        tier.set("alice/a", bytes("1"));
        tier.append("alice/list", bytes("x"));
        tier.set("alice/both", bytes("1"));
        tier.append("alice/both", bytes("1"));
        tier.set("bob/a", bytes("1"));
        tier.set("alicex", bytes("1"));

        assertThat(tier.keys("alice/")).containsExactly("alice/a", "alice/b", "alice/both", "alice/list");
        assertThat(tier.keys("alice")).containsExactly("alice/a", "alice/b", "alice/both", "alice/list", "alicex");
        assertThat(tier.keys("bob/")).containsExactly("bob/a");
        assertThat(tier.keys("carol/")).isEmpty();
        assertThat(tier.keys("")).hasSize(6);
        assertThat(tier.keys("alice/a")).containsExactly("alice/a");

        tier.delete("alice/b");
        tier.clearAppended("alice/list");
        assertThat(tier.keys("alice/")).containsExactly("alice/a", "alice/both");
    }

    @Test
    void keysTakesGlobCharactersLiterally() {
        List<String> all = List.of("g/a*b", "g/a?c", "g/[x]", "g/a\\d", "g/a", "g/ab", "g/^-]", "h/a*b");
        for (String k : all) {
            tier.set(k, bytes(k));
        }
        assertThat(tier.keys("g/a*")).containsExactly("g/a*b");
        assertThat(tier.keys("g/a?")).containsExactly("g/a?c");
        assertThat(tier.keys("g/[")).containsExactly("g/[x]");
        assertThat(tier.keys("g/[x")).containsExactly("g/[x]");
        assertThat(tier.keys("g/a\\")).containsExactly("g/a\\d");
        assertThat(tier.keys("g/^-]")).containsExactly("g/^-]");
        assertThat(tier.keys("*")).isEmpty();
        assertThat(tier.keys("?")).isEmpty();
        assertThat(tier.keys("g/a")).containsExactly("g/a", "g/a*b", "g/a?c", "g/a\\d", "g/ab");
        assertThat(tier.keys("g/")).containsExactly("g/[x]", "g/^-]", "g/a", "g/a*b", "g/a?c", "g/a\\d", "g/ab");
        for (String k : all) {
            assertThat(tier.get(k)).isEqualTo(bytes(k));
        }
    }

    @Test
    void oddKeysStayApart() {
        // braces, separators and strings that look like derived names must not collide
        List<String> odd = List.of("", "{", "}", "}x", "{a}", "x}:a", "x}:v", "x}:l", "x", "x:a", "k:x",
                "ключ/ü/🙂", " spaced key ", "tab\tnl\n", "nul\u0000byte");
        for (String k : odd) {
            tier.set(k, bytes("v=" + k));
            tier.append(k, bytes("a=" + k));
        }
        for (String k : odd) {
            assertThat(tier.get(k)).as(k).isEqualTo(bytes("v=" + k));
            assertThat(tier.readAppended(k, 10)).as(k).containsExactly(bytes("a=" + k));
        }
        List<String> sorted = new ArrayList<>(odd);
        sorted.sort(null);
        assertThat(tier.keys("")).containsExactlyElementsOf(sorted);
        assertThat(tier.keys("x}")).containsExactly("x}:a", "x}:l", "x}:v");
        assertThat(tier.keys("ключ/")).containsExactly("ключ/ü/🙂");
        String lock = tier.tryLock("x", Duration.ofSeconds(10));
        assertThat(lock).isNotNull();
        assertThat(tier.tryLock("x}:l", Duration.ofSeconds(10))).as("another key's lock").isNotNull();
        assertThat(tier.keys("")).as("locks are not keys").containsExactlyElementsOf(sorted);
        assertThat(tier.unlock("x", lock)).isTrue();
    }

    // ---- appended lists ----

    @Test
    void appendedListsAreKeptApartFromValues() {
        tier.append("k", bytes("one"));
        assertThat(tier.get("k")).as("an append makes no value").isNull();
        assertThat(tier.size("k")).isEqualTo(-1);
        assertThat(tier.keys("")).containsExactly("k");

        tier.set("k", bytes("value"));
        tier.append("k", bytes("two"));
        assertThat(tier.get("k")).isEqualTo(bytes("value"));
        assertThat(tier.readAppended("k", 10)).containsExactly(bytes("one"), bytes("two"));

        tier.clearAppended("k");
        assertThat(tier.readAppended("k", 10)).isEmpty();
        assertThat(tier.get("k")).as("clearing the list keeps the value").isEqualTo(bytes("value"));
        tier.set("k", bytes("other"));
        tier.clearAppended("never");
    }

    @Test
    void readAppendedReturnsTheFirstCountInOrder() {
        for (int i = 0; i < 5; i++) {
            tier.append("k", bytes("e" + i));
        }
        tier.append("k", new byte[0]);
        assertThat(tier.readAppended("k", 3)).containsExactly(bytes("e0"), bytes("e1"), bytes("e2"));
        assertThat(tier.readAppended("k", 0)).isEmpty();
        assertThat(tier.readAppended("k", 100)).hasSize(6).last().isEqualTo(new byte[0]);
        assertThat(tier.readAppended("missing", 3)).isEmpty();
    }

    @Test
    void concurrentAppendsKeepEachWritersOrder() throws Exception {
        int writers = 4;
        int each = 50;
        CountDownLatch start = new CountDownLatch(1);
        try (ExecutorService pool = Executors.newFixedThreadPool(writers)) {
            List<Future<?>> fs = new ArrayList<>();
            for (int w = 0; w < writers; w++) {
                int id = w;
                fs.add(pool.submit(() -> {
                    start.await();
                    for (int i = 0; i < each; i++) {
                        tier.append("log", bytes(id + ":" + i));
                    }
                    return null;
                }));
            }
            start.countDown();
            for (Future<?> f : fs) {
                f.get();
            }
        }
        List<byte[]> all = tier.readAppended("log", writers * each + 10);
        assertThat(all).hasSize(writers * each);
        int[] next = new int[writers];
        for (byte[] e : all) {
            String[] p = new String(e, StandardCharsets.UTF_8).split(":");
            int w = Integer.parseInt(p[0]);
            assertThat(Integer.parseInt(p[1])).as("writer %d's next element", w).isEqualTo(next[w]);
            next[w]++;
        }
        assertThat(next).containsOnly(each);
    }

    // ---- locks ----

    @Test
    void aLockIsExclusiveUntilUnlocked() {
        String t = tier.tryLock("k", Duration.ofSeconds(30));
        assertThat(t).isNotNull();
        assertThat(tier.tryLock("k", Duration.ofSeconds(30))).as("held").isNull();
        assertThat(tier.tryLock("other", Duration.ofSeconds(30))).as("locks are per key").isNotNull();
        assertThat(tier.unlock("k", "not-the-token")).isFalse();
        assertThat(tier.tryLock("k", Duration.ofSeconds(30))).as("a wrong unlock changes nothing").isNull();
        assertThat(tier.unlock("k", t)).isTrue();
        assertThat(tier.unlock("k", t)).as("already released").isFalse();
        String t2 = tier.tryLock("k", Duration.ofSeconds(30));
        assertThat(t2).isNotNull().isNotEqualTo(t);
        assertThat(tier.unlock("k", t2)).isTrue();
        assertThat(tier.get("k")).as("a lock makes no value").isNull();
    }

    @Test
    void locksExcludeEachOtherAcrossThreads() throws Exception {
        int threads = 4;
        int rounds = 15;
        AtomicInteger inside = new AtomicInteger();
        AtomicInteger overlaps = new AtomicInteger();
        int[] counter = {0};
        Object guard = new Object(); // only for memory visibility of counter, not for exclusion
        try (ExecutorService pool = Executors.newFixedThreadPool(threads)) {
            List<Future<?>> fs = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                fs.add(pool.submit(() -> {
                    for (int r = 0; r < rounds; r++) {
                        String token;
                        while ((token = tier.tryLock("mutex", Duration.ofSeconds(30))) == null) {
                            Thread.sleep(1);
                        }
                        if (inside.incrementAndGet() != 1) {
                            overlaps.incrementAndGet();
                        }
                        int seen;
                        synchronized (guard) {
                            seen = counter[0];
                        }
                        Thread.sleep(1);
                        synchronized (guard) {
                            counter[0] = seen + 1;
                        }
                        inside.decrementAndGet();
                        assertThat(tier.unlock("mutex", token)).isTrue();
                    }
                    return null;
                }));
            }
            for (Future<?> f : fs) {
                f.get();
            }
        }
        assertThat(overlaps.get()).isZero();
        synchronized (guard) {
            assertThat(counter[0]).isEqualTo(threads * rounds);
        }
    }

    @Test
    void anEndedLeaseFreesTheLockAndItsTokenGoesStale() {
        String first = tier.tryLock("k", Duration.ofMillis(200));
        assertThat(first).isNotNull();
        String[] second = {null};
        eventually(Duration.ofSeconds(5), () -> (second[0] = tier.tryLock("k", Duration.ofSeconds(30))) != null);
        assertThat(tier.unlock("k", first)).as("the first holder's lease ended").isFalse();
        assertThat(tier.tryLock("k", Duration.ofSeconds(30))).as("the stale unlock freed nothing").isNull();
        assertThat(tier.unlock("k", second[0])).isTrue();
    }

    @Test
    void unlockAfterTheLeaseEndedReturnsFalseEvenWhenNobodyTookIt() throws InterruptedException {
        String t = tier.tryLock("k", Duration.ofMillis(100));
        assertThat(t).isNotNull();
        Thread.sleep(400); // well past the lease: nobody takes the lock meanwhile
        assertThat(tier.unlock("k", t)).isFalse();
        assertThat(tier.tryLock("k", Duration.ofSeconds(5))).as("free").isNotNull();
    }

    // ---- stats ----

    @Test
    void statsCountBytesAndRoundTrips() {
        tier.setRanges("warm", List.of(new Chunk(0, bytes("w")))); // scripts loaded, connections warm
        TierStats s = tier.stats();
        long w = s.bytesWritten();
        long r = s.bytesRead();
        long t = s.roundTrips();

        tier.set("k", new byte[100]);
        assertThat(s.bytesWritten() - w).isEqualTo(100);
        assertThat(s.roundTrips() - t).isEqualTo(1);

        tier.get("k");
        assertThat(s.bytesRead() - r).isEqualTo(100);

        tier.getRange("k", 10, 20);
        assertThat(s.bytesRead() - r).isEqualTo(120);

        tier.getRange("k", 95, 20);
        assertThat(s.bytesRead() - r).as("only the bytes that came back").isEqualTo(125);

        long before = s.roundTrips();
        tier.setRanges("k", List.of(new Chunk(0, new byte[3]), new Chunk(50, new byte[4]), new Chunk(90, new byte[5])));
        assertThat(s.bytesWritten() - w).isEqualTo(112);
        assertThat(s.roundTrips() - before).as("all chunks in one round trip").isEqualTo(1);

        tier.append("k", new byte[6]);
        assertThat(s.bytesWritten() - w).isEqualTo(118);
        tier.readAppended("k", 10);
        assertThat(s.bytesRead() - r).isEqualTo(131);

        long trips = s.roundTrips();
        tier.size("k");
        String lock = tier.tryLock("k", Duration.ofSeconds(5));
        tier.unlock("k", lock);
        tier.keys("");
        tier.delete("k");
        assertThat(s.roundTrips()).isGreaterThanOrEqualTo(trips + 5);
        assertThat(s.bytesWritten() - w).as("no value bytes moved").isEqualTo(118);
        assertThat(s.bytesRead() - r).isEqualTo(131);
    }

    @Test
    void aClosedTierRefusesCallsAndClosingTwiceIsFine() {
        tier.set("k", bytes("v"));
        tier.close();
        assertThatThrownBy(() -> tier.get("k")).isInstanceOf(GlobalTierException.class);
        tier.close();
    }

    // ---- helpers ----

    protected static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    protected static byte[] filled(int n, int b) {
        byte[] a = new byte[n];
        Arrays.fill(a, (byte) b);
        return a;
    }

    protected static byte[] concat(byte[]... parts) {
        int n = 0;
        for (byte[] p : parts) {
            n += p.length;
        }
        byte[] out = new byte[n];
        int at = 0;
        for (byte[] p : parts) {
            System.arraycopy(p, 0, out, at, p.length);
            at += p.length;
        }
        return out;
    }

    /** Polls {@code condition} every 20 ms until it holds; fails after {@code limit}. */
    protected static void eventually(Duration limit, BooleanSupplier condition) {
        long deadline = System.nanoTime() + limit.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) {
                throw new AssertionError("condition did not hold within " + limit);
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted", e);
            }
        }
    }
}
