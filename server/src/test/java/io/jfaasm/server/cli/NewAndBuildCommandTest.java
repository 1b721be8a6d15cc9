package io.jfaasm.server.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.jfaasm.runtime.FaasletHost;
import io.jfaasm.runtime.faaslet.CallRequest;
import io.jfaasm.runtime.faaslet.CallResult;
import io.jfaasm.runtime.faaslet.FunctionLimits;
import io.jfaasm.runtime.python.PythonPackage;
import io.jfaasm.runtime.python.PythonRuntime;
import io.jfaasm.runtime.wasm.CompiledModule;
import io.jfaasm.server.project.Language;
import io.jfaasm.server.project.Sdk;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * {@code jfaasm new} then {@code jfaasm build} with the real toolchains, for every language: the
 * project is created, builds into NAME.wasm, and that module answers in a Faaslet. A language
 * whose toolchain is not installed is skipped, saying what to install (CI installs them all).
 */
class NewAndBuildCommandTest {
    @TempDir
    Path tmp;

    @ParameterizedTest
    @EnumSource(value = Language.class, names = "PYTHON", mode = EnumSource.Mode.EXCLUDE)
    void aNewProjectBuildsAndAnswers(Language lang) throws Exception {
        assumeToolchain(lang);
        Path dir = tmp.resolve("proj");
        String name = "greet-" + lang.id();
        assertThat(JfaasmCommand.execute("new", "--lang", lang.id(), name, "--dir", dir.toString())).isZero();
        String readme = Files.readString(dir.resolve("README.md"));
        assertThat(readme).contains("jfaasm build", "jfaasm upload demo " + name + " " + name + ".wasm",
                "jfaasm invoke demo " + name).doesNotContain("{{");

        assertThat(JfaasmCommand.execute("build", dir.toString())).as("jfaasm build").isZero();
        Path wasm = dir.resolve(name + ".wasm");
        assertThat(wasm).isRegularFile();

        try (FaasletHost host = FaasletHost.create(FaasletHost.Config.defaults())) {
            assertThat(helloWorld(host, host.load(Files.readAllBytes(wasm)))).startsWith(name + " called with 5 ");
        }
    }

    @Test
    void aNewPythonProjectChecksAndAnswers() throws Exception {
        Path dir = tmp.resolve("py");
        assertThat(JfaasmCommand.execute("new", "--lang", "python", "greet-py", "--dir", dir.toString())).isZero();
        assertThat(Files.readString(dir.resolve("README.md")))
                .contains("jfaasm upload --python demo greet-py greet-py.py", "jfaasm invoke demo greet-py")
                .doesNotContain("{{").doesNotContain(".wasm");
        assertThat(Language.detect(dir)).contains(Language.PYTHON);
        assertThat(JfaasmCommand.execute("build", dir.toString())).as("jfaasm build: a syntax check").isZero();
        if (onPath("python3")) {
            Files.writeString(dir.resolve("broken.py"), "def main(:\n");
            assertThat(JfaasmCommand.execute("build", dir.toString())).as("a syntax error fails the build").isNotZero();
            Files.delete(dir.resolve("broken.py"));
        }

        assumeTrue(PythonRuntime.available(), "skipped running it: the Python interpreter is not at "
                + PythonRuntime.location() + ": run sdk/python/fetch-python.sh (needs npm)");
        try (FaasletHost host = FaasletHost.create(FaasletHost.Config.defaults()
                .withCodeCacheDir(PythonRuntime.location().resolveSibling("code-cache")))) {
            assertThat(helloWorld(host, host.load(PythonPackage.of(Files.readAllBytes(dir.resolve("greet-py.py"))))))
                    .isEqualTo("greet-py called with 5 bytes\n");
        }
    }

    /** Calls a new project's function with "world": it must answer "Hello world"; returns its stdout. */
    private static String helloWorld(FaasletHost host, CompiledModule m) {
        ByteArrayOutputStream stdout = new ByteArrayOutputStream();
        CallResult r = host.call(m, CallRequest.of("world".getBytes(StandardCharsets.UTF_8))
                .withSinks(new PrintStream(stdout), System.err), FunctionLimits.DEFAULTS);
        assertThat(r.failed()).as(String.valueOf(r.failure())).isFalse();
        assertThat(r.returnCode()).isZero();
        assertThat(new String(r.output(), StandardCharsets.UTF_8)).isEqualTo("Hello world");
        return stdout.toString(StandardCharsets.UTF_8);
    }

