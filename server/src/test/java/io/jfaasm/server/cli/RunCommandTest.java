package io.jfaasm.server.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code jfaasm run} in process, with its stdout and stderr captured. */
class RunCommandTest {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();
    private PrintStream savedOut;
    private PrintStream savedErr;
    @TempDir Path tmp;

    @BeforeEach
    void capture() {
        savedOut = System.out;
        savedErr = System.err;
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    @AfterEach
    void restore() {
        System.setOut(savedOut);
        System.setErr(savedErr);
    }

    static String example(String name) {
        for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
            if (Files.exists(p.resolve("examples/" + name + ".wasm"))) {
                return p.resolve("examples/" + name + ".wasm").toString();
            }
        }
        throw new IllegalStateException("examples not found");
    }

    int run(String... args) {
        String[] withCache = new String[args.length + 3];
        withCache[0] = "run";
        withCache[1] = "--cache-dir";
        withCache[2] = tmp.resolve("cache").toString();
        System.arraycopy(args, 0, withCache, 3, args.length);
        return JfaasmCommand.execute(withCache);
    }

    String stdout() {
        return out.toString(StandardCharsets.UTF_8);
    }

    String stderr() {
        return err.toString(StandardCharsets.UTF_8);
    }

    @Test
    void stdoutThenOutputAndReturnCode() {
        assertThat(run("--input", "world", example("hello"))).isZero();
        assertThat(stdout()).isEqualTo("hello from a Faaslet\nHello world");
    }

    @Test
    void exitCodeIsTheFunctionsReturnCode() {
        assertThat(run("--input", "7", example("exit_code"))).isEqualTo(7);
        assertThat(run("--input", "fail", example("faasm_main"))).isEqualTo(3);
    }

    @Test
    void inputFromAFile() throws Exception {
        Path in = Files.write(tmp.resolve("in.bin"), new byte[] {1, 2, 3});
        assertThat(run("--input-file", in.toString(), example("reverse"))).isZero();
        assertThat(out.toByteArray()).containsExactly(3, 2, 1);
    }

    @Test
    void trapIsOneErrorLineAndExit134() {
        assertThat(run(example("trap"))).isEqualTo(134);
        assertThat(stderr().lines().filter(l -> l.startsWith("error: ")).toList())
                .singleElement().asString().containsIgnoringCase("unreachable");
    }

    @Test
    void limitsFromTheCommandLine() {
        assertThat(run("--timeout", "0.5", example("loop_forever"))).isEqualTo(134);
        assertThat(stderr()).contains("error: wall-time limit of 500 ms exceeded");
        assertThat(run("--max-memory", "16", example("malloc_bomb"))).isEqualTo(134);
        assertThat(stderr()).contains("error: memory limit of 16 MiB");
    }

    @Test
    void dirsEnvAndArgsReachTheFunction() throws Exception {
        Files.writeString(tmp.resolve("in.txt"), "from the host");
        int rc = run("--dir", tmp + "::/data", "--env", "GREETING=hi", example("wasi_env"), "a1", "a2");
        assertThat(rc).as(stderr()).isZero();
        assertThat(stdout()).contains("arg[1]=a1", "arg[2]=a2", "hi", "from the host", "ok");
        assertThat(Files.readString(tmp.resolve("out.txt"))).contains("written by wasi_env");
    }

    @Test
    void refusedModulesAndBadUsageExit2WithAClearMessage() throws Exception {
        Path junk = Files.writeString(tmp.resolve("junk.wasm"), "not wasm at all");
        assertThat(run(junk.toString())).isEqualTo(2);
        assertThat(stderr()).contains("error: ").contains("not a WebAssembly module");
        assertThat(run(tmp.resolve("missing.wasm").toString())).isEqualTo(2);
        assertThat(stderr()).contains("no such file");
        assertThat(run("--env", "NOEQUALS", example("hello"))).isEqualTo(2);
        assertThat(run("--dir", tmp.resolve("nope").toString(), example("hello"))).isEqualTo(2);
        assertThat(stderr()).contains("is not a directory");
    }

    @Test
    void helpExplainsTheCommand() {
        assertThat(JfaasmCommand.execute("run", "--help")).isZero();
        assertThat(stdout()).contains("--input-file", "--dir", "--max-memory", "--timeout", "134");
        out.reset();
        assertThat(JfaasmCommand.execute("--help")).isZero();
        assertThat(stdout()).contains("run");
    }
}
