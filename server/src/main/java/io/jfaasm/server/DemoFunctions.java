package io.jfaasm.server;

import io.jfaasm.runtime.scheduler.FunctionId;
import io.jfaasm.runtime.scheduler.FunctionInfo;
import io.jfaasm.runtime.scheduler.Scheduler;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;

/**
 * The example functions of the repository ({@code examples/*.wasm}), uploaded under one user for
 * {@code jfaasm serve --demo}.
 */
public final class DemoFunctions {
    /** The user the demo functions belong to. */
    public static final String USER = "demo";

    /**
     * @param uploaded the functions now deployed (uploaded, or already there at the same version)
     * @param skipped modules that were refused, with the reason
     */
    public record Result(List<String> uploaded, Map<String, String> skipped) {}

    private DemoFunctions() {}

    /**
     * The examples directory: {@code explicit} if given, else {@code ./examples}, else the
     * {@code examples} directory of the checkout this code runs from (found by walking up from
     * the jar or classes directory), so {@code ./jfaasm serve --demo} works from any directory.
     */
    public static Optional<Path> findExamples(Path explicit) {
        if (explicit != null) {
            return Files.isDirectory(explicit) ? Optional.of(explicit) : Optional.empty();
        }
        List<Path> candidates = new ArrayList<>();
        candidates.add(Path.of("examples"));
        try {
            Path code = Path.of(DemoFunctions.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            for (Path p = code.toAbsolutePath().getParent(); p != null && candidates.size() < 8; p = p.getParent()) {
                candidates.add(p.resolve("examples"));
            }
        } catch (URISyntaxException | RuntimeException e) {
            // no code source (an unusual class loader): only the working directory is looked at
        }
        return candidates.stream().filter(p -> Files.isRegularFile(p.resolve("hello.wasm")))
                .map(p -> p.toAbsolutePath().normalize()).findFirst();
    }

    /**
     * Uploads every {@code *.wasm} of {@code dir} under {@link #USER}, a few at a time; a module that
     * is already deployed with the same bytes is left as it is. Modules the loader refuses are
     * reported in {@link Result#skipped()}, not thrown.
     */
    public static Result upload(Scheduler scheduler, Path dir) {
        List<Path> modules;
        try (Stream<Path> s = Files.list(dir)) {
            modules = s.filter(p -> p.getFileName().toString().endsWith(".wasm")).sorted().toList();
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot list " + dir + ": " + e.getMessage(), e);
        }
        Map<String, String> skipped = new TreeMap<>();
        List<String> uploaded = new ArrayList<>();
        int threads = Math.max(1, Math.min(4, Runtime.getRuntime().availableProcessors()));
        try (ExecutorService pool = Executors.newFixedThreadPool(threads)) {
            Map<String, Future<String>> pending = new TreeMap<>();
            for (Path m : modules) {
                String file = m.getFileName().toString();
                String name = file.substring(0, file.length() - ".wasm".length());
                pending.put(name, pool.submit(() -> deploy(scheduler, name, m)));
            }
            for (var e : pending.entrySet()) {
                try {
                    String problem = e.getValue().get();
                    if (problem == null) {
                        uploaded.add(e.getKey());
                    } else {
                        skipped.put(e.getKey(), problem);
                    }
                } catch (ExecutionException ex) {
                    skipped.put(e.getKey(), String.valueOf(ex.getCause().getMessage()));
                } catch (InterruptedException ex) {
                    Thread.currentThread().interrupt();
                    skipped.put(e.getKey(), "interrupted");
                }
            }
        }
        return new Result(uploaded, skipped);
    }

    /** Deploys one module; null when done, else why not. */
    private static String deploy(Scheduler scheduler, String name, Path module) {
        FunctionId id;
        try {
            id = new FunctionId(USER, name);
        } catch (IllegalArgumentException e) {
            return e.getMessage();
        }
        try {
            byte[] wasm = Files.readAllBytes(module);
            Optional<FunctionInfo> current = scheduler.function(id);
            if (current.isPresent() && current.get().sha256().equalsIgnoreCase(sha256(wasm))) {
                return null;
            }
            scheduler.upload(id, wasm);
            return null;
        } catch (IOException e) {
            return "cannot read " + module + ": " + e.getMessage();
        } catch (RuntimeException e) {
            return e.getMessage();
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
