package io.jfaasm.runtime.scheduler;

import static org.assertj.core.api.Assertions.assertThat;

import io.jfaasm.runtime.FaasletHost;
import io.jfaasm.runtime.faaslet.CallResult;
import io.jfaasm.runtime.faaslet.Failure;
import io.jfaasm.runtime.testing.Examples;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Schedulers of several hosts in one process, joined by an in-memory {@link CallForwarder} and a
 * shared function store: calls handed between them when one is full, hops and loops, hosts lost
 * with calls on them, functions deployed from the shared store.
 */
class ForwardingTest {
    static final FunctionId SQUARE = new FunctionId("demo", "square");
    static final FunctionId FANOUT = new FunctionId("demo", "fanout");
    static final FunctionId SLEEP = new FunctionId("demo", "sleep");

    final SharedStore store = new SharedStore();
    final Map<String, Scheduler> schedulers = new LinkedHashMap<>();
    final List<FaasletHost> hosts = new ArrayList<>();
    final List<List<String>> routes = new CopyOnWriteArrayList<>();
    final Set<String> lostOnArrival = ConcurrentHashMap.newKeySet();
    final Set<String> refusing = ConcurrentHashMap.newKeySet();
    final Map<String, java.util.concurrent.atomic.AtomicInteger> sent = new ConcurrentHashMap<>();
    volatile boolean greedy;

    @AfterEach
    void stop() {
        schedulers.values().forEach(Scheduler::close);
        hosts.forEach(FaasletHost::close);
    }

    Scheduler start(String id, int slots, int maxHops) {
        FaasletHost h = FaasletHost.create(FaasletHost.Config.defaults());
        hosts.add(h);
        Scheduler s = new Scheduler(h, store, Scheduler.Config.defaults(id).withSlots(slots, 1000), SchedulerListener.NONE);
        s.forwardTo(new Net(id, maxHops));
        schedulers.put(id, s);
        return s;
    }

    /** The in-memory network: picks a host with room (or any, when greedy) and hands calls to it. */
    final class Net implements CallForwarder {
        final String self;
        final int maxHops;

        Net(String self, int maxHops) {
            this.self = self;
            this.maxHops = maxHops;
        }

        @Override
        public int maxHops() {
            return maxHops;
        }

        @Override
        public synchronized String pick(FunctionId function, Collection<String> exclude) {
            for (Map.Entry<String, Scheduler> e : schedulers.entrySet()) {
                Scheduler s = e.getValue();
                var n = sent.computeIfAbsent(e.getKey(), k -> new java.util.concurrent.atomic.AtomicInteger());
                if (!e.getKey().equals(self) && !exclude.contains(e.getKey())
                        && (greedy || n.get() < s.config().slots())) {
                    n.incrementAndGet(); // like the real one: counts what it sent until it comes back
                    return e.getKey();
                }
            }
            return null;
        }

        @Override
        public RemoteResult forward(String host, ForwardedCall call) throws RemoteHostException {
            try {
                return send(host, call);
            } finally {
                sent.get(host).decrementAndGet();
            }
        }

        private RemoteResult send(String host, ForwardedCall call) throws RemoteHostException {
            routes.add(call.visited());
            if (refusing.contains(host)) {
                throw new RemoteHostException(host, "it is full", false, null);
            }
            CallRecord r = schedulers.get(host).accept(call);
            try {
                r.done().get(60, TimeUnit.SECONDS);
            } catch (Exception e) {
                throw new RemoteHostException(host, e.toString(), true, e);
            }
            if (lostOnArrival.contains(host)) {
                throw new RemoteHostException(host, "connection reset", true, null);
            }
            CallResult res = r.result() != null ? r.result()
                    : CallResult.notStarted(new Failure(Failure.Kind.INTERNAL, String.valueOf(r.error())), 0);
            return new RemoteResult(r.host(), res, r.error(), r.children());
        }
    }

    /** A store shared by the schedulers, telling each watcher of every change. */
    static final class SharedStore implements FunctionStore {
        final Map<FunctionId, Stored> functions = new ConcurrentHashMap<>();
        final List<Consumer<FunctionId>> watchers = new CopyOnWriteArrayList<>();

        @Override
        public boolean shared() {
            return true;
        }

        @Override
        public void put(FunctionId id, byte[] wasm) {
            put(new FunctionInfo(id, sha(wasm), wasm.length, 0, java.time.Instant.now()), wasm);
        }

        @Override
        public void put(FunctionInfo info, byte[] wasm) {
            functions.put(info.id(), new Stored(wasm, new FunctionInfo(info.id(), sha(wasm), wasm.length,
                    info.compileMillis(), info.uploadedAt(), info.idempotent())));
            watchers.forEach(w -> w.accept(info.id()));
        }

        @Override
        public Stored fetch(FunctionId id) {
            return functions.get(id);
        }

        @Override
        public byte[] get(FunctionId id) {
            Stored s = functions.get(id);
            return s == null ? null : s.wasm();
        }

        @Override
        public FunctionInfo describe(FunctionId id) {
            Stored s = functions.get(id);
            return s == null ? null : s.info();
        }

        @Override
        public boolean delete(FunctionId id) {
            boolean had = functions.remove(id) != null;
            watchers.forEach(w -> w.accept(id));
            return had;
        }

        @Override
        public List<FunctionId> list() {
            return new ArrayList<>(functions.keySet());
        }

        @Override
        public void watch(Consumer<FunctionId> changed) {
            watchers.add(changed);
        }

