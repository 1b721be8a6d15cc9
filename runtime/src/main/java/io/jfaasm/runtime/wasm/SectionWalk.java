package io.jfaasm.runtime.wasm;

/**
 * Walks the section headers of a module binary without decoding them, to tell a truncated module
 * (a section that runs past the end) from one that is merely invalid.
 */
final class SectionWalk {
    private SectionWalk() {}

    /** Null when every section fits in the bytes, else what is cut off. */
    static String truncation(byte[] bytes) {
        int pos = 8;
        while (pos < bytes.length) {
            int id = bytes[pos++] & 0xFF;
            long size = 0;
            int shift = 0;
            while (true) {
                if (pos >= bytes.length) {
                    return "the size of section " + id + " is cut off at byte " + pos;
                }
                int b = bytes[pos++] & 0xFF;
                size |= (long) (b & 0x7F) << shift;
                if ((b & 0x80) == 0) {
                    break;
                }
                shift += 7;
                if (shift > 28) {
                    return null; // a malformed size: the parser will name it
                }
            }
            if (pos + size > bytes.length) {
                return "section " + id + " declares " + size + " bytes but only "
                        + (bytes.length - pos) + " remain";
            }
            pos += (int) size;
        }
        return null;
    }
}
