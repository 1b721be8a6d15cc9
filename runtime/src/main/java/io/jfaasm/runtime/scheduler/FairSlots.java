package io.jfaasm.runtime.scheduler;

import io.jfaasm.runtime.isolation.TenantWeights;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A host's execution slots, shared between tenants (users) by weight rather than first come,
 * first served: when a slot frees and calls are waiting, it goes to the waiting tenant with the
 * fewest running calls relative to its weight; among equals, to the one served least recently in
 * proportion to its weight (stride scheduling: each grant advances a tenant's pass by
 * 1/weight), and within a tenant, to its oldest waiter. So a tenant with many queued calls cannot
 * take every slot while another waits: with equal weights and both busy, each holds half.
 *
 * <p>This is the CPU guarantee at call granularity where cgroups are not writable, and who gets a
 * slot where they are (cgroups then share CPU between the calls that run). A slot is handed
 * directly to the waiter chosen, so nobody barges past the queue.
 */
public final class FairSlots {
    private final TenantWeights weights;
    private final ReentrantLock lock = new ReentrantLock();
    private final Map<String, Tenant> tenants = new HashMap<>();
    private int free;
    private int waiting;
    private long arrivals;

    private static final class Tenant {
        final int weight;
        final ArrayDeque<Waiter> queue = new ArrayDeque<>();
        int running;
        double pass;

        Tenant(int weight, double pass) {
            this.weight = weight;
            this.pass = pass;
        }

        boolean idle() {
            return running == 0 && queue.isEmpty();
        }
    }

    private static final class Waiter {
        final Condition granted;
        final long arrival;
        boolean hasSlot;

        Waiter(Condition granted, long arrival) {
            this.granted = granted;
            this.arrival = arrival;
        }
    }

    public FairSlots(int slots, TenantWeights weights) {
        if (slots < 1) {
            throw new IllegalArgumentException("slots must be at least 1, not " + slots);
        }
        this.free = slots;
        this.weights = weights;
    }

    /** Takes a slot for {@code user} if one is free now (none is while others wait). */
    public boolean tryAcquire(String user) {
        lock.lock();
        try {
            if (free == 0) {
                return false;
            }
            free--;
            grant(tenant(user));
            return true;
        } finally {
            lock.unlock();
        }
    }

    /** Waits for a slot for {@code user}, its turn decided as the class says. */
    public void acquire(String user) throws InterruptedException {
        if (!tryAcquire(user, Long.MAX_VALUE, TimeUnit.NANOSECONDS)) {
            throw new IllegalStateException("unreachable: an unbounded wait ended without a slot");
        }
    }

    /** Waits up to {@code timeout} for a slot for {@code user}; false when none came. */
    public boolean tryAcquire(String user, long timeout, TimeUnit unit) throws InterruptedException {
        lock.lockInterruptibly();
        try {
            if (free > 0) {
                free--;
                grant(tenant(user));
                return true;
            }
            Tenant t = tenant(user);
            Waiter w = new Waiter(lock.newCondition(), arrivals++);
            t.queue.add(w);
            waiting++;
            long nanos = unit.toNanos(timeout);
            try {
                while (!w.hasSlot) {
                    if (nanos <= 0) {
                        leaveQueue(user, t, w);
                        return false;
                    }
                    nanos = w.granted.awaitNanos(nanos);
                }
                return true;
            } catch (InterruptedException e) {
                if (w.hasSlot) {
                    releaseLocked(user); // handed over as we were interrupted: pass it on
                } else {
                    leaveQueue(user, t, w);
                }
                throw e;
            }
        } finally {
            lock.unlock();
        }
    }

    /** Gives back a slot {@code user} holds: to the next waiter by turn, else to the free pool. */
    public void release(String user) {
        lock.lock();
        try {
            releaseLocked(user);
        } finally {
            lock.unlock();
        }
    }

    private void releaseLocked(String user) {
        Tenant t = tenants.get(user);
        if (t == null || t.running == 0) {
            throw new IllegalStateException(user + " holds no slot");
        }
        t.running--;
        Tenant next = next();
        if (next == null) {
            free++;
        } else {
            Waiter w = next.queue.poll();
            waiting--;
            grant(next);
            w.hasSlot = true;
            w.granted.signal();
        }
        forgetIfIdle(user, t);
    }

    /** The tenant whose waiter goes next: fewest running per weight, then lowest pass, then oldest. */
    private Tenant next() {
        if (waiting == 0) {
            return null;
        }
        Tenant best = null;
        for (Tenant t : tenants.values()) {
            if (t.queue.isEmpty()) {
                continue;
            }
            if (best == null || before(t, best)) {
                best = t;
            }
        }
        return best;
    }

    private static boolean before(Tenant a, Tenant b) {
        // running/weight compared without division: a.running * b.weight vs b.running * a.weight
        long ra = (long) a.running * b.weight;
        long rb = (long) b.running * a.weight;
        if (ra != rb) {
            return ra < rb;
        }
        if (a.pass != b.pass) {
            return a.pass < b.pass;
        }
        return a.queue.peek().arrival < b.queue.peek().arrival;
    }

    private void grant(Tenant t) {
        t.running++;
        t.pass += 1.0 / t.weight;
    }

    /**
     * The tenant's entry, made when it becomes active. A newcomer starts at the lowest pass of the
     * active tenants: no credit for having been idle, no debt either.
     */
    private Tenant tenant(String user) {
        Tenant t = tenants.get(user);
        if (t == null) {
            double start = tenants.values().stream().mapToDouble(o -> o.pass).min().orElse(0);
            t = new Tenant(weights.of(user), start);
            tenants.put(user, t);
        }
        return t;
    }

    private void leaveQueue(String user, Tenant t, Waiter w) {
        t.queue.remove(w);
        waiting--;
        forgetIfIdle(user, t);
    }

    private void forgetIfIdle(String user, Tenant t) {
        if (t.idle()) {
            tenants.remove(user);
        }
    }

    /** Slots free now. */
    public int free() {
        lock.lock();
        try {
            return free;
        } finally {
            lock.unlock();
        }
    }

    /** Calls waiting for a slot now. */
    public int waiting() {
        lock.lock();
        try {
            return waiting;
        } finally {
            lock.unlock();
        }
    }
}
