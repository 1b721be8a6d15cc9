package io.jfaasm.runtime.files;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.WritableByteChannel;

/**
 * A file channel of a {@link ViewProvider.Quota} view: before every write that would grow the file,
 * the growth is reserved (or refused, nothing written); afterwards the count is set to what the
 * file really grew or shrank by.
 */
final class QuotaChannel extends FileChannel {
    private final FileChannel ch;
    private final QuotaUsage usage;
    private final boolean append;

    QuotaChannel(FileChannel ch, QuotaUsage usage, boolean append) {
        this.ch = ch;
        this.usage = usage;
        this.append = append;
    }

    /** Something that changes the file, given where it writes and how much. */
    private interface Change<T> {
        T run() throws IOException;
    }

    private <T> T growing(long at, long length, Change<T> change) throws IOException {
        long before = ch.size();
        long growth = Math.max(0, at + length - before);
        usage.reserve(growth);
        try {
            return change.run();
        } finally {
            // what the file really grew (or shrank) by, in place of what was reserved
            usage.adjust((ch.isOpen() ? ch.size() - before : growth) - growth);
        }
    }

    private long writeAt() throws IOException {
        return append ? ch.size() : ch.position();
    }

    @Override
    public int write(ByteBuffer src) throws IOException {
        return growing(writeAt(), src.remaining(), () -> ch.write(src));
    }

    @Override
    public long write(ByteBuffer[] srcs, int offset, int length) throws IOException {
        long total = 0;
        for (int i = offset; i < offset + length; i++) {
            total += srcs[i].remaining();
        }
        return growing(writeAt(), total, () -> ch.write(srcs, offset, length));
    }

    @Override
    public int write(ByteBuffer src, long position) throws IOException {
        return growing(position, src.remaining(), () -> ch.write(src, position));
    }

    @Override
    public long transferFrom(ReadableByteChannel src, long position, long count) throws IOException {
        return growing(position, count, () -> ch.transferFrom(src, position, count));
    }

    @Override
    public FileChannel truncate(long size) throws IOException {
        growing(0, 0, () -> ch.truncate(size));
        return this;
    }

    @Override
    public MappedByteBuffer map(MapMode mode, long position, long size) throws IOException {
        if (mode != MapMode.READ_ONLY) {
            throw new IOException("only read-only mappings of scratch files"); // a mapping could grow it
        }
        return ch.map(mode, position, size);
    }

    @Override
    public int read(ByteBuffer dst) throws IOException {
        return ch.read(dst);
    }

    @Override
    public long read(ByteBuffer[] dsts, int offset, int length) throws IOException {
        return ch.read(dsts, offset, length);
    }

    @Override
    public int read(ByteBuffer dst, long position) throws IOException {
        return ch.read(dst, position);
    }

    @Override
    public long position() throws IOException {
        return ch.position();
    }

    @Override
    public FileChannel position(long newPosition) throws IOException {
        ch.position(newPosition);
        return this;
    }

    @Override
    public long size() throws IOException {
        return ch.size();
    }

    @Override
    public void force(boolean metaData) throws IOException {
        ch.force(metaData);
    }

    @Override
    public long transferTo(long position, long count, WritableByteChannel target) throws IOException {
        return ch.transferTo(position, count, target);
    }

    @Override
    public FileLock lock(long position, long size, boolean shared) throws IOException {
        return ch.lock(position, size, shared);
    }

    @Override
    public FileLock tryLock(long position, long size, boolean shared) throws IOException {
        return ch.tryLock(position, size, shared);
    }

    @Override
    protected void implCloseChannel() throws IOException {
        ch.close();
    }
}
