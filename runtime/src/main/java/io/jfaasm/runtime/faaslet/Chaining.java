package io.jfaasm.runtime.faaslet;

/**
 * How a call chains others: what {@code __faasm_chain_name}, {@code __faasm_chain_ptr} and the
 * await calls do. The scheduler gives each call its own; the ids are that call's own small
 * integers (what the guest sees), each naming one real call with its own record.
 */
public interface Chaining {
    /** Starts a call of another function of the same user; returns its id for this caller. */
    int chainName(String function, byte[] input);

    /** Starts a call of a function pointer (table index) of the caller's own module. */
    int chainPointer(int tableIndex, byte[] input);

    /** Waits for a chained call; returns its return code (non-zero when it failed). */
    int await(int id);

    /** Waits for a chained call; returns its output. */
    byte[] awaitOutput(int id);
}
