package io.jfaasm.runtime.faaslet;

import io.jfaasm.runtime.dynlink.Libraries;
import io.jfaasm.runtime.files.ScratchSpace;
import io.jfaasm.runtime.host.WasiImports.Mount;
import java.io.OutputStream;
import java.util.List;
import java.util.Map;

/**
 * One call of a function: its input and the environment its Faaslet sees.
 *
 * @param input bytes read by {@code __faasm_read_input}
 * @param args argv of the guest; by convention argv[0] is the function's name
 * @param env environment variables of the guest
 * @param mounts host directories the guest may open files under; nothing else is reachable
 * @param confFlags answers to {@code __faasm_conf_flag}
 * @param index the call's index in a chain ({@code __faasm_get_idx}), 0 at the top
 * @param stdoutSink receives the guest's stdout as it writes, or null
 * @param stderrSink receives the guest's stderr as it writes, or null
 * @param user the user (tenant) the call runs for: it names only this user's state keys
 * @param entryTableIndex a function pointer (table index) to enter instead of the entry point, as
 *     {@code __faasm_chain_ptr} asks; -1 for the entry point
 * @param chaining how the call chains others, or null where it cannot
 * @param network what the call may reach over the network (nothing by default)
 * @param libraries what the call may dlopen: its user's libraries; null for none (the
 *     {@code FaasletHost} fills in the user's own)
 * @param scratch where the call's private scratch directory is made, or null for none
 */
public record CallRequest(byte[] input, List<String> args, Map<String, String> env,
        List<Mount> mounts, Map<String, Boolean> confFlags, int index,
        OutputStream stdoutSink, OutputStream stderrSink, String user, int entryTableIndex,
        Chaining chaining, NetworkPolicy network, Libraries libraries, ScratchSpace scratch) {
    public static final String DEFAULT_USER = "default";


    public CallRequest {
        input = input == null ? new byte[0] : input;
        args = List.copyOf(args);
        env = Map.copyOf(env);
        mounts = List.copyOf(mounts);
        confFlags = Map.copyOf(confFlags);
        user = user == null ? DEFAULT_USER : user;
        network = network == null ? NetworkPolicy.DENY_ALL : network;
    }

    /** A call with this input and nothing else. */
    public static CallRequest of(byte[] input) {
        return new CallRequest(input, List.of("function"), Map.of(), List.of(), Map.of(), 0, null, null,
                DEFAULT_USER, -1, null, NetworkPolicy.DENY_ALL, null, null);
    }

    public CallRequest withArgs(List<String> a) {
        return new CallRequest(input, a, env, mounts, confFlags, index, stdoutSink, stderrSink, user, entryTableIndex, chaining, network, libraries, scratch);
    }

    public CallRequest withEnv(Map<String, String> e) {
        return new CallRequest(input, args, e, mounts, confFlags, index, stdoutSink, stderrSink, user, entryTableIndex, chaining, network, libraries, scratch);
    }

    public CallRequest withMounts(List<Mount> m) {
        return new CallRequest(input, args, env, m, confFlags, index, stdoutSink, stderrSink, user, entryTableIndex, chaining, network, libraries, scratch);
    }

    public CallRequest withConfFlags(Map<String, Boolean> flags) {
        return new CallRequest(input, args, env, mounts, flags, index, stdoutSink, stderrSink, user, entryTableIndex, chaining, network, libraries, scratch);
    }

    /** A chained call: its chain index, the function pointer to enter (or -1), and its chaining. */
    public CallRequest asChained(int chainIndex, int tableIndex, Chaining c) {
        return new CallRequest(input, args, env, mounts, confFlags, chainIndex, stdoutSink, stderrSink,
                user, tableIndex, c, network, libraries, scratch);
    }

    public CallRequest withChaining(Chaining c) {
        return new CallRequest(input, args, env, mounts, confFlags, index, stdoutSink, stderrSink, user,
                entryTableIndex, c, network, libraries, scratch);
    }

    public CallRequest withNetwork(NetworkPolicy policy) {
        return new CallRequest(input, args, env, mounts, confFlags, index, stdoutSink, stderrSink, user,
                entryTableIndex, chaining, policy, libraries, scratch);
    }

    public CallRequest withUser(String u) {
        return new CallRequest(input, args, env, mounts, confFlags, index, stdoutSink, stderrSink, u,
                entryTableIndex, chaining, network, libraries, scratch);
    }

    /** The libraries the call may dlopen (normally its user's, set by the host). */
    public CallRequest withLibraries(Libraries l) {
        return new CallRequest(input, args, env, mounts, confFlags, index, stdoutSink, stderrSink, user,
                entryTableIndex, chaining, network, l, scratch);
    }

    public CallRequest withScratch(ScratchSpace s) {
        return new CallRequest(input, args, env, mounts, confFlags, index, stdoutSink, stderrSink, user,
                entryTableIndex, chaining, network, libraries, s);
    }

    public CallRequest withSinks(OutputStream stdout, OutputStream stderr) {
        return new CallRequest(input, args, env, mounts, confFlags, index, stdout, stderr, user, entryTableIndex, chaining, network, libraries, scratch);
    }
}
