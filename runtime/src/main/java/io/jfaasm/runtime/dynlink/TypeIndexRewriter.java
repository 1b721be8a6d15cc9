package io.jfaasm.runtime.dynlink;

import com.dylibso.chicory.wasm.types.FunctionType;
import com.dylibso.chicory.wasm.types.ValType;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Rewrites a library so that its type section starts with the calling module's types, each of
 * the library's own types renumbered to the caller's index of the same signature.
 *
 * <p>Why: Chicory 1.7.5's compiled {@code call_indirect} into another instance checks the
 * caller's type index against the <em>callee's</em> type section (see docs/dynamic-loading.md).
 * With both modules numbering every shared signature alike, that check means what wasm says it
 * means, in both directions: the caller calling a library function pointer, and the library
 * calling one of the caller's.
 *
 * <p>Only type indices move: in the type, import, function and code sections (block types,
 * {@code call_indirect}, {@code return_call_indirect}); every other byte is copied. Instructions
 * are walked, not interpreted: an opcode outside MVP, sign extension, saturating truncation,
 * bulk memory, reference types and tail calls is refused with its byte.
 */
final class TypeIndexRewriter {
    private final byte[] in;
    private int pos;
    private int[] map;
    private final List<byte[]> types = new ArrayList<>();

    private TypeIndexRewriter(byte[] in) {
        this.in = in;
    }

    /** The library's bytes with its types renumbered after {@code callerTypes}. */
    static byte[] rewrite(byte[] library, List<FunctionType> callerTypes) {
        TypeIndexRewriter r = new TypeIndexRewriter(library);
        for (FunctionType t : callerTypes) {
            r.types.add(encode(t));
        }
        return r.run();
    }

    private byte[] run() {
        ByteArrayOutputStream out = new ByteArrayOutputStream(in.length + 256);
        out.write(in, 0, 8);
        pos = 8;
        byte[][] sections = new byte[14][];
        List<int[]> order = new ArrayList<>(); // {id, start, end}
        while (pos < in.length) {
            int id = in[pos++] & 0xFF;
            int size = u32();
            int start = pos;
            pos += size;
            if (pos > in.length) {
                throw bad("section " + id + " runs past the end of the module");
            }
            order.add(new int[] {id, start, pos});
        }
        // The type section comes first: everything else needs its map.
        for (int[] s : order) {
            if (s[0] == 1) {
                pos = s[1];
                readTypes(s[2]);
            }
        }
        if (map == null) {
            map = new int[0];
        }
        for (int[] s : order) {
            int id = s[0];
            pos = s[1];
            byte[] body = switch (id) {
                case 1 -> writeTypes();
                case 2 -> rewriteImports(s[2]);
                case 3 -> rewriteFunctions(s[2]);
                case 10 -> rewriteCode(s[2]);
                case 13 -> throw bad("exception tags are not supported in a library");
                default -> Arrays.copyOfRange(in, s[1], s[2]);
            };
            out.write(id);
            writeU32(out, body.length);
            out.writeBytes(body);
        }
        return out.toByteArray();
    }

    // ---- sections ------------------------------------------------------------------------------

    private void readTypes(int end) {
        int count = u32();
        map = new int[count];
        for (int i = 0; i < count; i++) {
            int start = pos;
            if ((in[pos++] & 0xFF) != 0x60) {
                throw bad("type " + i + " is not a plain function type (GC types are not supported)");
            }
            skipValTypes();
            skipValTypes();
            byte[] t = Arrays.copyOfRange(in, start, pos);
            int found = -1;
            for (int k = 0; k < types.size() && found < 0; k++) {
                if (Arrays.equals(types.get(k), t)) {
                    found = k;
                }
            }
            if (found < 0) {
                found = types.size();
                types.add(t);
            }
            map[i] = found;
        }
        if (pos != end) {
            throw bad("type section has trailing bytes");
        }
    }

