package io.jfaasm.runtime.scheduler;

import java.util.List;
import java.util.Objects;

/**
 * A call handed from one host to another: everything the receiving host needs to run it under the
 * caller's id, so that its record reads the same on every host.
 *
 * @param callId the id given by the host it was first submitted to
 * @param function what to call
 * @param sha256 the version the sender knows (the receiver deploys the store's newest if it differs)
 * @param parentId the call that chained it, or null
 * @param chainIndex its index among its parent's chained calls (0 for a top-level call)
 * @param tableIndex the table index of a call chained by pointer, else -1
 * @param input the call's input
 * @param visited the hosts it has been to, first the one it was submitted to, last the receiver
 */
public record ForwardedCall(String callId, FunctionId function, String sha256, String parentId,
        int chainIndex, int tableIndex, byte[] input, List<String> visited) {
    public ForwardedCall {
        Objects.requireNonNull(callId, "callId");
        Objects.requireNonNull(function, "function");
        Objects.requireNonNull(input, "input");
        visited = List.copyOf(visited);
        if (visited.isEmpty()) {
            throw new IllegalArgumentException("a forwarded call has visited at least its first host");
        }
    }

    /** How many times it has been handed on. */
    public int hops() {
        return visited.size() - 1;
    }
}
