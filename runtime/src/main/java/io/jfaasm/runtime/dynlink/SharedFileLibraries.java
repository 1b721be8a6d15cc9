package io.jfaasm.runtime.dynlink;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Libraries a user uploaded as shared files: {@code dlopen("/shared/lib/libscale.wasm")} opens that
 * file among the calling user's shared files. So libraries are uploaded, replaced, deleted and
 * spread across a cluster like any shared file ({@code PUT /file/{user}/lib/libscale.wasm}), and a
 * call can only name its own user's, since only they are mounted for it.
 *
 * <p>Checked libraries are kept by the sha-256 of their bytes, so the same library is checked and
 * compiled (per calling module) once per host, however many versions of the files name it.
 */
public final class SharedFileLibraries {
    private static final Pattern SEGMENT = Pattern.compile("[A-Za-z0-9_.-]{1,255}");
    private static final int KEPT = 64;

    private final int maxLibraryBytes;
    private final Map<String, SideModule> checked = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, SideModule> eldest) {
            return size() > KEPT;
        }
    };

    /** @param maxLibraryBytes largest library accepted (the host's module size limit) */
    public SharedFileLibraries(int maxLibraryBytes) {
        this.maxLibraryBytes = maxLibraryBytes;
    }

    /**
     * What a call may open: names under {@code guestDir} (e.g. {@code /shared}) from the files in
     * {@code filesDir}, any other name from {@code registered}.
     */
    public Libraries over(Libraries registered, String guestDir, Path filesDir) {
        String prefix = guestDir + "/";
        return name -> name.startsWith(prefix) ? open(name, filesDir.resolve(relative(name, prefix)))
                : registered.find(name);
    }

    /** The path below the mount, or a refusal: no empty, {@code .} or {@code ..} segment, no odd name. */
    private static String relative(String name, String prefix) {
        String rest = name.substring(prefix.length());
        for (String segment : rest.split("/", -1)) {
            if (!SEGMENT.matcher(segment).matches() || segment.equals(".") || segment.equals("..")) {
                throw new LibraryException("bad library path " + name + ": segments of [A-Za-z0-9_.-],"
                        + " no . or ..");
            }
        }
        return rest;
    }

    private SideModule open(String name, Path file) {
        byte[] bytes;
        try {
            if (!Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
                return null;
            }
            if (Files.size(file) > maxLibraryBytes) {
                throw new LibraryException(name + " is " + Files.size(file) + " bytes, over the limit of "
                        + maxLibraryBytes + " bytes");
            }
            bytes = Files.readAllBytes(file);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read library " + name, e);
        }
        String sha = sha256(bytes);
        synchronized (checked) {
            SideModule kept = checked.get(sha);
            if (kept != null) {
                return kept;
            }
        }
        SideModule library = SideModule.of(name, bytes, maxLibraryBytes);
        synchronized (checked) {
            checked.putIfAbsent(sha, library);
            return checked.get(sha);
        }
    }

    private static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
