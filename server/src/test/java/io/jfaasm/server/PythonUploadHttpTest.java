package io.jfaasm.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.jfaasm.runtime.python.PythonPackage;
import io.jfaasm.runtime.python.PythonRuntime;
import io.jfaasm.server.TestHttp.Response;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code PUT /f/{user}/{function}?lang=python}: what is refused before the interpreter is needed
 * (the Python functions themselves are tested in the runtime's PythonFunctionsTest).
 */
class PythonUploadHttpTest {
    @TempDir
    static Path tmp;
    static JfaasmServer server;
    static TestHttp http;

    @BeforeAll
    static void start() {
        server = JfaasmServer.start(TestHttp.config(tmp.resolve("data")));
        http = new TestHttp(server);
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
    }

    static final byte[] HELLO = "import faasm\ndef main():\n    faasm.set_output(b'hi')\n".getBytes(StandardCharsets.UTF_8);

    @Test
    void anUnknownLanguageIsRefused() {
        Response r = http.put("/f/demo/x?lang=cobol", HELLO);
        assertThat(r.status()).isEqualTo(400);
        assertThat(r.json().get("detail").asText()).isEqualTo("lang must be wasm or python, not 'cobol'");
    }

    @Test
    void aSourceThatIsNotUtf8IsRefused() {
        Response r = http.put("/f/demo/x?lang=python", new byte[] {'#', (byte) 0xff, '\n'});
        assertThat(r.status()).isEqualTo(400);
        assertThat(r.json().get("detail").asText()).isEqualTo("a Python function's source must be UTF-8 text");
    }

    @Test
    void aPackagedFunctionIsNotAModule() {
        Response r = http.put("/f/demo/x", PythonPackage.of(HELLO));
        assertThat(r.status()).isEqualTo(400);
        assertThat(r.json().get("detail").asText()).contains("upload its source with ?lang=python");
    }

    @Test
    void withoutTheInterpreterTheUploadSaysHowToGetIt() {
        String saved = System.getProperty(PythonRuntime.PROPERTY);
        System.setProperty(PythonRuntime.PROPERTY, tmp.resolve("no-python.wasm").toString());
        try {
            Response r = http.put("/f/demo/x?lang=python", HELLO);
            assertThat(r.status()).isEqualTo(501);
            assertThat(r.json().get("detail").asText()).contains("sdk/python/fetch-python.sh");
            assertThat(http.get("/f/demo/x").status()).as("nothing stored").isEqualTo(404);
        } finally {
            if (saved == null) {
                System.clearProperty(PythonRuntime.PROPERTY);
            } else {
                System.setProperty(PythonRuntime.PROPERTY, saved);
            }
        }
    }
}
