package io.jfaasm.runtime.state;

import io.jfaasm.runtime.memory.SharedFile;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * The local copy of one state value on one host: a {@link SharedFile} that every Faaslet asking
 * for a pointer maps into its memory, with per-chunk tracking of what was pulled from the global
 * tier and what was written since the last push, and the key's local read/write lock.
 */
public final class SharedRegion implements AutoCloseable {
    /** Granularity of pull and dirty tracking: partial reads pull, partial pushes send, whole chunks. */
    public static final int CHUNK = 4096;

    private final StateKey key;
    private final SharedFile file;
    private long size;
    private final BitSet pulled = new BitSet();
    private final BitSet dirty = new BitSet();
    private int mappings;
    private final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();

    SharedRegion(StateKey key, long size) {
        this.key = key;
        this.size = size;
        this.file = new SharedFile(size);
    }

    public StateKey key() {
        return key;
    }

    public synchronized long size() {
        return size;
    }

    public SharedFile file() {
        return file;
    }

    public ReentrantReadWriteLock lock() {
        return lock;
    }

    /** The value's bytes, as the host sees them (shared with every Faaslet's mapping). */
    synchronized MemorySegment bytes() {
        return file.view().asSlice(0, size);
    }

    synchronized void resize(long newSize) {
        if (mappings > 0) {
            throw new IllegalStateException("cannot resize state " + key + " from " + size + " to "
                    + newSize + " bytes while " + mappings + " call(s) hold a pointer to it");
        }
        file.resize(newSize);
        file.view().asSlice(Math.min(size, newSize)).fill((byte) 0);
        size = newSize;
        pulled.clear();
        dirty.clear();
    }

    synchronized boolean isMapped() {
        return mappings > 0;
    }

    synchronized void mapped() {
        mappings++;
    }

    synchronized void unmapped() {
        mappings--;
    }

    // ---- chunk tracking ----------------------------------------------------------------------

    static int firstChunk(long offset) {
        return (int) (offset / CHUNK);
    }

    static int endChunk(long offset, long length) {
        return (int) ((offset + length + CHUNK - 1) / CHUNK);
    }

    synchronized int chunkCount() {
        return endChunk(0, size);
    }

    /** Chunk ranges {@code [from, to)} within {@code [offset, offset+length)} not pulled yet. */
    synchronized List<int[]> unpulled(long offset, long length) {
        return runs(pulled, firstChunk(offset), endChunk(offset, length), false);
    }

    synchronized void markPulled(int fromChunk, int toChunk) {
        pulled.set(fromChunk, toChunk);
    }

    synchronized void markAllUnpulled() {
        pulled.clear();
    }

    public synchronized void markDirtyRange(long offset, long length) {
        if (length > 0) {
            dirty.set(firstChunk(offset), endChunk(offset, length));
        }
    }

    /** Dirty chunk runs, cleared as they are taken (a push sends each once). */
    synchronized List<int[]> takeDirty() {
        List<int[]> out = runs(dirty, 0, chunkCount(), true);
        dirty.clear();
        return out;
    }

    synchronized void clearDirty() {
        dirty.clear();
    }

    private static List<int[]> runs(BitSet bits, int from, int to, boolean set) {
        List<int[]> out = new ArrayList<>();
        int i = from;
        while (i < to) {
            int start = set ? bits.nextSetBit(i) : bits.nextClearBit(i);
            if (start < 0 || start >= to) {
                break;
            }
            int end = set ? bits.nextClearBit(start) : bits.nextSetBit(start);
            if (end < 0 || end > to) {
                end = to;
            }
            out.add(new int[] {start, end});
            i = end;
        }
        return out;
    }

    /** Copies {@code [offset, offset + n)} of the value into guest memory at {@code addr}. */
    public synchronized void copyTo(io.jfaasm.runtime.memory.LinearMemory memory, long offset, int addr, int n) {
        memory.copyFrom(bytes(), offset, addr, n);
    }

    /** Copies {@code [offset, offset + n)} of the value out. */
    public synchronized byte[] copyOut(long offset, int n) {
        return bytes().asSlice(offset, n).toArray(ValueLayout.JAVA_BYTE);
    }

    public synchronized void copyIn(long offset, byte[] data) {
        MemorySegment.copy(data, 0, bytes(), ValueLayout.JAVA_BYTE, offset, data.length);
    }

    @Override
    public void close() {
        file.close();
    }
}