    private byte[] writeTypes() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        writeU32(out, types.size());
        types.forEach(out::writeBytes);
        return out.toByteArray();
    }

    private byte[] rewriteImports(int end) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int count = u32();
        writeU32(out, count);
        for (int i = 0; i < count; i++) {
            int start = pos;
            skipName();
            skipName();
            int kind = in[pos++] & 0xFF;
            out.write(in, start, pos - start);
            switch (kind) {
                case 0 -> writeU32(out, mapType(u32()));
                case 1 -> { // table: reftype, limits
                    int from = pos;
                    if (!isRefType(in[pos++] & 0xFF)) {
                        throw bad("a table of typed references is not supported in a library");
                    }
                    skipLimits();
                    out.write(in, from, pos - from);
                }
                case 2 -> {
                    int from = pos;
                    skipLimits();
                    out.write(in, from, pos - from);
                }
                case 3 -> { // global: value type, mutability
                    int from = pos;
                    valType();
                    pos++;
                    out.write(in, from, pos - from);
                }
                default -> throw bad("import of kind " + kind + " is not supported in a library");
            }
        }
        expectEnd(end, "import");
        return out.toByteArray();
    }

    private byte[] rewriteFunctions(int end) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int count = u32();
        writeU32(out, count);
        for (int i = 0; i < count; i++) {
            writeU32(out, mapType(u32()));
        }
        expectEnd(end, "function");
        return out.toByteArray();
    }

    private byte[] rewriteCode(int end) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(end - pos + 64);
        int count = u32();
        writeU32(out, count);
        for (int f = 0; f < count; f++) {
            int size = u32();
            int bodyEnd = pos + size;
            if (bodyEnd > end) {
                throw bad("function body " + f + " runs past its section");
            }
            ByteArrayOutputStream body = new ByteArrayOutputStream(size + 16);
            int localsStart = pos;
            int groups = u32();
            for (int g = 0; g < groups; g++) {
                u32();
                valType();
            }
            body.write(in, localsStart, pos - localsStart);
            while (pos < bodyEnd) {
                instruction(body, f);
            }
            if (pos != bodyEnd) {
                throw bad("function body " + f + " does not end where its size says");
            }
            writeU32(out, body.size());
            out.writeBytes(body.toByteArray());
        }
        expectEnd(end, "code");
        return out.toByteArray();
    }

    /** Copies one instruction, renumbering the type index it carries, if any. */
    private void instruction(ByteArrayOutputStream out, int function) {
        int start = pos;
        int op = in[pos++] & 0xFF;
        switch (op) {
            case 0x02, 0x03, 0x04 -> { // block, loop, if: a block type
                out.write(op);
                int b = in[pos] & 0xFF;
                if (b == 0x40 || isValType(b)) {
                    out.write(b);
                    pos++;
                } else {
                    long idx = s33();
                    if (idx < 0) {
                        throw bad("bad block type in function " + function);
                    }
                    writeS33(out, mapType((int) idx));
                }
                return;
            }
            case 0x11, 0x13 -> { // call_indirect, return_call_indirect: type, table
                out.write(op);
                writeU32(out, mapType(u32()));
                writeU32(out, u32());
                return;
            }
            case 0x00, 0x01, 0x05, 0x0B, 0x0F, 0x1A, 0x1B, 0xD1 -> { }
            case 0x0C, 0x0D, 0x10, 0x12, 0x20, 0x21, 0x22, 0x23, 0x24, 0x25, 0x26, 0x3F, 0x40, 0xD2 -> u32();
            case 0x0E -> {
                int n = u32();
                for (int i = 0; i <= n; i++) {
                    u32();
                }
            }
            case 0x1C -> {
                int n = u32();
                for (int i = 0; i < n; i++) {
                    valType();
                }
            }
            case 0x41, 0x42 -> skipLeb();
            case 0x43 -> pos += 4;
            case 0x44 -> pos += 8;
            case 0xD0 -> {
                if (!isRefType(in[pos++] & 0xFF)) {
                    throw bad("typed references are not supported in a library (function " + function + ")");
                }
            }
            case 0xFC -> prefixed(function);
            default -> {
                if (op >= 0x28 && op <= 0x3E) { // loads and stores: align, offset
                    int align = u32();
                    if ((align & 0x40) != 0) {
                        throw bad("multiple memories are not supported in a library");
                    }
                    u32();
                } else if (op < 0x45 || op > 0xC4) {
                    throw bad(String.format("instruction 0x%02x in function %d is not supported in a"
                            + " library (SIMD, atomics, exceptions and GC are not)", op, function));
                }
            }
        }
        out.write(in, start, pos - start);
    }

    private void prefixed(int function) {
        int sub = u32();
        switch (sub) {
            case 0, 1, 2, 3, 4, 5, 6, 7 -> { }
            case 9, 11, 13, 15, 16, 17 -> u32();
            case 8, 10, 12, 14 -> {
                u32();
                u32();
            }
            default -> throw bad("instruction 0xfc " + sub + " in function " + function
                    + " is not supported in a library");
        }
    }

    // ---- encoding ------------------------------------------------------------------------------

    private int mapType(int index) {
        if (index < 0 || index >= map.length) {
            throw bad("type index " + index + " does not exist");
        }
        return map[index];
    }

    private static byte[] encode(FunctionType t) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(0x60);
        for (List<ValType> list : List.of(t.params(), t.returns())) {
            writeU32(out, list.size());
            for (ValType v : list) {
                int c = code(v);
                if (c < 0) {
                    throw new LibraryException("the calling function has a type a library cannot share: " + t);
                }
                out.write(c);
            }
        }
        return out.toByteArray();
    }

    /** The binary code of a value type; -1 for types a library cannot share (typed references). */
    private static int code(ValType v) {
        if (v.equals(ValType.I32)) return 0x7F;
        if (v.equals(ValType.I64)) return 0x7E;
        if (v.equals(ValType.F32)) return 0x7D;
        if (v.equals(ValType.F64)) return 0x7C;
        if (v.equals(ValType.V128)) return 0x7B;
        if (v.equals(ValType.FuncRef)) return 0x70;
        if (v.equals(ValType.ExternRef)) return 0x6F;
        return -1;
    }

    private static boolean isValType(int b) {
        return (b >= 0x7B && b <= 0x7F) || isRefType(b);
    }

    private static boolean isRefType(int b) {
        return b == 0x70 || b == 0x6F;
    }

    private void valType() {
        if (!isValType(in[pos++] & 0xFF)) {
            throw bad(String.format("value type 0x%02x is not supported in a library", in[pos - 1] & 0xFF));
        }
    }

    private void skipValTypes() {
        int n = u32();
        for (int i = 0; i < n; i++) {
            valType();
        }
    }

    private void skipName() {
        int n = u32();
        pos += n;
    }

    private void skipLimits() {
        int flags = in[pos++] & 0xFF;
        if (flags > 1) {
            throw bad("shared or 64-bit limits are not supported in a library");
        }
        u32();
        if (flags == 1) {
            u32();
        }
    }

    private void expectEnd(int end, String section) {
        if (pos != end) {
            throw bad(section + " section does not end where its size says");
        }
    }

    private int u32() {
        long result = 0;
        int shift = 0;
        while (true) {
            if (pos >= in.length || shift > 28) {
                throw bad("malformed LEB128 number at byte " + pos);
            }
            int b = in[pos++] & 0xFF;
            result |= (long) (b & 0x7F) << shift;
            if ((b & 0x80) == 0) {
                break;
            }
            shift += 7;
        }
        if (result > 0xFFFFFFFFL) {
            throw bad("malformed LEB128 number at byte " + pos);
        }
        return (int) result;
    }

    private long s33() {
        long result = 0;
        int shift = 0;
        int b;
        do {
            if (pos >= in.length || shift > 35) {
                throw bad("malformed block type at byte " + pos);
            }
            b = in[pos++] & 0xFF;
            result |= (long) (b & 0x7F) << shift;
            shift += 7;
        } while ((b & 0x80) != 0);
        if (shift < 64 && (b & 0x40) != 0) {
            result |= -1L << shift;
        }
        return result;
    }

    private void skipLeb() {
        int n = 0;
        while (pos < in.length && (in[pos++] & 0x80) != 0) {
            if (++n > 10) {
                throw bad("malformed LEB128 number at byte " + pos);
            }
        }
    }

    static void writeU32(ByteArrayOutputStream out, int value) {
        long v = Integer.toUnsignedLong(value);
        do {
            int b = (int) (v & 0x7F);
            v >>>= 7;
            out.write(v != 0 ? b | 0x80 : b);
        } while (v != 0);
    }

    private static void writeS33(ByteArrayOutputStream out, long value) {
        while (true) {
            int b = (int) (value & 0x7F);
            value >>= 7;
            if ((value == 0 && (b & 0x40) == 0) || (value == -1 && (b & 0x40) != 0)) {
                out.write(b);
                return;
            }
            out.write(b | 0x80);
        }
    }

    private LibraryException bad(String message) {
        return new LibraryException(message);
    }
}
