package io.jfaasm.runtime.memory;

import com.dylibso.chicory.runtime.Memory;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.function.IntFunction;

/**
 * The contents of a linear memory frozen in a {@code memfd}: what a Proto-Faaslet restores from.
 * Memories map it copy-on-write ({@code MAP_PRIVATE}), so a restore costs the same whatever the
 * size, all restored Faaslets share its pages until they write, and none can change it.
 *
 * <p>Only non-zero host pages are stored: the rest of the file is a hole and costs no RAM. Closing
 * the image releases the file descriptor; memories that map it keep the pages alive until they are
 * unmapped.
 */
public final class MemoryImage implements AutoCloseable {
    /** Host page: the unit of copy-on-write and of the sparse copy. */
    public static final int HOST_PAGE = 4096;

    private final int fd;
    private final int pages;
    private boolean closed;

    private MemoryImage(int fd, int pages) {
        this.fd = fd;
        this.pages = pages;
    }

    /** Freezes the visible pages of a memory. */
    public static MemoryImage capture(LinearMemory memory) {
        int pages = memory.pages();
        MemorySegment source = MemorySegment.ofAddress(memory.baseAddress())
                .reinterpret((long) pages * Memory.PAGE_SIZE);
        return build(pages, (dest) -> copyNonZero(source, dest));
    }

    /**
     * Builds an image from stored host pages: {@code page(i)} gives host page i's bytes, or null for
     * a page of zeros.
     */
    public static MemoryImage fromHostPages(int wasmPages, IntFunction<byte[]> page) {
        return build(wasmPages, dest -> {
            long hostPages = dest.byteSize() / HOST_PAGE;
            for (int i = 0; i < hostPages; i++) {
                byte[] bytes = page.apply(i);
                if (bytes != null) {
                    MemorySegment.copy(bytes, 0, dest, ValueLayout.JAVA_BYTE, (long) i * HOST_PAGE, HOST_PAGE);
                }
            }
        });
    }

    private static MemoryImage build(int pages, java.util.function.Consumer<MemorySegment> fill) {
        long bytes = (long) pages * Memory.PAGE_SIZE;
        int fd = Syscalls.memfdCreate("jfaasm-snapshot");
        try {
            if (bytes > 0) {
                Syscalls.ftruncate(fd, bytes);
                long addr = Syscalls.mmap(0, bytes, Syscalls.PROT_READ | Syscalls.PROT_WRITE,
                        Syscalls.MAP_SHARED, fd, 0);
                try {
                    fill.accept(MemorySegment.ofAddress(addr).reinterpret(bytes));
                } finally {
                    Syscalls.munmap(addr, bytes);
                }
            }
            return new MemoryImage(fd, pages);
        } catch (RuntimeException | Error e) {
            Syscalls.close(fd);
            throw e;
        }
    }

    private static void copyNonZero(MemorySegment source, MemorySegment dest) {
        MemorySegment zero = MemorySegment.ofArray(new byte[HOST_PAGE]);
        for (long off = 0; off < source.byteSize(); off += HOST_PAGE) {
            MemorySegment page = source.asSlice(off, HOST_PAGE);
            if (page.mismatch(zero) != -1) {
                MemorySegment.copy(page, 0, dest, off, HOST_PAGE);
            }
        }
    }

    /**
     * Calls {@code visitor} with each non-zero host page (index and bytes), in order: what a
     * serialised snapshot stores.
     */
    public void forEachNonZeroPage(java.util.function.ObjIntConsumer<byte[]> visitor) {
        long bytes = sizeInBytes();
        if (bytes == 0) {
            return;
        }
        long addr = Syscalls.mmap(0, bytes, Syscalls.PROT_READ, Syscalls.MAP_SHARED, fd, 0);
        try {
            MemorySegment view = MemorySegment.ofAddress(addr).reinterpret(bytes);
            MemorySegment zero = MemorySegment.ofArray(new byte[HOST_PAGE]);
            for (int i = 0; (long) i * HOST_PAGE < bytes; i++) {
                MemorySegment page = view.asSlice((long) i * HOST_PAGE, HOST_PAGE);
                if (page.mismatch(zero) != -1) {
                    visitor.accept(page.toArray(ValueLayout.JAVA_BYTE), i);
                }
            }
        } finally {
            Syscalls.munmap(addr, bytes);
        }
    }

    /** Wasm pages (64 KiB) in the image. */
    public int pages() {
        return pages;
    }

    public long sizeInBytes() {
        return (long) pages * Memory.PAGE_SIZE;
    }

    int fd() {
        if (closed) {
            throw new IllegalStateException("memory image is closed");
        }
        return fd;
    }

    @Override
    public synchronized void close() {
        if (!closed) {
            closed = true;
            Syscalls.close(fd);
        }
    }
}
