package io.jfaasm.runtime.scheduler;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * Functions as files: {@code <dir>/<user>/<function>.wasm}, written atomically (temp file, then
 * rename). Names are validated by {@link FunctionId}, so no name reaches outside the directory.
 */
public final class DirectoryFunctionStore implements FunctionStore {
    private final Path dir;

    public DirectoryFunctionStore(Path dir) {
        this.dir = dir.toAbsolutePath().normalize();
        try {
            Files.createDirectories(this.dir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create function directory " + dir, e);
        }
    }

    private Path file(FunctionId id) {
        Path p = dir.resolve(id.user()).resolve(id.name() + ".wasm").normalize();
        if (!p.startsWith(dir)) {
            throw new IllegalArgumentException("function path outside the store: " + id);
        }
        return p;
    }

    @Override
    public void put(FunctionId id, byte[] wasm) {
        Path target = file(id);
        try {
            Files.createDirectories(target.getParent());
            Path tmp = Files.createTempFile(target.getParent(), ".upload-", ".tmp");
            try {
                Files.write(tmp, wasm);
                Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } finally {
                Files.deleteIfExists(tmp);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot store function " + id, e);
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
    public boolean delete(FunctionId id) {
        try {
            return Files.deleteIfExists(file(id));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
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
