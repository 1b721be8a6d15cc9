package io.jfaasm.runtime.python;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * How a Python function is stored where a wasm module would be: a six-byte magic (never a wasm
 * module's {@code \0asm}) followed by the function's source, {@code function.py}, in UTF-8.
 */
public final class PythonPackage {
    private static final byte[] MAGIC = {0, 'j', 'f', 'p', 'y', 1};

    private PythonPackage() {}

    /** Whether stored bytes are a Python function rather than a wasm module. */
    public static boolean isPython(byte[] stored) {
        return stored.length >= MAGIC.length && Arrays.equals(stored, 0, MAGIC.length, MAGIC, 0, MAGIC.length);
    }

    /** Packages a function's source, checking it is UTF-8 text. */
    public static byte[] of(byte[] source) {
        try {
            StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(source));
        } catch (CharacterCodingException e) {
            throw new IllegalArgumentException("a Python function's source must be UTF-8 text");
        }
        if (isPython(source)) {
            throw new IllegalArgumentException("the source is already a packaged Python function");
        }
        byte[] out = Arrays.copyOf(MAGIC, MAGIC.length + source.length);
        System.arraycopy(source, 0, out, MAGIC.length, source.length);
        return out;
    }

    /** The source of a packaged function. */
    public static byte[] source(byte[] stored) {
        if (!isPython(stored)) {
            throw new IllegalArgumentException("not a packaged Python function");
        }
        return Arrays.copyOfRange(stored, MAGIC.length, stored.length);
    }
}
