package io.jfaasm.server.project;

import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The function SDK of this JFaasm installation: the {@code sdk} directory of the checkout the
 * code runs from (its headers, crate, AssemblyScript library and build scripts), so projects made
 * by {@code jfaasm new} build against the SDK of the {@code jfaasm} that made them.
 */
public record Sdk(Path dir) {
    /** The variable that names the SDK directory explicitly. */
    public static final String ENV = "JFAASM_SDK";
    /** What to tell a user when {@link #find()} finds nothing. */
    public static final String NOT_FOUND =
            "the JFaasm SDK was not found next to this jfaasm (set " + ENV + " to its sdk/ directory)";

    public Path script(String name) {
        return dir.resolve(name);
    }

    /**
     * {@code $JFAASM_SDK} if set, else the first {@code sdk} directory (one holding
     * {@code build-function.sh}) found walking up from the jar or classes directory of this code.
     */
    public static Optional<Sdk> find() {
        String explicit = System.getenv(ENV);
        if (explicit != null && !explicit.isBlank()) {
            return at(Path.of(explicit));
        }
        List<Path> candidates = new ArrayList<>();
        try {
            Path code = Path.of(Sdk.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            for (Path p = code.toAbsolutePath().getParent(); p != null && candidates.size() < 8; p = p.getParent()) {
                candidates.add(p.resolve("sdk"));
            }
        } catch (URISyntaxException | RuntimeException e) {
            // no code source (an unusual class loader): only $JFAASM_SDK can name the SDK
        }
        return candidates.stream().map(Sdk::at).flatMap(Optional::stream).findFirst();
    }

    static Optional<Sdk> at(Path dir) {
        return Files.isRegularFile(dir.resolve("build-function.sh"))
                ? Optional.of(new Sdk(dir.toAbsolutePath().normalize()))
                : Optional.empty();
    }
}
