package io.jfaasm.runtime.memory;

import com.dylibso.chicory.runtime.Memory;
import java.lang.foreign.MemorySegment;

/**
 * A {@code memfd} in RAM that several linear memories map {@code MAP_SHARED}: the pages of one
 * state value on one host. The host reads and writes it through its own mapping; a write through
 * any mapping is seen at once through all the others, with no copy.
 *
 * <p>Its size is a whole number of wasm pages, so it maps at a wasm page boundary. Thread-safe
 * for resizing against mapping; the bytes themselves are shared memory with no ordering beyond
 * what the state layer's locks give.
 */
public final class SharedFile implements AutoCloseable {
    private final int fd;
    private long bytes;
    private long hostAddress;
    private MemorySegment hostView;
    private boolean closed;

    /** A zero-filled file of at least {@code size} bytes (rounded up to whole wasm pages). */
    public SharedFile(long size) {
        this.fd = Syscalls.memfdCreate("jfaasm-state");
        try {
            resizeTo(roundUp(size));
        } catch (RuntimeException e) {
            Syscalls.close(fd);
            throw e;
        }
    }

    public static long roundUp(long size) {
        long pages = Math.max(1, (size + Memory.PAGE_SIZE - 1) / Memory.PAGE_SIZE);
        return pages * Memory.PAGE_SIZE;
    }

    /** Changes the size (rounded up to wasm pages): new bytes read as zero. */
    public synchronized void resize(long size) {
        resizeTo(roundUp(size));
    }

    private void resizeTo(long newBytes) {
        if (hostAddress != 0) {
            Syscalls.munmap(hostAddress, bytes);
            hostAddress = 0;
        }
        Syscalls.ftruncate(fd, newBytes);
        bytes = newBytes;
        hostAddress = Syscalls.mmap(0, bytes, Syscalls.PROT_READ | Syscalls.PROT_WRITE,
                Syscalls.MAP_SHARED, fd, 0);
        hostView = MemorySegment.ofAddress(hostAddress).reinterpret(bytes);
    }

    /** The host's view of all the file's bytes. */
    public synchronized MemorySegment view() {
        if (closed) {
            throw new IllegalStateException("shared file is closed");
        }
        return hostView;
    }

    public synchronized long sizeInBytes() {
        return bytes;
    }

    /** Wasm pages the file spans. */
    public synchronized int pages() {
        return (int) (bytes / Memory.PAGE_SIZE);
    }

    /** Maps the whole file over {@code length} bytes at a native address, shared. */
    synchronized void mapInto(long address, long length) {
        Syscalls.mmap(address, length, Syscalls.PROT_READ | Syscalls.PROT_WRITE,
                Syscalls.MAP_SHARED | Syscalls.MAP_FIXED, fd, 0);
    }

    @Override
    public synchronized void close() {
        if (!closed) {
            closed = true;
            if (hostAddress != 0) {
                Syscalls.munmap(hostAddress, bytes);
            }
            Syscalls.close(fd);
        }
    }
}
