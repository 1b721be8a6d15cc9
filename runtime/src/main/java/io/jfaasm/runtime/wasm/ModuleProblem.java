package io.jfaasm.runtime.wasm;

/** Why a module was refused at load time. Each has its own message for the user. */
public enum ModuleProblem {
    /** The bytes are not a WebAssembly binary module at all. */
    NOT_WASM,
    /** A module that ends before its sections do. */
    TRUNCATED,
    /** Well-formed bytes that fail validation (types, indices, ...). */
    INVALID,
    /** Uses a wasm proposal the engine does not run (SIMD, an imported memory, ...). */
    UNSUPPORTED_FEATURE,
    /** Exports neither {@code _start} nor {@code faasm_main}. */
    NO_ENTRY_POINT,
    /** Imports something the host interface does not provide, or with another signature. */
    UNKNOWN_IMPORT,
    /** Larger than the configured module size limit. */
    TOO_LARGE
}
