package io.jfaasm.runtime.wasm;

/**
 * Walks a module binary's section framing and the lengths it declares, without decoding the rest,
 * before the parser sees it. Two reasons: to tell a truncated module (a section running past the
 * end) from a merely invalid one, and because Chicory's parser sizes its arrays from declared
 * counts before checking that the bytes exist — 19 bytes declaring 2^30 parameters would make it
 * allocate gigabytes. Every vector element takes at least one byte, so a count larger than the
 * bytes left is refused here.
 */
final class SectionWalk {
    /** V8's and SpiderMonkey's limit on locals per function; clang never comes near it. */
    static final long MAX_LOCALS = 50_000;

    private static final int CUSTOM = 0;
    private static final int TYPE = 1;
    private static final int IMPORT = 2;
    private static final int START = 8;
    private static final int CODE = 10;
    private static final int DATA_COUNT = 12;

    private final byte[] bytes;
    private int pos;

    private SectionWalk(byte[] bytes) {
        this.bytes = bytes;
        this.pos = 8;
    }

    /** Null when the framing is sound, else what is wrong, with its kind. */
    static InvalidModuleException check(byte[] bytes) {
        try {
            new SectionWalk(bytes).walk();
            return null;
        } catch (Refusal r) {
            return new InvalidModuleException(r.problem, r.getMessage());
        }
    }

    private static final class Refusal extends RuntimeException {
        final ModuleProblem problem;

        Refusal(ModuleProblem problem, String message) {
            super(message, null, false, false);
            this.problem = problem;
        }
    }

    /** Stops the deep walk of a section whose encoding we do not model; the parser judges it. */
    private static final class Unmodelled extends RuntimeException {
        Unmodelled() {
            super(null, null, false, false);
        }
    }

    private void walk() {
        while (pos < bytes.length) {
            int id = bytes[pos++] & 0xFF;
            long size;
            try {
                size = leb("the size of section " + id, bytes.length);
            } catch (Unmodelled e) {
                throw new Refusal(ModuleProblem.TRUNCATED,
                        "module is truncated: the size of section " + id + " is cut off at byte " + pos);
            }
            if (pos + size > bytes.length) {
                throw new Refusal(ModuleProblem.TRUNCATED, "module is truncated: section " + id
                        + " declares " + size + " bytes but only " + (bytes.length - pos) + " remain");
            }
            int end = pos + (int) size;
            try {
                section(id, end);
            } catch (Unmodelled e) {
                // fine: only the framing is ours to check
            }
            pos = end;
        }
    }

    private void section(int id, int end) {
        if (id == CUSTOM) {
            vector("the name of a custom section", end);
            return;
        }
        if (id == START || id == DATA_COUNT || id > DATA_COUNT + 1) {
            return;
        }
        long count = count("section " + id, end);
        switch (id) {
            case TYPE -> {
                for (long i = 0; i < count; i++) {
                    if (u8(end) != 0x60) {
                        throw new Unmodelled(); // GC proposal forms: not modelled
                    }
                    valTypes("the parameters of type " + i, end);
                    valTypes("the results of type " + i, end);
                }
            }
            case IMPORT -> {
                for (long i = 0; i < count; i++) {
                    vector("the module name of import " + i, end);
                    vector("the field name of import " + i, end);
                    throw new Unmodelled(); // descriptors vary: names were the risk
                }
            }
            case CODE -> {
                for (long f = 0; f < count; f++) {
                    long bodySize = leb("the size of function body " + f, end);
                    if (pos + bodySize > end) {
                        throw new Refusal(ModuleProblem.INVALID, "invalid module: function body " + f
                                + " declares " + bodySize + " bytes, more than its section holds");
                    }
                    int bodyEnd = pos + (int) bodySize;
                    long groups = count("the locals of function " + f, bodyEnd);
                    long locals = 0;
                    for (long g = 0; g < groups; g++) {
                        locals += leb("a local count of function " + f, bodyEnd);
                        u8(bodyEnd);
                        if (locals > MAX_LOCALS) {
                            throw new Refusal(ModuleProblem.INVALID, "invalid module: function " + f
                                    + " declares more than " + MAX_LOCALS + " locals");
                        }
                    }
                    pos = bodyEnd;
                }
            }
            default -> {
                // the count was the risk, and it is checked
            }
        }
    }

    private void valTypes(String what, int end) {
        long n = count(what, end);
        for (long i = 0; i < n; i++) {
            int t = u8(end);
            if (t == 0x63 || t == 0x64) {
                throw new Unmodelled(); // typed references carry a heap type: not modelled
            }
        }
    }

    private void vector(String what, int end) {
        long n = count(what, end);
        pos += (int) n;
    }

    /** A vector length, which cannot exceed the bytes left in its section. */
    private long count(String what, int end) {
        long n = leb(what, end);
        if (n > end - pos) {
            throw new Refusal(ModuleProblem.INVALID, "invalid module: " + what + " declares " + n
                    + " elements but only " + (end - pos) + " bytes remain in the section");
        }
        return n;
    }

    private int u8(int end) {
        if (pos >= end) {
            throw new Unmodelled();
        }
        return bytes[pos++] & 0xFF;
    }

    private long leb(String what, int end) {
        long value = 0;
        for (int shift = 0; shift <= 28; shift += 7) {
            if (pos >= end) {
                throw new Unmodelled();
            }
            int b = bytes[pos++] & 0xFF;
            value |= (long) (b & 0x7F) << shift;
            if ((b & 0x80) == 0) {
                return value;
            }
        }
        throw new Refusal(ModuleProblem.INVALID, "invalid module: " + what + " is not a valid LEB128 u32");
    }
}
