package io.jfaasm.runtime.wasm;

/** A module was refused at load time; {@link #problem()} says which way, the message says what. */
public final class InvalidModuleException extends RuntimeException {
    private final ModuleProblem problem;

    public InvalidModuleException(ModuleProblem problem, String message) {
        super(message);
        this.problem = problem;
    }

    public InvalidModuleException(ModuleProblem problem, String message, Throwable cause) {
        super(message, cause);
        this.problem = problem;
    }

    public ModuleProblem problem() {
        return problem;
    }
}
