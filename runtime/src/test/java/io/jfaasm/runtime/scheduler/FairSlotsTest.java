package io.jfaasm.runtime.scheduler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jfaasm.runtime.isolation.TenantWeights;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The order in which queued calls get slots: by running calls per weight, then by stride, then by
 * arrival. Each waiter is queued only after the previous one is, and each slot is released only
 * after the previous grant was seen, so every order asserted is exact.
 */
@Timeout(30)
class FairSlotsTest {
    final List<String> grants = new CopyOnWriteArrayList<>();
    final List<Thread> threads = new ArrayList<>();

    @AfterEach
    void stop() {
        threads.forEach(Thread::interrupt);
    }

    /** Queues a waiter for {@code user} that records its grant; returns once it waits. */
    void queue(FairSlots slots, String user) throws InterruptedException {
        int before = slots.waiting();
        threads.add(Thread.ofVirtual().start(() -> {
            try {
                slots.acquire(user);
                grants.add(user);
            } catch (InterruptedException e) {
                // the test ended
            }
        }));
        while (slots.waiting() == before) {
            Thread.sleep(1);
        }
    }

    /** Releases one slot of {@code user} and returns who got it. */
    String releaseAndSee(FairSlots slots, String user) throws InterruptedException {
        int before = grants.size();
        slots.release(user);
        while (grants.size() == before) {
            Thread.sleep(1);
        }
        return grants.get(before);
    }

    /** With one slot, each grant goes to whoever held the last one's turn; returns the grant order. */
    List<String> drain(FairSlots slots, String holder, int n) throws InterruptedException {
        List<String> order = new ArrayList<>();
        String last = holder;
        for (int i = 0; i < n; i++) {
            last = releaseAndSee(slots, last);
            order.add(last);
        }
        return order;
    }

    @Test
    void equalTenantsAlternateInsteadOfFirstComeFirstServed() throws Exception {
        FairSlots slots = new FairSlots(1, TenantWeights.EQUAL);
        assertThat(slots.tryAcquire("a")).isTrue();
        for (int i = 0; i < 6; i++) {
            queue(slots, "a");
        }
        for (int i = 0; i < 3; i++) {
            queue(slots, "b");
        }
        // b arrived after all six of a's calls, yet gets every other slot
        assertThat(drain(slots, "a", 9)).containsExactly("a", "b", "a", "b", "a", "b", "a", "a", "a");
    }

    @Test
    void weightsSetTheProportions() throws Exception {
        FairSlots slots = new FairSlots(1, new TenantWeights(Map.of("a", 2), 1));
        assertThat(slots.tryAcquire("a")).isTrue();
        for (int i = 0; i < 6; i++) {
            queue(slots, "a");
        }
        for (int i = 0; i < 3; i++) {
            queue(slots, "b");
        }
        assertThat(drain(slots, "a", 9)).containsExactly("a", "b", "a", "a", "b", "a", "a", "b", "a");
    }

    @Test
    void aFreedSlotGoesToTheTenantRunningFewestCalls() throws Exception {
        FairSlots slots = new FairSlots(2, TenantWeights.EQUAL);
        assertThat(slots.tryAcquire("a")).isTrue();
        assertThat(slots.tryAcquire("a")).isTrue();
        queue(slots, "a");
        queue(slots, "a");
        queue(slots, "b");
        // a still runs one call, b none: b's slot, though a's waiters came first
        assertThat(releaseAndSee(slots, "a")).isEqualTo("b");
        assertThat(releaseAndSee(slots, "a")).isEqualTo("a");
    }

    @Test
    void aFreeSlotIsTakenAtOnceButNeverPastTheQueue() throws Exception {
        FairSlots slots = new FairSlots(1, TenantWeights.EQUAL);
        assertThat(slots.tryAcquire("a")).isTrue();
        assertThat(slots.tryAcquire("b")).isFalse();
        queue(slots, "b");
        slots.release("a");
        while (grants.isEmpty()) {
            Thread.sleep(1);
        }
        assertThat(slots.tryAcquire("c")).as("the slot went to b's waiter, not to a newcomer").isFalse();
        slots.release("b");
        assertThat(slots.free()).isEqualTo(1);
        assertThatThrownBy(() -> slots.release("b")).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void weightsAreParsedAndCheckedAsTheCommandLineGivesThem() {
        TenantWeights w = TenantWeights.parse(List.of("a=3", " b=100 "));
        assertThat(w.of("a")).isEqualTo(3);
        assertThat(w.of("b")).isEqualTo(100);
        assertThat(w.of("anyone")).isEqualTo(1);
        for (String bad : List.of("a=0", "a=101", "a", "=2", "../x=2", "a=-1", "a b=2")) {
            assertThatThrownBy(() -> TenantWeights.parse(List.of(bad))).as(bad)
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("1 to 100");
        }
    }

    @Test
    void aWaiterThatGivesUpOrIsInterruptedLeavesNoTrace() throws Exception {
        FairSlots slots = new FairSlots(1, TenantWeights.EQUAL);
        assertThat(slots.tryAcquire("a")).isTrue();
        assertThat(slots.tryAcquire("b", 20, TimeUnit.MILLISECONDS)).isFalse();
        assertThat(slots.waiting()).isZero();
        Thread t = Thread.ofVirtual().start(() -> {
            try {
                slots.acquire("b");
            } catch (InterruptedException e) {
                grants.add("interrupted");
            }
        });
        while (slots.waiting() == 0) {
            Thread.sleep(1);
        }
        t.interrupt();
        t.join();
        assertThat(grants).containsExactly("interrupted");
        assertThat(slots.waiting()).isZero();
        slots.release("a");
        assertThat(slots.free()).as("no slot lost").isEqualTo(1);
    }
}
