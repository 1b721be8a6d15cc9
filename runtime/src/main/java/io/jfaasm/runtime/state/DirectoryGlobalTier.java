package io.jfaasm.runtime.state;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A persistent global tier for one host: every value and appended list is a file under one
 * directory, so a host that restarts on the same directory finds all of its state again. It is
 * what {@code jfaasm serve} uses when it runs without Redis.
 *
 * <p><b>Files.</b> A key never becomes a path. Each key has a file name derived from it: the
 * lower-case hex of its UTF-8 bytes when that is at most 200 characters, else {@code h} and the
 * hex SHA-256 of those bytes; the file itself starts with the key, so the name needs no decoding
 * and a hash collision would be detected. {@code NAME.val} holds a value, {@code NAME.lst} an
 * appended list:
 *
 * <pre>
 *   NAME.val:  "JFV1" | key length (int32) | key (UTF-8) | value bytes
 *   NAME.lst:  "JFL1" | key length (int32) | key (UTF-8) | (element length (int32) | element)*
 * </pre>
 *
 * <p><b>Atomicity.</b> {@link #set} and {@link #setRanges} write a new file beside the old one and
 * rename it over the old one, so a reader (in this process or after a crash) sees the old value
 * or the new one, never a mix; a setRanges therefore copies the value (its cost grows with the
 * value's size, not the chunks'). An append writes one record at the end of the list file; a
 * record cut short by a crash is dropped when the directory is opened again. Within the process
 * each key has a read/write lock over its value and its list, as in {@link InMemoryGlobalTier},
 * so every method is atomic for its key.
 *
 * <p><b>Durability.</b> With {@code fsync} off (the default) a completed write survives the process
 * (a crash or a restart) because it is in the kernel's page cache; it may be lost if the machine
 * itself goes down before the kernel writes it back, much like Redis with its default persistence.
 * With {@code fsync} on, every write is forced to the disk (file and directory) before it returns.
 *
 * <p><b>Locks are leases in memory</b>, not files: they do not survive a restart. That is sound
 * because a lock is only ever a lease: its holder was a call running in this process, and after a
 * restart that call no longer exists, so its lease would have to be broken anyway; the leases of
 * calls that are still running end by themselves.
 *
 * <p><b>One process per directory.</b> The per-key locks live in this object; two processes on one
 * directory would not see each other's. The server takes a lock file on its data directory.
 */
public final class DirectoryGlobalTier implements GlobalTier {
    private static final Logger LOG = LoggerFactory.getLogger(DirectoryGlobalTier.class);

    /** The largest value, as in Redis and {@link InMemoryGlobalTier}: 512 MiB. */
    public static final long MAX_VALUE_SIZE = TierArguments.MAX_VALUE_SIZE;

    private static final byte[] VALUE_MAGIC = "JFV1".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] LIST_MAGIC = "JFL1".getBytes(StandardCharsets.US_ASCII);
    private static final String VALUE_SUFFIX = ".val";
    private static final String LIST_SUFFIX = ".lst";
    private static final String TMP_SUFFIX = ".tmp";
    private static final int MAX_HEX_NAME = 200;
    private static final byte[] EMPTY = new byte[0];
    private static final int COPY_BLOCK = 64 * 1024;

    /** One key: what its files hold, under one lock. */
    private static final class Entry {
        final ReentrantReadWriteLock rw = new ReentrantReadWriteLock();
        final String key;
        final String name;
        final int headerBytes;
        /** Size of the value, or -1 when the key has no value (it may still have a list). */
        long valueSize = -1;
        /** Elements in the appended list, and the list file's length (0 when it has no file). */
        int listCount;
        long listFileBytes;
        /** Set (under the write lock) when this entry left the index; writers then retry. */
        boolean removed;

        Entry(String key) {
            this.key = key;
            this.name = fileName(key);
            this.headerBytes = 8 + key.getBytes(StandardCharsets.UTF_8).length;
        }

        boolean isEmpty() {
            return valueSize < 0 && listCount == 0;
        }

        /** Bytes of state this key holds: its value and its elements. */
        long storedBytes() {
            return Math.max(0, valueSize) + (listFileBytes == 0 ? 0 : listFileBytes - headerBytes - 4L * listCount);
        }
    }

    private record Lease(String token, long expiresAtNanos) {}

    private final Path dir;
    private final boolean fsync;
    private final ConcurrentSkipListMap<String, Entry> entries = new ConcurrentSkipListMap<>();
    private final ConcurrentHashMap<String, Lease> locks = new ConcurrentHashMap<>();
    private final TierStats stats = new TierStats();
    private final AtomicLong storedBytes = new AtomicLong();
    private volatile boolean closed;

    /** Opens (creating it if needed) the tier kept in {@code dir}, without fsync. */
    public DirectoryGlobalTier(Path dir) {
        this(dir, false);
    }

    /**
     * Opens (creating it if needed) the tier kept in {@code dir}.
     *
     * @param fsync force every write to the disk before it returns
     */
    public DirectoryGlobalTier(Path dir, boolean fsync) {
        this.dir = dir.toAbsolutePath().normalize();
        this.fsync = fsync;
        try {
            Files.createDirectories(this.dir);
        } catch (IOException e) {
            throw new GlobalTierException("cannot create the state directory " + this.dir + ": " + e.getMessage(), e);
        }
        load();
    }

    /** The directory the files are in. */
    public Path directory() {
        return dir;
    }

    /** Bytes of state held: every value plus every appended element (headers not counted). */
    public long storedBytes() {
        return storedBytes.get();
    }

    // ---- values ----

    @Override
    public byte[] get(String key) {
        TierArguments.checkKey(key);
        byte[] value = read(key, e -> e.valueSize < 0 ? null : readValue(e, 0, e.valueSize));
        stats.read(value == null ? 0 : value.length);
        return value;
    }

    @Override
    public long size(String key) {
        TierArguments.checkKey(key);
        Long size = read(key, e -> e.valueSize < 0 ? null : e.valueSize);
        stats.call();
        return size == null ? -1 : size;
    }

    @Override
    public byte[] getRange(String key, long offset, int length) {
        TierArguments.checkKey(key);
        TierArguments.checkRange(offset, length);
        byte[] bytes = read(key, e -> {
            if (e.valueSize < 0 || offset >= e.valueSize) {
                return EMPTY;
            }
            return readValue(e, offset, Math.min(e.valueSize, offset + length) - offset);
        });
        if (bytes == null) {
            bytes = EMPTY;
        }
        stats.read(bytes.length);
        return bytes;
    }

    @Override
    public void set(String key, byte[] value) {
        TierArguments.checkKey(key);
        Objects.requireNonNull(value, "value");
        TierArguments.checkSize(value.length);
        byte[] copy = value.clone(); // the caller may change its array while we wait for the lock
        write(key, e -> {
            Path tmp = tempFile(e);
            try {
                try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
                    writeFully(ch, ByteBuffer.wrap(header(VALUE_MAGIC, e.key)));
                    writeFully(ch, ByteBuffer.wrap(copy));
                    force(ch);
                }
                replace(tmp, valueFile(e));
            } catch (IOException ex) {
                deleteQuietly(tmp);
                throw failure("set", e.key, ex);
            }
            setValueSize(e, copy.length);
            return null;
        });
        stats.wrote(copy.length);
    }

    @Override
    public void setRanges(String key, List<Chunk> chunks) {
        TierArguments.checkKey(key);
        Objects.requireNonNull(chunks, "chunks");
        long end = 0;
        long bytes = 0;
        List<Chunk> copies = new ArrayList<>(chunks.size());
        for (Chunk c : chunks) {
            Objects.requireNonNull(c, "chunk");
            Objects.requireNonNull(c.data(), "chunk data");
            TierArguments.checkRange(c.offset(), c.data().length);
            TierArguments.checkSize(c.offset() + c.data().length);
            end = Math.max(end, c.offset() + c.data().length);
            bytes += c.data().length;
            copies.add(new Chunk(c.offset(), c.data().clone()));
        }
        long needed = end;
        write(key, e -> {
            long oldSize = Math.max(0, e.valueSize);
            long newSize = Math.max(oldSize, needed);
            Path tmp = tempFile(e);
            try {
                try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
                    if (e.valueSize >= 0) {
                        try (FileChannel old = FileChannel.open(valueFile(e), StandardOpenOption.READ)) {
                            long at = 0;
                            long total = e.headerBytes + oldSize;
                            while (at < total) {
                                at += old.transferTo(at, total - at, ch);
                            }
                        }
                    } else {
                        writeFully(ch, ByteBuffer.wrap(header(VALUE_MAGIC, e.key)));
                    }
                    // zero-extend explicitly: a gap left by a write past the end is not defined to be zeros
                    ByteBuffer zeros = ByteBuffer.allocate((int) Math.min(COPY_BLOCK, Math.max(1, newSize - oldSize)));
                    long at = oldSize;
                    while (at < newSize) {
                        zeros.clear().limit((int) Math.min(zeros.capacity(), newSize - at));
                        at += writeFully(ch, zeros, e.headerBytes + at);
                    }
                    for (Chunk c : copies) {
                        writeFully(ch, ByteBuffer.wrap(c.data()), e.headerBytes + c.offset());
                    }
                    force(ch);
                }
                replace(tmp, valueFile(e));
            } catch (IOException ex) {
                deleteQuietly(tmp);
                throw failure("setRanges", e.key, ex);
            }
            setValueSize(e, newSize);
            return null;
        });
        stats.wrote(bytes);
    }

    @Override
    public boolean delete(String key) {
        TierArguments.checkKey(key);
        checkOpen();
        boolean had = false;
        while (true) {
            Entry e = entries.get(key);
            if (e == null) {
                break;
            }
            e.rw.writeLock().lock();
            try {
                if (e.removed) {
                    continue; // someone else removed it; look again
                }
                had = !e.isEmpty();
                try {
                    Files.deleteIfExists(valueFile(e));
                    Files.deleteIfExists(listFile(e));
                    syncDir();
                } catch (IOException ex) {
                    throw failure("delete", key, ex);
                }
                storedBytes.addAndGet(-e.storedBytes());
                e.valueSize = -1;
                e.listCount = 0;
                e.listFileBytes = 0;
                e.removed = true;
                entries.remove(key, e);
                break;
            } finally {
                e.rw.writeLock().unlock();
            }
        }
        stats.call();
        return had;
    }

    @Override
    public List<String> keys(String prefix) {
        Objects.requireNonNull(prefix, "prefix");
        checkOpen();
        List<String> keys = new ArrayList<>();
        for (Map.Entry<String, Entry> me : entries.tailMap(prefix, true).entrySet()) {
            if (!me.getKey().startsWith(prefix)) {
                break; // sorted: nothing further can match
            }
            Entry e = me.getValue();
            e.rw.readLock().lock();
            try {
                if (!e.removed && !e.isEmpty()) {
                    keys.add(me.getKey());
                }
            } finally {
                e.rw.readLock().unlock();
            }
        }
        stats.call();
        return keys;
    }

    // ---- appended lists ----

    @Override
    public void append(String key, byte[] element) {
        TierArguments.checkKey(key);
        Objects.requireNonNull(element, "element");
        TierArguments.checkSize(element.length);
        byte[] copy = element.clone();
        write(key, e -> {
            Path file = listFile(e);
            try {
                boolean fresh = e.listFileBytes == 0;
                if (fresh) {
                    // a new list file: header first, written whole before the file gets its name
                    Path tmp = tempFile(e);
                    try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
                        writeFully(ch, ByteBuffer.wrap(header(LIST_MAGIC, e.key)));
                        force(ch);
                    } catch (IOException ex) {
                        deleteQuietly(tmp);
                        throw ex;
                    }
                    replace(tmp, file);
                    e.listFileBytes = e.headerBytes;
                }
                ByteBuffer record = ByteBuffer.allocate(4 + copy.length).putInt(copy.length).put(copy).flip();
                try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
                    ch.truncate(e.listFileBytes); // drop any partial record of an earlier failed append
                    writeFully(ch, record, e.listFileBytes);
                    force(ch);
                }
            } catch (IOException ex) {
                throw failure("append", e.key, ex);
            }
            e.listFileBytes += 4L + copy.length;
            e.listCount++;
            storedBytes.addAndGet(copy.length);
            return null;
        });
        stats.wrote(copy.length);
    }

    @Override
    public List<byte[]> readAppended(String key, int count) {
        TierArguments.checkKey(key);
        if (count < 0) {
            throw new IllegalArgumentException("count must not be negative: " + count);
        }
        List<byte[]> out = read(key, e -> {
            int n = Math.min(count, e.listCount);
            List<byte[]> elements = new ArrayList<>(n);
            if (n == 0) {
                return elements;
            }
            try (FileChannel ch = FileChannel.open(listFile(e), StandardOpenOption.READ)) {
                long at = e.headerBytes;
                ByteBuffer len = ByteBuffer.allocate(4);
                for (int i = 0; i < n; i++) {
                    readFully(ch, len.clear(), at);
                    int size = len.flip().getInt();
                    byte[] element = new byte[size];
                    readFully(ch, ByteBuffer.wrap(element), at + 4);
                    elements.add(element);
                    at += 4L + size;
                }
            } catch (IOException ex) {
                throw failure("readAppended", e.key, ex);
            }
            return elements;
        });
        if (out == null) {
            out = new ArrayList<>();
        }
        long bytes = 0;
        for (byte[] b : out) {
            bytes += b.length;
        }
        stats.read(bytes);
        return out;
    }

    @Override
    public void clearAppended(String key) {
        TierArguments.checkKey(key);
        checkOpen();
        Entry e = entries.get(key);
        if (e != null) {
            e.rw.writeLock().lock();
            try {
                if (!e.removed) {
                    try {
                        Files.deleteIfExists(listFile(e));
                        syncDir();
                    } catch (IOException ex) {
                        throw failure("clearAppended", key, ex);
                    }
                    storedBytes.addAndGet(-(e.storedBytes() - Math.max(0, e.valueSize)));
                    e.listCount = 0;
                    e.listFileBytes = 0;
                    if (e.isEmpty()) {
                        e.removed = true;
                        entries.remove(key, e);
                    }
                }
            } finally {
                e.rw.writeLock().unlock();
            }
        }
        stats.call();
    }

    // ---- locks: leases in memory (see the class comment) ----

    @Override
    public String tryLock(String key, Duration lease) {
        TierArguments.checkKey(key);
        Objects.requireNonNull(lease, "lease");
        if (lease.isNegative() || lease.isZero() || lease.toMillis() < 1) {
            throw new IllegalArgumentException("a lease must be at least 1 ms, not " + lease);
        }
        checkOpen();
        String token = UUID.randomUUID().toString();
        long now = System.nanoTime();
        long cap = Long.MAX_VALUE / 4; // so that clock arithmetic cannot wrap
        long expires = now + (lease.compareTo(Duration.ofNanos(cap)) >= 0 ? cap : lease.toNanos());
        Lease got = locks.compute(key, (k, cur) ->
                cur == null || cur.expiresAtNanos() - now <= 0 ? new Lease(token, expires) : cur);
        stats.call();
        return got.token().equals(token) ? token : null;
    }

    @Override
    public boolean unlock(String key, String token) {
        TierArguments.checkKey(key);
        Objects.requireNonNull(token, "token");
        checkOpen();
        boolean[] released = {false};
        long now = System.nanoTime();
        locks.computeIfPresent(key, (k, cur) -> {
            if (!cur.token().equals(token)) {
                return cur;
            }
            released[0] = cur.expiresAtNanos() - now > 0;
            return null;
        });
        stats.call();
        return released[0];
    }

    // ---- the rest ----

    @Override
    public TierStats stats() {
        return stats;
    }

    /** Refuses later calls with {@link GlobalTierException}; the files stay for the next opening. */
    @Override
    public void close() {
        closed = true;
        locks.clear();
    }

    @Override
    public String toString() {
        return "DirectoryGlobalTier[" + dir + ", " + entries.size() + " keys]";
    }

    // ---- loading ----

    /** Builds the index from the files; drops temporary files and partial list records of a crash. */
    private void load() {
        List<Path> files = new ArrayList<>();
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir)) {
            ds.forEach(files::add);
        } catch (IOException e) {
            throw new GlobalTierException("cannot list the state directory " + dir + ": " + e.getMessage(), e);
        }
        for (Path f : files) {
            String name = f.getFileName().toString();
            try {
                if (name.endsWith(TMP_SUFFIX)) {
                    Files.deleteIfExists(f); // a write that never got its name: the old file stands
                } else if (name.endsWith(VALUE_SUFFIX)) {
                    loadValue(f, name.substring(0, name.length() - VALUE_SUFFIX.length()));
                } else if (name.endsWith(LIST_SUFFIX)) {
                    loadList(f, name.substring(0, name.length() - LIST_SUFFIX.length()));
                }
            } catch (IOException | RuntimeException e) {
                LOG.warn("state file {} skipped: {}", f, e.getMessage());
            }
        }
        for (Entry e : entries.values()) {
            if (e.isEmpty()) {
                entries.remove(e.key, e);
            } else {
                storedBytes.addAndGet(e.storedBytes());
            }
        }
    }

    private void loadValue(Path f, String name) throws IOException {
        try (FileChannel ch = FileChannel.open(f, StandardOpenOption.READ)) {
            Entry e = entryFor(readHeader(ch, VALUE_MAGIC, f), name, f);
            e.valueSize = ch.size() - e.headerBytes;
        }
    }

    private void loadList(Path f, String name) throws IOException {
        int count;
        try (FileChannel ch = FileChannel.open(f, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            Entry e = entryFor(readHeader(ch, LIST_MAGIC, f), name, f);
            long size = ch.size();
            long at = e.headerBytes;
            count = 0;
            ByteBuffer len = ByteBuffer.allocate(4);
            while (at + 4 <= size) {
                len.clear();
                readFully(ch, len, at);
                int n = len.flip().getInt();
                if (n < 0 || at + 4 + n > size) {
                    break;
                }
                at += 4L + n;
                count++;
            }
            if (at < size) {
                LOG.warn("state list {} ends with a partial element (a crash during an append): dropped", f);
                ch.truncate(at);
            }
            e.listCount = count;
            e.listFileBytes = count == 0 ? 0 : at;
        }
        if (count == 0) {
            Files.deleteIfExists(f); // an empty list is no list
        }
    }

    private Entry entryFor(String key, String name, Path f) {
        TierArguments.checkKey(key);
        if (!fileName(key).equals(name)) {
            throw new IllegalStateException("its name does not match the key it holds");
        }
        return entries.computeIfAbsent(key, Entry::new);
    }

    private static String readHeader(FileChannel ch, byte[] magic, Path f) throws IOException {
        ByteBuffer head = ByteBuffer.allocate(8);
        if (ch.size() < 8) {
            throw new IOException("too short for a state file");
        }
        readFully(ch, head, 0);
        head.flip();
        byte[] m = new byte[4];
        head.get(m);
        if (!MessageDigest.isEqual(m, magic)) {
            throw new IOException("not a state file (bad magic)");
        }
        int keyLen = head.getInt();
        if (keyLen < 0 || 8L + keyLen > ch.size()) {
            throw new IOException("bad key length " + keyLen);
        }
        byte[] key = new byte[keyLen];
        readFully(ch, ByteBuffer.wrap(key), 8);
        return new String(key, StandardCharsets.UTF_8);
    }

    // ---- files ----

    /**
     * The file name of a key: lower-case hex of its UTF-8 bytes, or {@code h} + hex SHA-256 when
     * that would be long. Only [0-9a-fh] ever reaches the file system, so no key can name a path.
     */
    static String fileName(String key) {
        byte[] utf8 = key.getBytes(StandardCharsets.UTF_8);
        if (utf8.length * 2 <= MAX_HEX_NAME) {
            return "k" + HexFormat.of().formatHex(utf8);
        }
        try {
            return "h" + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(utf8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private Path valueFile(Entry e) {
        return dir.resolve(e.name + VALUE_SUFFIX);
    }

    private Path listFile(Entry e) {
        return dir.resolve(e.name + LIST_SUFFIX);
    }

    private Path tempFile(Entry e) {
        Path tmp = dir.resolve(e.name + "." + Long.toHexString(ThreadLocalRandom.current().nextLong()) + TMP_SUFFIX);
        try {
            return Files.createFile(tmp);
        } catch (IOException ex) {
            throw failure("write", e.key, ex);
        }
    }

    private static byte[] header(byte[] magic, String key) {
        byte[] k = key.getBytes(StandardCharsets.UTF_8);
        return ByteBuffer.allocate(8 + k.length).put(magic).putInt(k.length).put(k).array();
    }

    private byte[] readValue(Entry e, long offset, long length) {
        byte[] out = new byte[(int) length];
        try (FileChannel ch = FileChannel.open(valueFile(e), StandardOpenOption.READ)) {
            readFully(ch, ByteBuffer.wrap(out), e.headerBytes + offset);
        } catch (IOException ex) {
            throw failure("read", e.key, ex);
        }
        return out;
    }

    private void setValueSize(Entry e, long size) {
        storedBytes.addAndGet(size - Math.max(0, e.valueSize));
        e.valueSize = size;
    }

    private void replace(Path tmp, Path target) throws IOException {
        Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        syncDir();
    }

    private void force(FileChannel ch) throws IOException {
        if (fsync) {
            ch.force(true);
        }
    }

    private void syncDir() throws IOException {
        if (fsync) {
            try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
                d.force(true);
            } catch (IOException e) {
                // some file systems cannot sync a directory: the rename is still atomic
                LOG.debug("cannot fsync {}: {}", dir, e.getMessage());
            }
        }
    }

    private static void writeFully(FileChannel ch, ByteBuffer b) throws IOException {
        while (b.hasRemaining()) {
            ch.write(b);
        }
    }

    private static int writeFully(FileChannel ch, ByteBuffer b, long position) throws IOException {
        int n = b.remaining();
        long at = position;
        while (b.hasRemaining()) {
            at += ch.write(b, at);
        }
        return n;
    }

    private static void readFully(FileChannel ch, ByteBuffer b, long position) throws IOException {
        long at = position;
        while (b.hasRemaining()) {
            int n = ch.read(b, at);
            if (n < 0) {
                throw new IOException("state file shorter than its index says");
            }
            at += n;
        }
    }

    private static void deleteQuietly(Path p) {
        try {
            Files.deleteIfExists(p);
        } catch (IOException ignored) {
            // a stray temporary file is removed at the next opening
        }
    }

    private GlobalTierException failure(String op, String key, IOException e) {
        String what = e instanceof NoSuchFileException ? "a state file vanished" : String.valueOf(e.getMessage());
        return new GlobalTierException("state directory " + dir + ": " + op + " of a key of "
                + key.getBytes(StandardCharsets.UTF_8).length + " bytes failed: " + what, e);
    }

    // ---- per-key locking, as in InMemoryGlobalTier ----

    private interface EntryFunction<T> {
        T apply(Entry e);
    }

    private <T> T read(String key, EntryFunction<T> f) {
        checkOpen();
        Entry e = entries.get(key);
        if (e == null) {
            return null;
        }
        e.rw.readLock().lock();
        try {
            return e.removed ? null : f.apply(e);
        } finally {
            e.rw.readLock().unlock();
        }
    }

    private <T> T write(String key, EntryFunction<T> f) {
        checkOpen();
        while (true) {
            Entry e = entries.computeIfAbsent(key, Entry::new);
            e.rw.writeLock().lock();
            try {
                if (e.removed) {
                    continue;
                }
                return f.apply(e);
            } finally {
                e.rw.writeLock().unlock();
            }
        }
    }

    private void checkOpen() {
        if (closed) {
            throw new GlobalTierException("the directory global tier " + dir + " is closed");
        }
    }
}
