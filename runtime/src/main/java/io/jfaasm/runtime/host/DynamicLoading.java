package io.jfaasm.runtime.host;

/**
 * What {@code __faasm_dlopen}, {@code __faasm_dlsym}, {@code __faasm_dlclose} and
 * {@code __faasm_dlerror} act on for one call. A refusal is a 0 (or -1) result and an error text,
 * never a failed call.
 */
public interface DynamicLoading {
    /** A handle above 0, or 0 with an error. */
    int open(String name);

    /** A function pointer (table index) or data address, or 0 with an error. */
    int symbol(int handle, String name);

    /** 0, or -1 with an error for an unknown handle. */
    int close(int handle);

    /** The last error, cleared; null when there was none. */
    String takeError();

    /** For calls that cannot load libraries at all, with the reason. */
    static DynamicLoading unavailable(String reason) {
        return new DynamicLoading() {
            private String error;

            @Override
            public int open(String name) {
                error = reason;
                return 0;
            }

            @Override
            public int symbol(int handle, String name) {
                error = "invalid handle " + handle;
                return 0;
            }

            @Override
            public int close(int handle) {
                error = "invalid handle " + handle;
                return -1;
            }

            @Override
            public String takeError() {
                String e = error;
                error = null;
                return e;
            }
        };
    }
}
