package io.jfaasm.runtime.state;

import java.util.Objects;

/** The argument checks every {@link GlobalTier} makes the same way, so all tiers refuse alike. */
public final class TierArguments {
    /** The largest value a tier holds (Redis's own limit for a string). */
    public static final long MAX_VALUE_SIZE = 512L * 1024 * 1024;

    private TierArguments() {}

    /** Keys must be valid Unicode (no lone surrogates), so every tier stores them the same way. */
    public static void checkKey(String key) {
        Objects.requireNonNull(key, "key");
        for (int i = 0; i < key.length(); i++) {
            char c = key.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < key.length() && Character.isLowSurrogate(key.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(c)) {
                throw new IllegalArgumentException("state key has a lone surrogate at " + i);
            }
        }
    }

    public static void checkRange(long offset, int length) {
        if (offset < 0 || length < 0) {
            throw new IllegalArgumentException("bad range: offset " + offset + ", length " + length);
        }
    }

    public static void checkSize(long size) {
        if (size > MAX_VALUE_SIZE) {
            throw new IllegalArgumentException(
                    "a state value may hold at most " + MAX_VALUE_SIZE + " bytes, not " + size);
        }
    }
}
