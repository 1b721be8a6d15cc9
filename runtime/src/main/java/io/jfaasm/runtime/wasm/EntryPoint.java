package io.jfaasm.runtime.wasm;

/** How a call enters a function's module. */
public enum EntryPoint {
    /** A WASI command: {@code _start} runs constructors, {@code main} and destructors. */
    COMMAND("_start"),
    /**
     * Faasm style: a reactor module exporting {@code faasm_main() -> i32} (the SDK's
     * {@code FAASM_MAIN}); {@code _initialize} runs first when exported.
     */
    FAASM_MAIN("faasm_main");

    private final String exportName;

    EntryPoint(String exportName) {
        this.exportName = exportName;
    }

    public String exportName() {
        return exportName;
    }
}
