package io.jfaasm.runtime.memory;

import com.dylibso.chicory.runtime.ConstantEvaluators;
import com.dylibso.chicory.runtime.Instance;
import com.dylibso.chicory.runtime.Memory;
import com.dylibso.chicory.runtime.WasmRuntimeException;
import com.dylibso.chicory.wasm.ChicoryException;
import com.dylibso.chicory.wasm.UninstantiableException;
import com.dylibso.chicory.wasm.types.ActiveDataSegment;
import com.dylibso.chicory.wasm.types.DataSegment;
import com.dylibso.chicory.wasm.types.PassiveDataSegment;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/**
 * A wasm linear memory in native memory of its own: one {@code mmap} reservation of the function's
 * page limit, made once, of which the first {@code pages()} pages are visible to the guest.
 *
 * <p>Why a reservation: the memory never moves, so later work can map shared state regions
 * ({@code MAP_SHARED}) and copy-on-write snapshots ({@code MAP_PRIVATE}) at fixed wasm addresses
 * inside it. Untouched pages cost no RAM ({@code MAP_NORESERVE}); growth only widens the view.
 *
 * <p>Every access is bounds-checked against the current size by the view's own segment bounds, and
 * an out-of-bounds access is a trap for this call, never a fault of the JVM. Compiled wasm calls
 * memory through the {@link Memory} interface: this is the only implementation we use, so those
 * call sites stay monomorphic. Not thread-safe: a Faaslet's memory belongs to the thread running it,
 * and {@link #close()} must come from that thread once the guest is done.
 */
public final class LinearMemory implements Memory, AutoCloseable {
    private static final ValueLayout.OfShort SHORT =
            ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfInt INT =
            ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfLong LONG =
            ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfFloat FLOAT =
            ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfDouble DOUBLE =
            ValueLayout.JAVA_DOUBLE_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    private final long base;
    private final long reservedBytes;
    private final int initialPages;
    private final int maximumPages;
    private MemorySegment view;
    private int pages;
    private boolean growRefused;
    private boolean closed;
    /** Most pages ever visible: how far a reset must clear. */
    private int highWater;
    /** Set when the contents came from an image: instantiation must not zero or re-copy data. */
    private boolean restored;
    private DataSegment[] dataSegments;
    /** The instance whose data segments memory.init refers to: the first to initialise this memory. */
    private Instance owner;

    /**
     * @param initialPages pages visible at start
     * @param maximumPages the hard limit: the module's own maximum or the function's limit,
     *     whichever is lower
     */
    public LinearMemory(int initialPages, int maximumPages) {
        if (maximumPages < 0 || maximumPages > RUNTIME_MAX_PAGES) {
            throw new IllegalArgumentException("maximum pages out of range: " + maximumPages);
        }
        if (initialPages < 0 || initialPages > maximumPages) {
            throw new MemoryLimitException("the module needs " + initialPages
                    + " pages of memory at start but its limit is " + maximumPages + " pages ("
                    + (long) maximumPages * PAGE_SIZE / (1024 * 1024) + " MiB)");
        }
        this.initialPages = initialPages;
        this.maximumPages = maximumPages;
        // At least one host page, so that even a zero-page memory has a valid base address.
        this.reservedBytes = Math.max((long) maximumPages * PAGE_SIZE, 4096);
        this.base = Syscalls.mmap(0, reservedBytes, Syscalls.PROT_READ | Syscalls.PROT_WRITE,
                Syscalls.MAP_PRIVATE | Syscalls.MAP_ANONYMOUS | Syscalls.MAP_NORESERVE, -1, 0);
        this.pages = initialPages;
        this.highWater = initialPages;
        this.view = MemorySegment.ofAddress(base).reinterpret((long) initialPages * PAGE_SIZE);
    }

    /** A memory whose contents are a copy-on-write mapping of an image (a snapshot restore). */
    public LinearMemory(MemoryImage image, int maximumPages) {
        this(image.pages(), maximumPages);
        try {
            mapImage(image);
        } catch (RuntimeException e) {
            close();
            throw e;
        }
        this.restored = true;
    }

