package io.jfaasm.experiments.process;

import io.jfaasm.experiments.wasm.Resources;
import io.jfaasm.runtime.FaasletHost;
import io.jfaasm.runtime.faaslet.CallRequest;
import io.jfaasm.runtime.faaslet.CallResult;
import io.jfaasm.runtime.faaslet.FunctionLimits;
import io.jfaasm.runtime.wasm.CompiledModule;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Path;
import java.util.List;

/**
 * The baseline's function process: a JVM that runs one wasm function, as a container would run
 * one function. Its {@code main} is started by {@link JvmProcess}; modes:
 *
 * <ul>
 *   <li>{@code call FUNCTION CACHE}: what {@code jfaasm run} does for one call (a
 *       {@code FaasletHost} with a code cache, load, one call) then exit: a process per call;
 *   <li>{@code idle FUNCTION CACHE}: the same, then print {@code ready} and wait for stdin to close:
 *       an idle warm instance, for memory;
 *   <li>{@code serve FUNCTION CACHE}: load, print {@code ready}, then answer calls on stdin/stdout
 *       until EOF (request: int length, input bytes; reply: int return code, int length, output):
 *       a warm process per function.
 * </ul>
 * FUNCTION is a path inside the experiments jar, e.g. {@code examples/noop.wasm}.
 */
public final class WasmProcess {
    private WasmProcess() {}

    public static void main(String[] args) throws IOException {
        String mode = args[0];
        String function = args[1];
        try (FaasletHost host = FaasletHost.create(FaasletHost.Config.defaults().withCodeCacheDir(Path.of(args[2])))) {
            CompiledModule module = host.load(Resources.bytes(function));
            int rc = switch (mode) {
                case "call", "idle" -> {
                    CallResult r = host.call(module, request(new byte[0]), FunctionLimits.DEFAULTS);
                    if (mode.equals("idle")) {
                        System.out.println("ready");
                        System.out.flush();
                        while (System.in.read() != -1) {
                            // idle until the parent closes our stdin
                        }
                    }
                    yield r.failed() ? 134 : r.returnCode();
                }
                case "serve" -> serve(host, module);
                default -> throw new IllegalArgumentException("mode: call, idle or serve");
            };
            System.exit(rc);
        }
    }

    private static int serve(FaasletHost host, CompiledModule module) throws IOException {
        var in = new DataInputStream(new java.io.BufferedInputStream(System.in));
        var out = new DataOutputStream(new java.io.BufferedOutputStream(System.out));
        out.writeBytes("ready\n");
        out.flush();
        while (true) {
            int len;
            try {
                len = in.readInt();
            } catch (EOFException e) {
                return 0;
            }
            byte[] input = in.readNBytes(len);
            CallResult r = host.call(module, request(input), FunctionLimits.DEFAULTS);
            byte[] output = r.output() == null ? new byte[0] : r.output();
            out.writeInt(r.failed() ? 134 : r.returnCode());
            out.writeInt(output.length);
            out.write(output);
            out.flush();
        }
    }

    private static CallRequest request(byte[] input) {
        return CallRequest.of(input).withArgs(List.of("function"))
                .withSinks(OutputStream.nullOutputStream(), OutputStream.nullOutputStream());
    }
}
