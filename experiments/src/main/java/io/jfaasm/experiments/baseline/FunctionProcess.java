package io.jfaasm.experiments.baseline;

import io.jfaasm.cluster.RedisGlobalTier;
import io.jfaasm.runtime.FaasletHost;
import io.jfaasm.runtime.faaslet.CallRequest;
import io.jfaasm.runtime.faaslet.CallResult;
import io.jfaasm.runtime.faaslet.FunctionLimits;
import io.jfaasm.runtime.scheduler.CallRecord;
import io.jfaasm.runtime.scheduler.DirectoryFunctionStore;
import io.jfaasm.runtime.scheduler.FunctionId;
import io.jfaasm.runtime.scheduler.Scheduler;
import io.jfaasm.runtime.scheduler.SchedulerListener;
import io.jfaasm.runtime.state.TierStats;
import java.util.ArrayList;
import java.util.List;

/**
 * The main class of a child process of an experiment. Its input is on stdin; it prints one
 * {@link ChildResult} line on stdout.
 *
 * <ul>
 *   <li>{@code host FUNCTION} / {@code isolated FUNCTION}: one JFaasm host (shared regions, or
 *       {@code isolatedState}) runs the call and every call it chains, as threads;</li>
 *   <li>{@code call FUNCTION [ENTRY INDEX]}: this process runs this one call; each call it chains
 *       is a new {@code call} process (the process-per-function baseline).</li>
 * </ul>
 *
 * State goes through the Redis global tier in all three.
 */
public final class FunctionProcess {
    private FunctionProcess() {}

    public static void main(String[] args) throws Exception {
        List<String> rest = new ArrayList<>();
        Setup setup = Setup.fromArgs(args, rest);
        String role = rest.get(0);
        String function = rest.get(1);
        byte[] input = System.in.readAllBytes();
        ChildResult r;
        try (RedisGlobalTier tier = connect(setup);
                FaasletHost host = FaasletHost.create(FaasletHost.Config.defaults()
                        .withCodeCacheDir(setup.codeCacheDir()).withStateTier(tier)
                        .withIsolatedState(role.equals("isolated")))) {
            FunctionLimits limits = FunctionLimits.DEFAULTS.withTimeout(setup.timeout())
                    .withMaxMemoryBytes(setup.maxMemoryBytes());
            r = role.equals("call")
                    ? oneCall(setup, host, tier.stats(), limits, function, input,
                            rest.size() > 3 ? Integer.parseInt(rest.get(2)) : -1,
                            rest.size() > 3 ? Integer.parseInt(rest.get(3)) : 0)
                    : onHost(setup, host, tier.stats(), limits, function, input);
        } catch (RuntimeException e) {
            r = ChildResult.failed(e.toString());
        }
        if (!r.succeeded()) {
            System.err.println(role + " " + function + " failed: rc " + r.returnCode() + " " + r.failure());
        }
        System.out.println(r.toLine());
        System.out.flush();
        System.exit(0); // client threads of Redis must not keep the process
    }

    /** Connects to Redis, trying again a few times: many processes starting at once may time out. */
    private static RedisGlobalTier connect(Setup setup) throws InterruptedException {
        for (int attempt = 1; ; attempt++) {
            try {
                return RedisGlobalTier.connect(setup.redisUri(), setup.namespace());
            } catch (RuntimeException e) {
                if (attempt == 5) {
                    throw e;
                }
                System.err.println("Redis connect failed (attempt " + attempt + "): " + e);
                Thread.sleep(200L * attempt);
            }
        }
    }

    /** The call and its chain on this one host, through a scheduler (which does the chaining). */
    private static ChildResult onHost(Setup setup, FaasletHost host, TierStats stats, FunctionLimits limits,
            String function, byte[] input) throws Exception {
        // room for every chained call at once, as the processes of the baseline have
        Scheduler.Config config = new Scheduler.Config("experiment", 1024, 100_000, 1024,
                java.time.Duration.ofMinutes(10), limits);
        try (Scheduler scheduler = new Scheduler(host, new DirectoryFunctionStore(setup.functionsDir()), config,
                SchedulerListener.NONE)) {
            long start = System.nanoTime();
            CallRecord rec = scheduler.submit(new FunctionId(setup.user(), function), input).done().get();
            long ns = System.nanoTime() - start;
            Integer rc = rec.returnCode();
            return new ChildResult(rc == null ? -1 : rc, rec.output() == null ? new byte[0] : rec.output(),
                    rec.error(), ns, stats.bytesRead(), stats.bytesWritten(), 1);
        }
    }

    /** This one call here; what it chains runs in processes of its own. */
    private static ChildResult oneCall(Setup setup, FaasletHost host, TierStats stats, FunctionLimits limits,
            String function, byte[] input, int entry, int index) throws Exception {
        byte[] wasm = new DirectoryFunctionStore(setup.functionsDir()).get(new FunctionId(setup.user(), function));
        if (wasm == null) {
            return ChildResult.failed("no function " + function + " in " + setup.functionsDir());
        }
        var module = host.load(wasm);
        try (ProcessChaining chaining = new ProcessChaining(setup, function)) {
            CallRequest request = CallRequest.of(input).withUser(setup.user()).asChained(index, entry, chaining);
            long start = System.nanoTime();
            CallResult r = host.call(module, request, limits);
            long ns = System.nanoTime() - start;
            ChildResult own = new ChildResult(r.returnCode(), r.output() == null ? new byte[0] : r.output(),
                    r.failure() == null ? null : r.failure().toString(), ns, stats.bytesRead(), stats.bytesWritten(), 1);
            if (r.failed()) {
                System.err.write(r.stderr() == null ? new byte[0] : r.stderr());
            }
            return chaining.addChildrenTo(own);
        }
    }
}
