package io.jfaasm.runtime.compiler;

/** Implemented by each generated module class: the entry from {@link JfaasmMachine#call}. */
public interface ModuleCode {
    /** Calls a function this tier compiled, with and returning values in Chicory's long encoding. */
    long[] call(int funcId, long[] args, Ctx ctx);
}
