package io.jfaasm.runtime.files;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;

/**
 * The list of one user's shared files at one moment: path, content hash and size of each, sorted
 * by path. Its {@link #digest} names that version as a whole: a host whose cached copy has the
 * same digest has exactly these files.
 */
public record SharedManifest(List<Entry> entries) {
    /** One file: its path under the shared directory, the hex SHA-256 and size of its bytes. */
    public record Entry(String path, String sha256, long size) {}

    public static final SharedManifest EMPTY = new SharedManifest(List.of());

    public SharedManifest {
        entries = entries.stream().sorted(Comparator.comparing(Entry::path)).toList();
    }

    public Optional<Entry> find(String path) {
        return entries.stream().filter(e -> e.path().equals(path)).findFirst();
    }

    /** Whether some file's bytes have this hash. */
    public boolean references(String sha256) {
        return entries.stream().anyMatch(e -> e.sha256().equals(sha256));
    }

    /** This manifest with {@code entry} added or replacing the file at its path. */
    SharedManifest with(Entry entry) {
        List<Entry> out = new ArrayList<>(without(entry.path()).entries);
        out.add(entry);
        return new SharedManifest(out);
    }

    SharedManifest without(String path) {
        return new SharedManifest(entries.stream().filter(e -> !e.path().equals(path)).toList());
    }

    /** One line per file: {@code SHA256 SIZE PATH} (paths hold no spaces or newlines). */
    public byte[] encode() {
        StringBuilder b = new StringBuilder();
        for (Entry e : entries) {
            b.append(e.sha256()).append(' ').append(e.size()).append(' ').append(e.path()).append('\n');
        }
        return b.toString().getBytes(StandardCharsets.UTF_8);
    }

    public static SharedManifest decode(byte[] bytes) {
        if (bytes == null) {
            return EMPTY;
        }
        List<Entry> out = new ArrayList<>();
        for (String line : new String(bytes, StandardCharsets.UTF_8).split("\n")) {
            if (line.isEmpty()) {
                continue;
            }
            String[] f = line.split(" ", 3);
            if (f.length != 3) {
                throw new IllegalStateException("a corrupt shared-file manifest line: " + line);
            }
            out.add(new Entry(f[2], f[0], Long.parseLong(f[1])));
        }
        return new SharedManifest(out);
    }

    /** The hex SHA-256 of the encoded manifest: the version of the whole set of files. */
    public String digest() {
        return sha256(encode());
    }

    static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
