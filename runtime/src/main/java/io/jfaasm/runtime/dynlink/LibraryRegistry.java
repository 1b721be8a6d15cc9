package io.jfaasm.runtime.dynlink;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * The libraries uploaded to this host, by user. A call sees only its own user's
 * ({@link #forUser}), so no name a guest passes to dlopen reaches another user's library.
 */
public final class LibraryRegistry {
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_.-]{1,128}");

    private final Map<String, Map<String, SideModule>> byUser = new ConcurrentHashMap<>();
    private final int maxLibraryBytes;

    /** @param maxLibraryBytes largest library accepted (the host's module size limit) */
    public LibraryRegistry(int maxLibraryBytes) {
        this.maxLibraryBytes = maxLibraryBytes;
    }

    /**
     * Checks and stores a library, replacing one of the same name. Calls that have it open keep
     * the version they opened.
     *
     * @throws LibraryException for a bad name or module, with the reason
     */
    public SideModule register(String user, String name, byte[] wasm) {
        if (!NAME.matcher(name).matches() || name.equals(".") || name.equals("..")) {
            throw new LibraryException("bad library name '" + name + "': use 1-128 of [A-Za-z0-9_.-]");
        }
        SideModule library = SideModule.of(name, wasm, maxLibraryBytes);
        byUser.computeIfAbsent(user, u -> new ConcurrentHashMap<>()).put(name, library);
        return library;
    }

    /** The largest library accepted. */
    public int maxLibraryBytes() {
        return maxLibraryBytes;
    }

    public boolean remove(String user, String name) {
        Map<String, SideModule> libs = byUser.get(user);
        return libs != null && libs.remove(name) != null;
    }

    public List<String> names(String user) {
        Map<String, SideModule> libs = byUser.get(user);
        return libs == null ? List.of() : libs.keySet().stream().sorted().toList();
    }

    /** What a call of {@code user} may open. */
    public Libraries forUser(String user) {
        return name -> {
            Map<String, SideModule> libs = byUser.get(user);
            return libs == null ? null : libs.get(name);
        };
    }
}
