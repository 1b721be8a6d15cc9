package io.jfaasm.runtime.host;

import io.jfaasm.runtime.faaslet.Chaining;
import io.jfaasm.runtime.state.StateSession;
import java.util.Map;

/**
 * What the host interface of one call works on: its input, the output the function sets, and the
 * call's identity within a chain.
 */
public final class CallContext {
    private final byte[] input;
    private final int index;
    private final Map<String, Boolean> confFlags;
    private final int maxOutputBytes;
    private final StateSession state;
    private final Chaining chaining;
    private final NetworkSession network;
    private final DynamicLoading dynamicLoading;
    private byte[] output = new byte[0];

    public CallContext(byte[] input, int index, Map<String, Boolean> confFlags, int maxOutputBytes,
            StateSession state, Chaining chaining, NetworkSession network) {
        this(input, index, confFlags, maxOutputBytes, state, chaining, network,
                DynamicLoading.unavailable("dynamic loading is not available to this call"));
    }

    public CallContext(byte[] input, int index, Map<String, Boolean> confFlags, int maxOutputBytes,
            StateSession state, Chaining chaining, NetworkSession network, DynamicLoading dynamicLoading) {
        this.dynamicLoading = dynamicLoading;
        this.chaining = chaining;
        this.network = network;
        this.input = input;
        this.index = index;
        this.confFlags = Map.copyOf(confFlags);
        this.maxOutputBytes = maxOutputBytes;
        this.state = state;
    }

    /** The call's sockets. */
    public NetworkSession network() {
        return network;
    }

    /** The call's dlopen/dlsym/dlclose. */
    public DynamicLoading dynamicLoading() {
        return dynamicLoading;
    }

    /** How the call chains others, or null where it cannot (a call outside a scheduler). */
    public Chaining chaining() {
        return chaining;
    }

    /** The call's state session, or null when the host has no state tier. */
    public StateSession state() {
        return state;
    }

    public byte[] input() {
        return input;
    }

    public int index() {
        return index;
    }

    public boolean confFlag(String key) {
        return confFlags.getOrDefault(key, false);
    }

    public byte[] output() {
        return output;
    }

    /** Faasm semantics: each write replaces the call's output. */
    void setOutput(byte[] bytes) {
        output = bytes;
    }

    int maxOutputBytes() {
        return maxOutputBytes;
    }
}
