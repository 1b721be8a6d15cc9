package io.jfaasm.runtime.scheduler;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Functions as files: {@code <dir>/<user>/<function>.wasm}, its description next to it in
 * {@code <function>.wasm.info} ({@link FunctionInfoCodec}), and a user's network allow-list in
 * {@code <dir>/<user>/@network} (one pattern a line; {@code @} is in no name, so it names no
 * function). Every file is written atomically (temp file, then rename). Names are validated by
 * {@link FunctionId}, so no name reaches outside the directory. A function stored before
 * descriptions were kept has no {@code .info}: it loads with the defaults (not idempotent, no
 * network).
 */
public final class DirectoryFunctionStore implements FunctionStore {
    private static final Logger LOG = LoggerFactory.getLogger(DirectoryFunctionStore.class);
    private static final String NETWORK_FILE = "@network";
    private final Path dir;

    public DirectoryFunctionStore(Path dir) {
        this.dir = dir.toAbsolutePath().normalize();
        try {
            Files.createDirectories(this.dir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create function directory " + dir, e);
        }
    }

    private Path inside(Path p) {
        Path n = p.normalize();
        if (!n.startsWith(dir)) {
            throw new IllegalArgumentException("path outside the function store: " + p);
        }
        return n;
    }

    private Path file(FunctionId id) {
        return inside(dir.resolve(id.user()).resolve(id.name() + ".wasm"));
    }

    private Path infoFile(FunctionId id) {
        return inside(dir.resolve(id.user()).resolve(id.name() + ".wasm.info"));
    }

    private Path networkFile(String user) {
        new FunctionId(user, "x"); // validates the user's name
        return inside(dir.resolve(user).resolve(NETWORK_FILE));
    }

    @Override
    public void put(FunctionId id, byte[] wasm) {
        write(file(id), wasm, "function " + id);
    }

    /** The description first: a crash between the two leaves the old module with the new declarations. */
    @Override
    public void put(FunctionInfo info, byte[] wasm) {
        write(infoFile(info.id()), FunctionInfoCodec.encode(info).getBytes(StandardCharsets.UTF_8),
                "function " + info.id());
        put(info.id(), wasm);
    }

    private static void write(Path target, byte[] bytes, String what) {
        try {
            Files.createDirectories(target.getParent());
            Path tmp = Files.createTempFile(target.getParent(), ".upload-", ".tmp");
            try {
                Files.write(tmp, bytes);
                Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } finally {
                Files.deleteIfExists(tmp);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot store " + what, e);
        }
    }

    @Override
    public byte[] get(FunctionId id) {
        try {
            Path f = file(id);
            return Files.exists(f) ? Files.readAllBytes(f) : null;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public Stored fetch(FunctionId id) {
        byte[] wasm = get(id);
        return wasm == null ? null : new Stored(wasm, describe(id));
    }

    /** The stored description; null when there is none (stored before they were kept) or it is unreadable. */
    @Override
    public FunctionInfo describe(FunctionId id) {
        Path f = infoFile(id);
        try {
            if (!Files.exists(f) || !Files.exists(file(id))) {
                return null;
            }
            return FunctionInfoCodec.decode(id, Files.readString(f, StandardCharsets.UTF_8));
        } catch (IOException | IllegalArgumentException e) {
            LOG.warn("the description of {} cannot be read ({}); it loads with the defaults", id, e.getMessage());
            return null;
        }
    }

    @Override
    public boolean delete(FunctionId id) {
        try {
            Files.deleteIfExists(infoFile(id));
            return Files.deleteIfExists(file(id));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public List<String> userAllowList(String user) {
        Path f = networkFile(user);
        try {
            return Files.exists(f) ? Files.readAllLines(f, StandardCharsets.UTF_8).stream()
                    .filter(l -> !l.isBlank()).toList() : List.of();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the network allow-list of " + user, e);
        }
    }

    @Override
    public void setUserAllowList(String user, List<String> patterns) {
        Path f = networkFile(user);
        if (patterns.isEmpty()) {
            try {
                Files.deleteIfExists(f);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot clear the network allow-list of " + user, e);
            }
            return;
        }
        write(f, String.join("\n", patterns).concat("\n").getBytes(StandardCharsets.UTF_8),
                "the network allow-list of " + user);
    }

    @Override
    public List<FunctionId> list() {
        List<FunctionId> out = new ArrayList<>();
        try (Stream<Path> users = Files.list(dir)) {
            for (Path u : users.filter(Files::isDirectory).sorted().toList()) {
                try (Stream<Path> fs = Files.list(u)) {
                    for (Path f : fs.sorted().toList()) {
                        String name = f.getFileName().toString();
                        if (name.endsWith(".wasm")) {
                            try {
                                out.add(new FunctionId(u.getFileName().toString(),
                                        name.substring(0, name.length() - 5)));
                            } catch (IllegalArgumentException e) {
                                // a stray file: not a function of ours
                            }
                        }
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out;
    }
}
