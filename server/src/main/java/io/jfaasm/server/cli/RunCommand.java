package io.jfaasm.server.cli;

import io.jfaasm.runtime.FaasletHost;
import io.jfaasm.runtime.faaslet.CallRequest;
import io.jfaasm.runtime.faaslet.CallResult;
import io.jfaasm.runtime.faaslet.FunctionLimits;
import io.jfaasm.runtime.host.WasiImports.Mount;
import io.jfaasm.runtime.python.PythonPackage;
import io.jfaasm.runtime.python.PythonRuntime;
import io.jfaasm.runtime.snapshot.InitialisationException;
import io.jfaasm.runtime.wasm.CompiledModule;
import io.jfaasm.runtime.wasm.Engine;
import io.jfaasm.runtime.wasm.InvalidModuleException;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code jfaasm run}: one call of a module in a Faaslet, in the manner of {@code wasmtime run}. */
@Command(
        name = "run",
        mixinStandardHelpOptions = true,
        description = {
            "Run one call of a WebAssembly function in a Faaslet.",
            "",
            "The function's stdout and stderr go to this command's stdout and stderr as it writes",
            "them; the output it sets (faasmSetOutput) follows on stdout. The exit code is the",
            "function's return code (main's result, faasm_main's result or proc_exit's code).",
            "A trap or a limit prints one line 'error: <reason>' on stderr and exits with 134.",
            "Plain WASI programs (no Faasm imports) run too.",
            ""
        },
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
            "n:the function's return code",
            "2:bad usage, or the module could not be read or was refused (invalid wasm)",
            "134:the call trapped or hit a limit (memory, time, stack)"
        })
public final class RunCommand implements Callable<Integer> {
    static final int EXIT_REFUSED = 2;
    static final int EXIT_TRAP = 134;

    static final class InputSource {
        @Option(names = "--input", paramLabel = "TEXT",
                description = "Input bytes of the call, as UTF-8 text (default: none).")
        String text;

        @Option(names = "--input-file", paramLabel = "PATH",
                description = "Read the call's input bytes from a file ('-' for stdin).")
        Path file;
    }

    @ArgGroup(exclusive = true)
    InputSource input;

    @Option(names = "--dir", paramLabel = "HOSTDIR[::GUESTDIR]",
            description = {"Give the function a host directory, seen at GUESTDIR (default: the same",
                "path). Repeatable. The function can open files under these directories only."})
    List<String> dirs = new ArrayList<>();

    @Option(names = "--env", paramLabel = "NAME=VALUE",
            description = "Set an environment variable of the function. Repeatable.")
    List<String> env = new ArrayList<>();

    @Option(names = "--timeout", paramLabel = "SECONDS",
            description = "Wall-time limit of the call (default: ${DEFAULT-VALUE}).")
    double timeoutSeconds = FunctionLimits.DEFAULT_TIMEOUT.toSeconds();

    @Option(names = "--max-memory", paramLabel = "MIB",
            description = "Linear memory limit in MiB (default: ${DEFAULT-VALUE}).")
    long maxMemoryMib = FunctionLimits.DEFAULT_MAX_MEMORY / (1024 * 1024);

    @Option(names = "--cache-dir", paramLabel = "DIR",
            description = {"Where compiled code is kept between runs (default: $JFAASM_CACHE_DIR,",
                "else ~/.cache/jfaasm/code). 'none' disables the cache."})
    String cacheDir;

    @Option(names = "--engine", paramLabel = "ENGINE",
            description = {"Which code runs the function: jfaasm (JFaasm's compiler tier),",
                "chicory-compiler or chicory-interpreter (default: $JFAASM_ENGINE, else",
                "the system property jfaasm.engine, else jfaasm)."})
    String engine;

    @Parameters(index = "0", paramLabel = "MODULE.wasm", description = "The function's module.")
    Path module;

    @Parameters(index = "1..*", paramLabel = "ARGS",
            description = "Arguments of the function (argv[1..]; argv[0] is the module's file name).")
    List<String> args = new ArrayList<>();

