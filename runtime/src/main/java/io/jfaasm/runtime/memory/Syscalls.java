package io.jfaasm.runtime.memory;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;

/**
 * The few Linux calls that linear memories need, bound through the FFM API. Errors come back as
 * {@link NativeMemoryException} carrying errno, never as a crashed JVM.
 */
final class Syscalls {
    static final int PROT_NONE = 0;
    static final int PROT_READ = 1;
    static final int PROT_WRITE = 2;
    static final int MAP_SHARED = 0x01;
    static final int MAP_PRIVATE = 0x02;
    static final int MAP_FIXED = 0x10;
    static final int MAP_ANONYMOUS = 0x20;
    static final int MAP_NORESERVE = 0x4000;
    static final int MADV_DONTNEED = 4;

    private static final long MAP_FAILED = -1L;
    private static final Linker LINKER = Linker.nativeLinker();
    private static final SymbolLookup LIBC = LINKER.defaultLookup();
    private static final Linker.Option CAPTURE_ERRNO = Linker.Option.captureCallState("errno");
    private static final long ERRNO_OFFSET =
            Linker.Option.captureStateLayout()
                    .byteOffset(java.lang.foreign.MemoryLayout.PathElement.groupElement("errno"));

    private static final MethodHandle MMAP =
            downcall("mmap", FunctionDescriptor.of(ValueLayout.JAVA_LONG, ValueLayout.JAVA_LONG,
                    ValueLayout.JAVA_LONG, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT,
                    ValueLayout.JAVA_INT, ValueLayout.JAVA_LONG));
    private static final MethodHandle MUNMAP =
            downcall("munmap", FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_LONG,
                    ValueLayout.JAVA_LONG));
    private static final MethodHandle MADVISE =
            downcall("madvise", FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_LONG,
                    ValueLayout.JAVA_LONG, ValueLayout.JAVA_INT));

    private static final MethodHandle MEMFD_CREATE =
            downcall("memfd_create", FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.ADDRESS,
                    ValueLayout.JAVA_INT));
    private static final MethodHandle FTRUNCATE =
            downcall("ftruncate", FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT,
                    ValueLayout.JAVA_LONG));
    private static final MethodHandle CLOSE =
            downcall("close", FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT));
    static final int MFD_CLOEXEC = 1;

    private static final ThreadLocal<MemorySegment> CALL_STATE =
            ThreadLocal.withInitial(() -> java.lang.foreign.Arena.global()
                    .allocate(Linker.Option.captureStateLayout()));

    private Syscalls() {}

    private static MethodHandle downcall(String name, FunctionDescriptor descriptor) {
        MemorySegment symbol = LIBC.find(name)
                .orElseThrow(() -> new UnsatisfiedLinkError("libc has no " + name));
        return LINKER.downcallHandle(symbol, descriptor, CAPTURE_ERRNO);
    }

    /** mmap(2); returns the mapped address. */
    static long mmap(long addr, long length, int prot, int flags, int fd, long offset) {
        MemorySegment state = CALL_STATE.get();
        long result;
        try {
            result = (long) MMAP.invokeExact(state, addr, length, prot, flags, fd, offset);
        } catch (Throwable t) {
            throw new NativeMemoryException("mmap failed: " + t, 0);
        }
        if (result == MAP_FAILED) {
            throw new NativeMemoryException("mmap of " + length + " bytes", errno(state));
        }
        return result;
    }

    static void munmap(long addr, long length) {
        MemorySegment state = CALL_STATE.get();
        int rc;
        try {
            rc = (int) MUNMAP.invokeExact(state, addr, length);
        } catch (Throwable t) {
            throw new NativeMemoryException("munmap failed: " + t, 0);
        }
        if (rc != 0) {
            throw new NativeMemoryException("munmap of " + length + " bytes", errno(state));
        }
    }

    static void madvise(long addr, long length, int advice) {
        MemorySegment state = CALL_STATE.get();
        int rc;
        try {
            rc = (int) MADVISE.invokeExact(state, addr, length, advice);
        } catch (Throwable t) {
            throw new NativeMemoryException("madvise failed: " + t, 0);
        }
        if (rc != 0) {
            throw new NativeMemoryException("madvise of " + length + " bytes", errno(state));
        }
    }

    /** memfd_create(2): an anonymous file in RAM, the backing of snapshots and shared regions. */
    static int memfdCreate(String name) {
        MemorySegment state = CALL_STATE.get();
        int fd;
        try (java.lang.foreign.Arena arena = java.lang.foreign.Arena.ofConfined()) {
            fd = (int) MEMFD_CREATE.invokeExact(state, arena.allocateFrom(name), MFD_CLOEXEC);
        } catch (Throwable t) {
            throw new NativeMemoryException("memfd_create failed: " + t, 0);
        }
        if (fd < 0) {
            throw new NativeMemoryException("memfd_create", errno(state));
        }
        return fd;
    }

    static void ftruncate(int fd, long length) {
        MemorySegment state = CALL_STATE.get();
        int rc;
        try {
            rc = (int) FTRUNCATE.invokeExact(state, fd, length);
        } catch (Throwable t) {
            throw new NativeMemoryException("ftruncate failed: " + t, 0);
        }
        if (rc != 0) {
            throw new NativeMemoryException("ftruncate to " + length + " bytes", errno(state));
        }
    }

    static void close(int fd) {
        MemorySegment state = CALL_STATE.get();
        try {
            int rc = (int) CLOSE.invokeExact(state, fd);
            if (rc != 0) {
                throw new NativeMemoryException("close of fd " + fd, errno(state));
            }
        } catch (NativeMemoryException e) {
            throw e;
        } catch (Throwable t) {
            throw new NativeMemoryException("close failed: " + t, 0);
        }
    }

    private static int errno(MemorySegment state) {
        return state.get(ValueLayout.JAVA_INT, ERRNO_OFFSET);
    }
}