    @Test
    void badNamesLanguagesAndDirectoriesAreRefused() throws Exception {
        assertThat(JfaasmCommand.execute("new", "--lang", "cobol", "fn", "--dir", tmp.resolve("a").toString())).isEqualTo(2);
        assertThat(JfaasmCommand.execute("new", "--lang", "c", "1bad name", "--dir", tmp.resolve("b").toString())).isEqualTo(2);
        Files.createDirectories(tmp.resolve("full"));
        Files.writeString(tmp.resolve("full/keep.txt"), "mine");
        assertThat(JfaasmCommand.execute("new", "--lang", "c", "fn", "--dir", tmp.resolve("full").toString())).isEqualTo(2);
        assertThat(Files.readString(tmp.resolve("full/keep.txt"))).isEqualTo("mine");
        assertThat(tmp.resolve("a")).doesNotExist();
        assertThat(tmp.resolve("b")).doesNotExist();
    }

    @Test
    void buildOfADirectoryWithoutAProjectSaysSo() throws Exception {
        Files.writeString(tmp.resolve("notes.txt"), "no sources here");
        assertThat(stderrOf("build", tmp.toString())).contains("no function project in");
        assertThat(JfaasmCommand.execute("build", tmp.toString())).isEqualTo(2);
    }

    @Test
    void theLanguageIsDetectedFromTheProjectFiles() throws Exception {
        for (Language lang : Language.values()) {
            Path dir = tmp.resolve(lang.id());
            assertThat(JfaasmCommand.execute("new", "--lang", lang.id(), "fn", "--dir", dir.toString())).isZero();
            assertThat(Language.detect(dir)).contains(lang);
        }
    }

    private static String stderrOf(String... args) {
        PrintStream saved = System.err;
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        try {
            JfaasmCommand.execute(args);
        } finally {
            System.setErr(saved);
        }
        return err.toString(StandardCharsets.UTF_8);
    }

    /** Skips unless the toolchain {@code jfaasm build} uses for {@code lang} is installed. */
    private static void assumeToolchain(Language lang) {
        Path sdk = Sdk.find().orElseThrow().dir();
        boolean clang = onPath("clang") && Files.isRegularFile(Path.of("/usr/lib/wasm32-wasi/libc.a"));
        switch (lang) {
            case C -> assumeTrue(clang, "C toolchain missing: apt-get install -y clang lld wasi-libc libclang-rt-14-dev-wasm32");
            case CPP -> assumeTrue(clang && Files.isRegularFile(Path.of("/usr/lib/wasm32-wasi/libc++.a")),
                    "C++ toolchain missing: apt-get install -y clang lld wasi-libc libclang-rt-14-dev-wasm32 "
                            + "libc++-14-dev-wasm32 libc++abi-14-dev-wasm32");
            case RUST -> assumeTrue(Files.isDirectory(Path.of("/usr/lib/rustlib/wasm32-wasi/lib"))
                            && Files.isExecutable(Path.of("/usr/bin/cargo")),
                    "Rust toolchain missing: apt-get install -y rustc cargo libstd-rust-dev-wasm32");
            case ASSEMBLYSCRIPT -> assumeTrue(onPath("node") && onPath("npm")
                            && Files.isRegularFile(sdk.resolve("assemblyscript/node_modules/assemblyscript/bin/asc.js")),
                    "AssemblyScript toolchain missing: node and npm, then (cd sdk/assemblyscript && npm ci)");
            case PYTHON -> { } // its own test
        }
    }

    private static boolean onPath(String command) {
        String path = System.getenv("PATH");
        if (path == null) {
            return false;
        }
        for (String d : path.split(java.io.File.pathSeparator)) {
            if (Files.isExecutable(Path.of(d, command))) {
                return true;
            }
        }
        return false;
    }
}