    /**
     * Puts the memory back to the image's contents and size: maps the image again over its pages
     * and discards every page beyond (including state regions mapped there). Costs the same
     * whatever the memory's size.
     */
    public void reset(MemoryImage image) {
        if (image.pages() > maximumPages) {
            throw new MemoryLimitException("the snapshot has " + image.pages()
                    + " pages but the limit is " + maximumPages);
        }
        mapImage(image);
        if (highWater > image.pages()) {
            long from = image.sizeInBytes();
            Syscalls.mmap(base + from, (long) highWater * PAGE_SIZE - from,
                    Syscalls.PROT_READ | Syscalls.PROT_WRITE,
                    Syscalls.MAP_PRIVATE | Syscalls.MAP_ANONYMOUS | Syscalls.MAP_NORESERVE
                            | Syscalls.MAP_FIXED, -1, 0);
        }
        pages = image.pages();
        highWater = pages;
        growRefused = false;
        view = MemorySegment.ofAddress(base).reinterpret(image.sizeInBytes());
    }

    /**
     * Grows the memory by the file's pages and maps the file over them, shared: the guest sees the
     * file's bytes at the returned wasm address and its writes land in the file. The pages are
     * past everything the guest's allocator owns, which only ever grows the memory itself.
     *
     * @throws MemoryLimitException when the file does not fit under the memory limit
     */
    public int mapShared(SharedFile file) {
        int filePages = file.pages();
        int at = pages;
        if ((long) at + filePages > maximumPages) {
            throw new MemoryLimitException("mapping a state value of " + file.sizeInBytes()
                    + " bytes needs " + filePages + " more pages of memory but only "
                    + (maximumPages - at) + " remain under the limit of " + maximumPages + " pages");
        }
        file.mapInto(base + (long) at * PAGE_SIZE, file.sizeInBytes());
        grow(filePages);
        return at * PAGE_SIZE;
    }

    /**
     * Maps a file, shared, over pages the memory already has at {@code address} (a state region
     * the snapshot's zygote mapped there): a restored memory sees the host's copy, not the
     * snapshot's.
     */
    public void mapSharedAt(SharedFile file, int address) {
        long end = (long) address + file.sizeInBytes();
        if (address < 0 || address % PAGE_SIZE != 0 || end > (long) pages * PAGE_SIZE) {
            throw new IllegalArgumentException("a shared file of " + file.sizeInBytes()
                    + " bytes does not fit at " + address + " in a memory of " + pages + " pages");
        }
        file.mapInto(base + address, file.sizeInBytes());
    }

    private void mapImage(MemoryImage image) {
        if (image.pages() > 0) {
            Syscalls.mmap(base, image.sizeInBytes(), Syscalls.PROT_READ | Syscalls.PROT_WRITE,
                    Syscalls.MAP_PRIVATE | Syscalls.MAP_FIXED, image.fd(), 0);
        }
    }

    /** Native address of wasm address 0: where later work maps shared and snapshot pages. */
    public long baseAddress() {
        return base;
    }

    /** True once the guest asked to grow past its limit: the reason a later failure is reported as such. */
    public boolean growRefused() {
        return growRefused;
    }

    public long sizeInBytes() {
        return view.byteSize();
    }

    @Override
    public int pages() {
        return pages;
    }

    @Override
    public int grow(int delta) {
        int previous = pages;
        if (delta < 0 || (long) previous + delta > maximumPages) {
            growRefused = true;
            return -1;
        }
        pages = previous + delta;
        highWater = Math.max(highWater, pages);
        view = MemorySegment.ofAddress(base).reinterpret((long) pages * PAGE_SIZE);
        return previous;
    }

    @Override
    public int initialPages() {
        return initialPages;
    }

    @Override
    public int maximumPages() {
        return maximumPages;
    }

    @Override
    public boolean shared() {
        return false;
    }

    /** Gives the pages back to the kernel. The guest must be done with this memory. */
    @Override
    public void close() {
        if (!closed) {
            closed = true;
            view = MemorySegment.NULL;
            pages = 0;
            Syscalls.munmap(base, reservedBytes);
        }
    }

    // ---- initialisation: data segments --------------------------------------------------------

    @Override
    public void initialize(Instance instance, DataSegment[] segments) {
        initialize(instance, segments, 0);
    }

