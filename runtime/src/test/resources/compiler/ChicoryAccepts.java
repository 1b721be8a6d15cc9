import com.dylibso.chicory.wasm.Parser;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * build-corpus.sh's filter: prints those of the wasm files given that Chicory's parser (with its
 * validation) accepts, the reference of the differential test; the others, and why, to stderr.
 * Run with the source launcher: java -cp CHICORY_WASM_JAR ChicoryAccepts.java FILE...
 */
public class ChicoryAccepts {
    public static void main(String[] args) throws Exception {
        for (String a : args) {
            try {
                Parser.parse(Files.readAllBytes(Path.of(a)));
                System.out.println(a);
            } catch (RuntimeException e) {
                System.err.println(a + ": " + e.getMessage());
            }
        }
    }
}
