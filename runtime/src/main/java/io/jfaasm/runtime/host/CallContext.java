package io.jfaasm.runtime.host;

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
    private byte[] output = new byte[0];

    public CallContext(byte[] input, int index, Map<String, Boolean> confFlags, int maxOutputBytes) {
        this.input = input;
        this.index = index;
        this.confFlags = Map.copyOf(confFlags);
        this.maxOutputBytes = maxOutputBytes;
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
