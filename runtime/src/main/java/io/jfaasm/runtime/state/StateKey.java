package io.jfaasm.runtime.state;

import java.nio.charset.StandardCharsets;

/**
 * A state value's name: the user it belongs to and the key within that user's state. A function
 * names only keys of its own user; the global tier sees {@code user/key}.
 */
public record StateKey(String user, String key) {
    public static final int MAX_KEY_BYTES = 1024;

    public StateKey {
        if (user == null || user.isEmpty() || user.length() > 128 || !user.matches("[A-Za-z0-9_.-]+")) {
            throw new IllegalArgumentException("bad user name " + quote(user)
                    + ": 1 to 128 of A-Z a-z 0-9 _ . -");
        }
        if (key == null || key.isEmpty() || key.getBytes(StandardCharsets.UTF_8).length > MAX_KEY_BYTES
                || key.indexOf('\0') >= 0) {
            throw new IllegalArgumentException("bad state key " + quote(key)
                    + ": 1 to " + MAX_KEY_BYTES + " bytes of UTF-8, no NUL");
        }
    }

    /** The name in the global tier. */
    public String globalName() {
        return "state/" + user + "/" + key;
    }

    /** The global-tier prefix of all of a user's keys. */
    public static String prefixOf(String user) {
        return "state/" + user + "/";
    }

    private static String quote(String s) {
        return s == null ? "null" : "'" + s + "'";
    }

    @Override
    public String toString() {
        return user + "/" + key;
    }
}
