package io.jfaasm.runtime.compiler;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * The tier's output as a code cache entry: a sha-256 of the rest, then which functions compiled,
 * why the others did not, and the class files.
 */
final class CacheEntry {
    private CacheEntry() {}

    /** The classes and what they cover, for the code cache, after a digest of them. */
    static byte[] write(ModuleCompiler.Result result) {
        byte[] body = writeBody(result);
        byte[] digest = sha256(body);
        byte[] entry = java.util.Arrays.copyOf(digest, digest.length + body.length);
        System.arraycopy(body, 0, entry, digest.length, body.length);
        return entry;
    }

    private static byte[] sha256(byte[] bytes) {
        try {
            return java.security.MessageDigest.getInstance("SHA-256").digest(bytes);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static byte[] writeBody(ModuleCompiler.Result r) {
        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
        try (java.io.DataOutputStream out = new java.io.DataOutputStream(bytes)) {
            out.writeInt(r.importedFunctions());
            out.writeInt(r.compiled().length);
            for (boolean c : r.compiled()) {
                out.writeBoolean(c);
            }
            out.writeInt(r.fallbackReasons().size());
            for (Map.Entry<Integer, String> e : r.fallbackReasons().entrySet()) {
                out.writeInt(e.getKey());
                out.writeUTF(e.getValue());
            }
            out.writeInt(r.chunks().length);
            out.writeInt(r.classFiles().size());
            for (Map.Entry<String, byte[]> e : r.classFiles().entrySet()) {
                out.writeUTF(e.getKey());
                out.writeInt(e.getValue().length);
                out.write(e.getValue());
            }
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    /**
     * What {@link #write()} wrote, with its classes loaded. A damaged entry is refused before any
     * class is defined: the JVM verifies a class only at its first use, too late to recompile.
     */
    static ModuleCompiler.Result read(byte[] entry) throws java.io.IOException {
        if (entry.length < 32 || !java.util.Arrays.equals(sha256(java.util.Arrays.copyOfRange(entry, 32, entry.length)),
                java.util.Arrays.copyOf(entry, 32))) {
            throw new java.io.IOException("damaged entry (digest mismatch)");
        }
        java.io.DataInputStream in = new java.io.DataInputStream(
                new java.io.ByteArrayInputStream(entry, 32, entry.length - 32));
        int imported = in.readInt();
        boolean[] compiled = new boolean[in.readInt()];
        for (int k = 0; k < compiled.length; k++) {
            compiled[k] = in.readBoolean();
        }
        Map<Integer, String> reasons = new TreeMap<>();
        for (int k = in.readInt(); k > 0; k--) {
            reasons.put(in.readInt(), in.readUTF());
        }
        int chunkCount = in.readInt();
        Map<String, byte[]> classes = new LinkedHashMap<>();
        for (int k = in.readInt(); k > 0; k--) {
            String name = in.readUTF();
            byte[] file = new byte[in.readInt()];
            in.readFully(file);
            classes.put(name, file);
        }
        String prefix = classes.keySet().iterator().next().replaceAll("_[0-9a-z]+$", "");
        return new ModuleCompiler.Result(ModuleCompiler.load(classes, chunkCount, c -> prefix + "_" + c), compiled, reasons,
                    imported, classes);
    }
}
