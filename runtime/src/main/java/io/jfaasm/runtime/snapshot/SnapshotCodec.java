package io.jfaasm.runtime.snapshot;

import io.jfaasm.runtime.memory.MemoryImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.HashMap;
import java.util.Map;
import java.util.zip.Deflater;
import java.util.zip.DeflaterOutputStream;
import java.util.zip.InflaterInputStream;

/**
 * Snapshots as bytes, for the global tier: another host restores from them without running the
 * function's initialisation. Deflate-compressed; only non-zero host pages are stored. A snapshot
 * names its module's sha-256, and decoding for any other module is refused, so a re-uploaded
 * function never restores an old snapshot.
 *
 * <p>Format (inside the deflate stream): "JFSNAP", version byte, module sha-256 (UTF), wasm pages,
 * mutable globals (count, then index and value), tables (count, then size and refs), non-zero host
 * pages (count, then index and 4096 bytes).
 */
public final class SnapshotCodec {
    private static final byte[] MAGIC = {'J', 'F', 'S', 'N', 'A', 'P'};
    private static final int VERSION = 1;
    private static final int MAX_TABLE = 10_000_000;

    private SnapshotCodec() {}

    public static byte[] encode(Snapshot s) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(
                new DeflaterOutputStream(bytes, new Deflater(Deflater.BEST_SPEED), 1 << 16))) {
            out.write(MAGIC);
            out.writeByte(VERSION);
            out.writeUTF(s.moduleSha256());
            out.writeInt(s.memory().pages());
            out.writeInt(s.globalIndices().length);
            for (int i = 0; i < s.globalIndices().length; i++) {
                out.writeInt(s.globalIndices()[i]);
                out.writeLong(s.globalValues()[i]);
            }
            out.writeInt(s.tables().length);
            for (int[] table : s.tables()) {
                out.writeInt(table.length);
                for (int ref : table) {
                    out.writeInt(ref);
                }
            }
            Map<Integer, byte[]> pages = new java.util.LinkedHashMap<>();
            s.memory().forEachNonZeroPage((page, index) -> pages.put(index, page));
            out.writeInt(pages.size());
            for (Map.Entry<Integer, byte[]> e : pages.entrySet()) {
                out.writeInt(e.getKey());
                out.write(e.getValue());
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    /**
     * Rebuilds a snapshot of the module with this sha-256.
     *
     * @throws IllegalArgumentException when the bytes are not a snapshot, are damaged, or belong to
     *     another module
     */
    public static Snapshot decode(byte[] data, String expectedSha256) {
        try (DataInputStream in = new DataInputStream(new InflaterInputStream(new ByteArrayInputStream(data)))) {
            byte[] magic = in.readNBytes(MAGIC.length);
            if (!java.util.Arrays.equals(magic, MAGIC) || in.readUnsignedByte() != VERSION) {
                throw new IllegalArgumentException("not a JFaasm snapshot (or another format version)");
            }
            String sha = in.readUTF();
            if (!sha.equals(expectedSha256)) {
                throw new IllegalArgumentException("snapshot of module " + sha + ", not of " + expectedSha256);
            }
            int wasmPages = in.readInt();
            if (wasmPages < 0 || wasmPages > 65536) {
                throw new IllegalArgumentException("snapshot memory of " + wasmPages + " pages");
            }
            int nGlobals = checkCount(in.readInt(), 1_000_000, "globals");
            int[] indices = new int[nGlobals];
            long[] values = new long[nGlobals];
            for (int i = 0; i < nGlobals; i++) {
                indices[i] = in.readInt();
                values[i] = in.readLong();
            }
            int[][] tables = new int[checkCount(in.readInt(), 100, "tables")][];
            for (int t = 0; t < tables.length; t++) {
                tables[t] = new int[checkCount(in.readInt(), MAX_TABLE, "table entries")];
                for (int i = 0; i < tables[t].length; i++) {
                    tables[t][i] = in.readInt();
                }
            }
            long hostPages = (long) wasmPages * (65536 / MemoryImage.HOST_PAGE);
            int nPages = checkCount(in.readInt(), (int) hostPages, "memory pages");
            Map<Integer, byte[]> pages = new HashMap<>();
            for (int i = 0; i < nPages; i++) {
                int index = in.readInt();
                if (index < 0 || index >= hostPages) {
                    throw new IllegalArgumentException("snapshot page " + index + " is outside its memory");
                }
                pages.put(index, in.readNBytes(MemoryImage.HOST_PAGE));
                if (pages.get(index).length != MemoryImage.HOST_PAGE) {
                    throw new IllegalArgumentException("snapshot is truncated");
                }
            }
            MemoryImage image = MemoryImage.fromHostPages(wasmPages, pages::get);
            return new Snapshot(sha, image, indices, values, tables);
        } catch (IOException e) {
            throw new IllegalArgumentException("damaged snapshot: " + e.getMessage(), e);
        }
    }

    private static int checkCount(int n, int max, String what) {
        if (n < 0 || n > max) {
            throw new IllegalArgumentException("snapshot declares " + n + " " + what);
        }
        return n;
    }
}
