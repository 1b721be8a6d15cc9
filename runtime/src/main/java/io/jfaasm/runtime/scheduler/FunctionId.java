package io.jfaasm.runtime.scheduler;

/** A function: the user it belongs to and its name. Both are safe as path and key segments. */
public record FunctionId(String user, String name) {
    private static final String ALLOWED = "[A-Za-z0-9_.-]{1,128}";

    public FunctionId {
        check(user, "user");
        check(name, "function");
    }

    private static void check(String s, String what) {
        if (s == null || !s.matches(ALLOWED) || s.equals(".") || s.equals("..")) {
            throw new IllegalArgumentException("bad " + what + " name " + (s == null ? "null" : "'" + s + "'")
                    + ": 1 to 128 of A-Z a-z 0-9 _ . - (not . or ..)");
        }
    }

    @Override
    public String toString() {
        return user + "/" + name;
    }
}
