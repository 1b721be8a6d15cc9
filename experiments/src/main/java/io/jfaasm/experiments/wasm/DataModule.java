package io.jfaasm.experiments.wasm;

import java.io.ByteArrayOutputStream;

/**
 * A generated WASI command whose {@code _start} does nothing and whose memory holds N bytes of
 * non-zero data from one active data segment. A fresh instance copies those bytes in; a snapshot of
 * it holds them all (every page is non-zero), like a zygote's model or table. Shared by the
 * cold-start experiment and the bench harnesses.
 */
public final class DataModule {
    private DataModule() {}

    /** A command module with {@code dataBytes} non-zero bytes at address 1024 of its memory. */
    public static byte[] of(int dataBytes) {
        int pages = (1024 + dataBytes + 65535) / 65536 + 1;
        ByteArrayOutputStream m = new ByteArrayOutputStream();
        m.writeBytes(new byte[] {0, 'a', 's', 'm', 1, 0, 0, 0});
        section(m, 1, concat(leb(1), new byte[] {0x60, 0, 0}));                 // type 0: () -> ()
        section(m, 3, concat(leb(1), leb(0)));                                   // func 0: type 0
        section(m, 5, concat(leb(1), new byte[] {0}, leb(pages)));              // memory: min pages
        section(m, 7, concat(leb(2),
                name("memory"), new byte[] {2}, leb(0),                          // export memory 0
                name("_start"), new byte[] {0}, leb(0)));                        // export func 0
        section(m, 10, concat(leb(1), leb(2), new byte[] {0, 0x0b}));           // body: no locals, end
        byte[] data = new byte[dataBytes];
        for (int i = 0; i < dataBytes; i++) {
            data[i] = (byte) ((i * 31 + 7) | 1);                                 // never zero
        }
        section(m, 11, concat(leb(1), new byte[] {0, 0x41}, leb(1024), new byte[] {0x0b},
                leb(dataBytes), data));                                          // i32.const 1024
        return m.toByteArray();
    }

    private static void section(ByteArrayOutputStream m, int id, byte[] body) {
        m.write(id);
        m.writeBytes(leb(body.length));
        m.writeBytes(body);
    }

    private static byte[] name(String s) {
        return concat(leb(s.length()), s.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    /**
     * Signed LEB128 of a non-negative int: right for i32.const, and a valid (if sometimes one byte
     * longer) encoding of the same value where the format wants unsigned LEB128.
     */
    private static byte[] leb(int v) {
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        while (true) {
            int b = v & 0x7f;
            v >>>= 7;
            if (v == 0 && (b & 0x40) == 0) {
                o.write(b);
                return o.toByteArray();
            }
            o.write(b | 0x80);
        }
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            o.writeBytes(p);
        }
        return o.toByteArray();
    }
}