    @Override
    public void initialize(Instance instance, DataSegment[] segments, int memoryIndex) {
        if (owner != null && instance != owner) {
            // A library importing this memory (dynamic loading): its active segments are copied,
            // but memory.init and data.drop keep resolving against the owner's segments.
            writeActiveSegments(instance, segments, memoryIndex);
            return;
        }
        this.owner = instance;
        this.dataSegments = segments;
        if (segments == null || restored) {
            restored = false; // the image already holds the initialised data
            return;
        }
        writeActiveSegments(instance, segments, memoryIndex);
    }

    private void writeActiveSegments(Instance instance, DataSegment[] segments, int memoryIndex) {
        if (segments == null) {
            return;
        }
        for (DataSegment s : segments) {
            if (s instanceof ActiveDataSegment active && active.index() == memoryIndex) {
                int offset = (int) ConstantEvaluators.computeConstantValue(
                        instance, active.offsetInstructions())[0];
                byte[] data = active.data();
                if (offset < 0 || (long) offset + data.length > sizeInBytes()) {
                    throw new UninstantiableException("out of bounds memory access: data segment of "
                            + data.length + " bytes at " + Integer.toUnsignedString(offset)
                            + " does not fit in " + sizeInBytes() + " bytes");
                }
                write(offset, data, 0, data.length);
            } else if (!(s instanceof ActiveDataSegment) && !(s instanceof PassiveDataSegment)) {
                throw new ChicoryException("data segment should be active or passive: " + s);
            }
        }
    }

    @Override
    public void initPassiveSegment(int segmentId, int dest, int offset, int size) {
        write(dest, dataSegments[segmentId].data(), offset, size);
    }

    @Override
    public void drop(int segment) {
        dataSegments[segment] = PassiveDataSegment.EMPTY;
    }

    /** Resets every visible page to zero; the kernel hands back fresh zero pages on next touch. */
    @Override
    public void zero() {
        if (pages > 0 && !restored) {
            Syscalls.madvise(base, sizeInBytes(), Syscalls.MADV_DONTNEED);
        }
    }

    // ---- bulk access -------------------------------------------------------------------------

    private WasmRuntimeException outOfBounds(long addr, long size) {
        return outOfBounds(addr, size, sizeInBytes());
    }

    /**
     * The trap for an access outside the memory. Public so that compiled code which reads the
     * memory through {@link #segment()} traps with exactly the same message as this class.
     */
    public static WasmRuntimeException outOfBounds(long addr, long size, long memoryBytes) {
        return new WasmRuntimeException("out of bounds memory access: address "
                + Long.toUnsignedString(addr & 0xFFFFFFFFL) + " size " + size
                + " but memory size is " + memoryBytes + " bytes");
    }

    /**
     * The guest-visible bytes as a segment, for code that accesses memory directly (JFaasm's
     * compiler tier). It is replaced on every growth and reset: callers must fetch it again after
     * anything that may grow the memory.
     */
    public MemorySegment segment() {
        return view;
    }

    private void check(int addr, int size) {
        if (addr < 0 || size < 0 || (long) addr + size > sizeInBytes()) {
            throw outOfBounds(addr, size);
        }
    }

    @Override
    public void write(int addr, byte[] data, int offset, int size) {
        if (offset < 0 || size < 0 || (long) offset + size > data.length) {
            throw outOfBounds(offset, size);
        }
        check(addr, size);
        MemorySegment.copy(data, offset, view, ValueLayout.JAVA_BYTE, addr, size);
    }

    @Override
    public byte[] readBytes(int addr, int len) {
        check(addr, len);
        byte[] out = new byte[len];
        MemorySegment.copy(view, ValueLayout.JAVA_BYTE, addr, out, 0, len);
        return out;
    }

    /** Copies bytes of a native segment (a state region) into guest memory, with no heap copy. */
    public void copyFrom(MemorySegment source, long sourceOffset, int addr, int len) {
        check(addr, len);
        MemorySegment.copy(source, sourceOffset, view, addr, len);
    }