    @Override
    public Integer call() throws IOException {
        PrintStream err = System.err;
        FunctionLimits limits;
        List<Mount> mounts;
        Map<String, String> environment;
        byte[] wasm;
        byte[] in;
        try {
            limits = FunctionLimits.DEFAULTS
                    .withMaxMemoryBytes(maxMemoryMib * 1024 * 1024)
                    .withTimeout(Duration.ofMillis((long) (timeoutSeconds * 1000)));
            mounts = parseMounts(dirs);
            environment = parseEnv(env);
            wasm = Files.readAllBytes(module);
            if (module.toString().endsWith(".py")) {
                wasm = PythonPackage.of(wasm); // a Python function, run by the pinned interpreter
            }
            in = readInput();
        } catch (IllegalArgumentException | NoSuchFileException e) {
            err.println("error: " + (e instanceof NoSuchFileException ? "no such file: " + e.getMessage()
                    : e.getMessage()));
            return EXIT_REFUSED;
        }

        Engine chosen;
        try {
            String name = engine != null ? engine : System.getenv("JFAASM_ENGINE");
            chosen = name == null || name.isBlank() ? Engine.defaultEngine() : Engine.parse(name);
        } catch (IllegalArgumentException e) {
            err.println("error: " + e.getMessage());
            return EXIT_REFUSED;
        }
        FaasletHost.Config config = FaasletHost.Config.defaults().withCodeCacheDir(codeCacheDir())
                .withEngine(chosen);
        try (FaasletHost host = FaasletHost.create(config)) {
            CompiledModule compiled;
            try {
                compiled = host.load(wasm);
            } catch (InvalidModuleException | PythonRuntime.PythonUnavailableException e) {
                err.println("error: " + module + ": " + e.getMessage());
                return EXIT_REFUSED;
            } catch (InitialisationException e) {
                err.println("error: " + e.getMessage());
                return EXIT_TRAP;
            }
            List<String> argv = new ArrayList<>();
            argv.add(module.getFileName().toString());
            argv.addAll(args);
            CallRequest request = CallRequest.of(in).withArgs(argv).withEnv(environment)
                    .withMounts(mounts).withSinks(System.out, System.err);
            CallResult result = host.call(compiled, request, limits);
            System.out.write(result.output());
            System.out.flush();
            if (result.failed()) {
                err.println("error: " + result.failure().message());
                return EXIT_TRAP;
            }
            return result.returnCode();
        }
    }

    private byte[] readInput() throws IOException {
        if (input == null) {
            return new byte[0];
        }
        if (input.text != null) {
            return input.text.getBytes(StandardCharsets.UTF_8);
        }
        return input.file.toString().equals("-") ? System.in.readAllBytes() : Files.readAllBytes(input.file);
    }

    private Path codeCacheDir() {
        String dir = cacheDir != null ? cacheDir : System.getenv("JFAASM_CACHE_DIR");
        if (dir == null) {
            return Path.of(System.getProperty("user.home"), ".cache", "jfaasm", "code");
        }
        return dir.equals("none") ? null : Path.of(dir);
    }

    static List<Mount> parseMounts(List<String> specs) {
        List<Mount> out = new ArrayList<>();
        for (String spec : specs) {
            int sep = spec.indexOf("::");
            String host = sep < 0 ? spec : spec.substring(0, sep);
            String guest = sep < 0 ? spec : spec.substring(sep + 2);
            Path hostPath = Path.of(host).toAbsolutePath().normalize();
            if (!Files.isDirectory(hostPath)) {
                throw new IllegalArgumentException("--dir " + spec + ": " + hostPath + " is not a directory");
            }
            if (guest.isEmpty()) {
                throw new IllegalArgumentException("--dir " + spec + ": empty guest path");
            }
            out.add(new Mount(hostPath, guest));
        }
        return out;
    }

    static Map<String, String> parseEnv(List<String> specs) {
        Map<String, String> out = new LinkedHashMap<>();
        for (String spec : specs) {
            int eq = spec.indexOf('=');
            if (eq <= 0) {
                throw new IllegalArgumentException("--env " + spec + ": expected NAME=VALUE");
            }
            out.put(spec.substring(0, eq), spec.substring(eq + 1));
        }
        return out;
    }
}
