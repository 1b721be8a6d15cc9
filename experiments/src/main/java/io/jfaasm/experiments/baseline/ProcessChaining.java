package io.jfaasm.experiments.baseline;

import io.jfaasm.runtime.faaslet.Chaining;
import io.jfaasm.runtime.host.HostCallException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/** Chaining for the process-per-function baseline: each chained call is a new {@code call} process. */
final class ProcessChaining implements Chaining, AutoCloseable {
    private final Setup setup;
    private final String ownFunction;
    private final List<CompletableFuture<ChildResult>> children = new ArrayList<>();
    private final ExecutorService waiters = Executors.newVirtualThreadPerTaskExecutor();

    ProcessChaining(Setup setup, String ownFunction) {
        this.setup = setup;
        this.ownFunction = ownFunction;
    }

    @Override
    public synchronized int chainName(String function, byte[] input) {
        return start(function, List.of(), input);
    }

    @Override
    public synchronized int chainPointer(int tableIndex, byte[] input) {
        return start(ownFunction, List.of(Integer.toString(tableIndex), Integer.toString(children.size() + 1)), input);
    }

    private int start(String function, List<String> entry, byte[] input) {
        List<String> args = new ArrayList<>(List.of(function));
        args.addAll(entry);
        children.add(CompletableFuture.supplyAsync(() -> ChildJvm.run(setup, "call", args, input), waiters));
        return children.size();
    }

    @Override
    public int await(int id) {
        ChildResult r = child(id);
        return r.failure() == null ? r.returnCode() : -1;
    }

    @Override
    public byte[] awaitOutput(int id) {
        return child(id).output();
    }

    private ChildResult child(int id) {
        CompletableFuture<ChildResult> f;
        synchronized (this) {
            if (id < 1 || id > children.size()) {
                throw new HostCallException("__faasm_await_call: no chained call " + id);
            }
            f = children.get(id - 1);
        }
        return f.join();
    }

    /** Waits for every chained call, awaited or not, and adds their traffic and processes. */
    ChildResult addChildrenTo(ChildResult own) {
        long read = 0;
        long written = 0;
        int procs = 0;
        for (CompletableFuture<ChildResult> f : children) {
            ChildResult c = f.join();
            read += c.tierBytesRead();
            written += c.tierBytesWritten();
            procs += c.processes();
        }
        return own.plusChildren(read, written, procs);
    }

    @Override
    public void close() {
        waiters.shutdown();
    }
}
