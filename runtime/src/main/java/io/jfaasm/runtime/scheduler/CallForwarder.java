package io.jfaasm.runtime.scheduler;

import io.jfaasm.runtime.faaslet.CallResult;
import java.util.Collection;

/**
 * How a scheduler hands calls to other hosts when it has no free slot: its view of a cluster. The
 * runtime has no network code; the server module implements this over HTTP and Redis.
 *
 * <p>The scheduler asks {@link #pick} only for a call that cannot start here at once (every slot,
 * or the function's concurrency, is taken). A call carries the hosts it has visited; it is never
 * sent to one of them again, and never makes more than {@link #maxHops()} hops, so calls never
 * loop.
 */
public interface CallForwarder {
    /** How many times one call may be handed on (1: a forwarded call is never forwarded again). */
    int maxHops();

    /**
     * A live host with capacity to run a call of this function now (preferably one with the
     * function warm), other than those in {@code exclude}; or null to queue the call here.
     */
    String pick(FunctionId function, Collection<String> exclude);

    /**
     * Runs the call on that host and waits for its result (on a virtual thread: blocking is fine).
     *
     * @throws RemoteHostException when the host could not take the call or stopped responding
     * @throws UnknownFunctionException when the host knows no such function (it was deleted)
     */
    RemoteResult forward(String host, ForwardedCall call) throws RemoteHostException;

    /**
     * What another host gave back: the host that finally ran the call, its result, when it
     * failed the error as that host put it (null: from the result's failure), and the ids of the
     * calls it chained there.
     */
    record RemoteResult(String host, CallResult result, String error, java.util.List<String> children) {
        public RemoteResult {
            children = children == null ? java.util.List.of() : java.util.List.copyOf(children);
        }

        public RemoteResult(String host, CallResult result) {
            this(host, result, null, null);
        }
    }
}