        static String sha(byte[] b) {
            try {
                return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(b));
            } catch (java.security.NoSuchAlgorithmException e) {
                throw new IllegalStateException(e);
            }
        }
    }

    static String out(CallRecord r) {
        return new String(r.output(), StandardCharsets.UTF_8);
    }

    static CallRecord await(CallRecord r) throws Exception {
        return r.done().get(60, TimeUnit.SECONDS);
    }

    static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void aFullHostHandsChainedCallsToOthersAndAwaitsThem() throws Exception {
        Scheduler a = start("a", 1, 1);
        start("b", 2, 1);
        start("c", 2, 1);
        a.upload(SQUARE, Examples.bytes("square"));
        a.upload(FANOUT, Examples.bytes("fanout"));
        CallRecord r = await(a.submit(FANOUT, utf8("20")));
        assertThat(out(r)).isEqualTo("2870");
        assertThat(r.children()).hasSize(20);
        Set<String> ranOn = new HashSet<>();
        for (String child : r.children()) {
            CallRecord c = a.record(child).orElseThrow();
            assertThat(c.status()).isEqualTo(CallStatus.DONE);
            ranOn.add(c.host());
        }
        assertThat(ranOn).as("children ran on other hosts too").contains("b").hasSizeGreaterThanOrEqualTo(2);
        assertThat(routes).allSatisfy(v -> assertThat(v).hasSize(2).first().isEqualTo("a"));
        // b and c deployed the functions from the shared store when first called
        assertThat(out(await(a.submit(FANOUT, utf8("ptr:20"))))).isEqualTo("2870");
    }

    @Test
    void callsNeverLoopWhateverTheForwarderPicks() throws Exception {
        greedy = true; // picks any host not excluded, full or not
        Scheduler a = start("a", 1, 5);
        start("b", 1, 5);
        start("c", 1, 5);
        a.upload(SLEEP, Examples.bytes("sleep"));
        List<CallRecord> calls = new ArrayList<>();
        for (int i = 0; i < 9; i++) {
            calls.add(a.submit(SLEEP, utf8("50")));
        }
        for (CallRecord r : calls) {
            assertThat(out(await(r))).isEqualTo("slept 50");
        }
        assertThat(routes).isNotEmpty().allSatisfy(v -> {
            assertThat(v).doesNotHaveDuplicates();
            assertThat(v.size()).isLessThanOrEqualTo(3);
        });
    }

    @Test
    void aHostLostWithACallFailsItVisiblyUnlessTheFunctionIsIdempotent() throws Exception {
        Scheduler a = start("a", 1, 1);
        start("b", 1, 1);
        FunctionId again = new FunctionId("demo", "sleep_again");
        a.upload(SLEEP, Examples.bytes("sleep"));
        a.upload(again, Examples.bytes("sleep"), true);
        lostOnArrival.add("b");

        CallRecord busy = a.submit(SLEEP, utf8("1000")); // takes a's only slot
        Thread.sleep(100);
        CallRecord lost = a.submit(SLEEP, utf8("10"));
        CallRecord retried = a.submit(again, utf8("10"));
        await(lost);
        assertThat(lost.status()).isEqualTo(CallStatus.FAILED);
        assertThat(lost.error()).isEqualTo("host b stopped responding: connection reset");
        assertThat(lost.host()).isEqualTo("b");
        assertThat(lost.output()).isEmpty();
        await(retried);
        assertThat(retried.status()).as("idempotent: ran again, here").isEqualTo(CallStatus.DONE);
        assertThat(out(retried)).isEqualTo("slept 10");
        assertThat(retried.host()).isEqualTo("a");
        assertThat(out(await(busy))).isEqualTo("slept 1000");
    }

    @Test
    void aHostThatRefusesACallIsReplacedAndTheCallRunsAnyway() throws Exception {
        Scheduler a = start("a", 1, 1);
        start("b", 1, 1);
        start("c", 1, 1);
        a.upload(SLEEP, Examples.bytes("sleep"));
        refusing.add("b");
        CallRecord busy = a.submit(SLEEP, utf8("500"));
        Thread.sleep(100);
        CallRecord r = await(a.submit(SLEEP, utf8("10")));
        assertThat(r.status()).isEqualTo(CallStatus.DONE);
        assertThat(r.host()).isEqualTo("c");
        refusing.add("c");
        CallRecord local = await(a.submit(SLEEP, utf8("10")));
        assertThat(local.status()).as("nobody takes it: it waits for a slot here").isEqualTo(CallStatus.DONE);
        assertThat(local.host()).isEqualTo("a");
        await(busy);
    }

    @Test
    void functionsComeFromTheSharedStoreAndFollowItsChanges() throws Exception {
        Scheduler a = start("a", 2, 1);
        Scheduler b = start("b", 2, 1);
        FunctionId f = new FunctionId("alice", "f");
        a.upload(f, Examples.bytes("echo"));
        assertThat(b.warmFunctions()).isEmpty();
        assertThat(out(await(b.submit(f, utf8("abc"))))).as("deployed on first call").isEqualTo("abc");
        assertThat(b.warmFunctions()).containsExactly(f);
        assertThat(b.functions("alice")).extracting(FunctionInfo::id).containsExactly(f);

        a.upload(f, Examples.bytes("reverse"));
        assertThat(out(await(b.submit(f, utf8("abc"))))).as("redeployed at the new version").isEqualTo("cba");
        assertThat(b.function(f).orElseThrow().sha256()).isEqualTo(a.function(f).orElseThrow().sha256());

        assertThat(a.delete(f)).isTrue();
        assertThat(b.function(f)).isEmpty();
        assertThat(b.warmFunctions()).isEmpty();
    }
}
