package io.jfaasm.runtime.state;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The global tier contract against the embedded tier, plus what only it can show (its clock). */
class InMemoryGlobalTierTest extends GlobalTierContract {

    @Override
    protected GlobalTier newTier() {
        return new InMemoryGlobalTier();
    }

    @Test
    void leasesFollowTheTiersClockExactly() {
        AtomicLong now = new AtomicLong(1_000);
        try (InMemoryGlobalTier t = new InMemoryGlobalTier(now::get)) {
            String a = t.tryLock("k", Duration.ofNanos(1_000_000)); // 1 ms
            assertThat(a).isNotNull();
            now.addAndGet(999_999);
            assertThat(t.tryLock("k", Duration.ofSeconds(1))).as("1 ns before the end").isNull();
            now.addAndGet(1);
            String b = t.tryLock("k", Duration.ofSeconds(1));
            assertThat(b).as("at the end").isNotNull();
            assertThat(t.unlock("k", a)).isFalse();
            assertThat(t.unlock("k", b)).isTrue();

            String c = t.tryLock("k", Duration.ofMillis(5));
            now.addAndGet(Duration.ofMillis(5).toNanos());
            assertThat(t.unlock("k", c)).as("ended, though nobody took it").isFalse();
            assertThat(t.tryLock("k", Duration.ofDays(365L * 1000))).as("a huge lease does not overflow").isNotNull();
            now.addAndGet(Duration.ofDays(365L * 10).toNanos());
            assertThat(t.tryLock("k", Duration.ofSeconds(1))).isNull();
        }
    }

    @Test
    void deleteAndRecreateUnderConcurrentWritersLosesNoEntryState() throws Exception {
        try (InMemoryGlobalTier t = new InMemoryGlobalTier()) {
            Thread deleter = Thread.ofPlatform().start(() -> {
                for (int i = 0; i < 2_000; i++) {
                    t.delete("k");
                }
            });
            for (int i = 0; i < 2_000; i++) {
                t.setRanges("k", List.of(new GlobalTier.Chunk(0, new byte[] {1, 2})));
                byte[] v = t.get("k");
                assertThat(v == null || v.length == 2).isTrue();
            }
            deleter.join();
            t.set("k", new byte[] {9});
            assertThat(t.get("k")).containsExactly(9);
            assertThat(t.keys("")).containsExactly("k");
        }
    }
}