    /** Copies guest bytes into a host array without an intermediate allocation. */
    public void read(int addr, byte[] dest, int destOffset, int len) {
        check(addr, len);
        MemorySegment.copy(view, ValueLayout.JAVA_BYTE, addr, dest, destOffset, len);
    }

    @Override
    public void fill(byte value, int fromIndex, int toIndex) {
        check(fromIndex, toIndex - fromIndex);
        view.asSlice(fromIndex, toIndex - fromIndex).fill(value);
    }

    @Override
    public void copy(int dest, int src, int size) {
        check(dest, size);
        check(src, size);
        MemorySegment.copy(view, src, view, dest, size);
    }

    // ---- scalar access: the hot path of compiled code ------------------------------------------

    @Override
    public byte read(int addr) {
        try {
            return view.get(ValueLayout.JAVA_BYTE, addr);
        } catch (IndexOutOfBoundsException e) {
            throw outOfBounds(addr, 1);
        }
    }

    @Override
    public void writeByte(int addr, byte data) {
        try {
            view.set(ValueLayout.JAVA_BYTE, addr, data);
        } catch (IndexOutOfBoundsException e) {
            throw outOfBounds(addr, 1);
        }
    }

    @Override
    public short readShort(int addr) {
        try {
            return view.get(SHORT, addr);
        } catch (IndexOutOfBoundsException e) {
            throw outOfBounds(addr, 2);
        }
    }

    @Override
    public long readU16(int addr) {
        return readShort(addr) & 0xFFFFL;
    }

    @Override
    public void writeShort(int addr, short data) {
        try {
            view.set(SHORT, addr, data);
        } catch (IndexOutOfBoundsException e) {
            throw outOfBounds(addr, 2);
        }
    }

    @Override
    public int readInt(int addr) {
        try {
            return view.get(INT, addr);
        } catch (IndexOutOfBoundsException e) {
            throw outOfBounds(addr, 4);
        }
    }

    @Override
    public void writeI32(int addr, int data) {
        try {
            view.set(INT, addr, data);
        } catch (IndexOutOfBoundsException e) {
            throw outOfBounds(addr, 4);
        }
    }

    @Override
    public long readLong(int addr) {
        try {
            return view.get(LONG, addr);
        } catch (IndexOutOfBoundsException e) {
            throw outOfBounds(addr, 8);
        }
    }

    @Override
    public void writeLong(int addr, long data) {
        try {
            view.set(LONG, addr, data);
        } catch (IndexOutOfBoundsException e) {
            throw outOfBounds(addr, 8);
        }
    }

    @Override
    public float readFloat(int addr) {
        try {
            return view.get(FLOAT, addr);
        } catch (IndexOutOfBoundsException e) {
            throw outOfBounds(addr, 4);
        }
    }

    @Override
    public long readF32(int addr) {
        return readInt(addr);
    }

    @Override
    public void writeF32(int addr, float data) {
        try {
            view.set(FLOAT, addr, data);
        } catch (IndexOutOfBoundsException e) {
            throw outOfBounds(addr, 4);
        }
    }

    @Override
    public double readDouble(int addr) {
        try {
            return view.get(DOUBLE, addr);
        } catch (IndexOutOfBoundsException e) {
            throw outOfBounds(addr, 8);
        }
    }

    @Override
    public long readF64(int addr) {
        return readLong(addr);
    }

    @Override
    public void writeF64(int addr, double data) {
        try {
            view.set(DOUBLE, addr, data);
        } catch (IndexOutOfBoundsException e) {
            throw outOfBounds(addr, 8);
        }
    }

    // ---- threads proposal: not offered (memories are never shared between guest threads) -------

    @Override
    @SuppressWarnings("removal")
    public Object lock(int address) {
        return this;
    }

    @Override
    @SuppressWarnings("removal")
    public int waitOn(int address, int expected, long timeout) {
        throw new WasmRuntimeException("atomic wait on a non-shared memory");
    }

    @Override
    @SuppressWarnings("removal")
    public int waitOn(int address, long expected, long timeout) {
        throw new WasmRuntimeException("atomic wait on a non-shared memory");
    }

    @Override
    @SuppressWarnings("removal")
    public int notify(int address, int maxThreads) {
        return 0;
    }
}
