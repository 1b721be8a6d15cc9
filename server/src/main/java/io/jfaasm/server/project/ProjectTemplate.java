package io.jfaasm.server.project;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.regex.Pattern;

/**
 * The project {@code jfaasm new} writes for a language: the files of its template (resources under
 * {@code io/jfaasm/server/templates/LANG/}, listed in its {@code template.properties}) and the
 * common README, with {@code {{NAME}}}, {@code {{SDK}}} and the language's build command filled in.
 */
public final class ProjectTemplate {
    /** Function names every language accepts: a crate, package and JFaasm function name alike. */
    private static final Pattern NAME = Pattern.compile("[A-Za-z][A-Za-z0-9_-]{0,63}");
    private static final String ROOT = "/io/jfaasm/server/templates/";

    private final Language language;
    private final Properties properties;

    public ProjectTemplate(Language language) {
        this.language = language;
        this.properties = new Properties();
        try (InputStream in = resource(language.id() + "/template.properties")) {
            properties.load(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Why {@code name} cannot name a project, or null if it can. */
    static String invalidName(String name) {
        return NAME.matcher(name).matches() ? null
                : "bad name '" + name + "': a letter, then letters, digits, '-' or '_' (at most 64)";
    }

    /**
     * Writes the project of function {@code name} into {@code dir} (created; it must not exist or
     * be empty), building against {@code sdk}; returns the files written.
     */
    public List<Path> write(String name, Path dir, Sdk sdk) throws IOException {
        String bad = invalidName(name);
        if (bad != null) {
            throw new IllegalArgumentException(bad);
        }
        String sdkPath = sdk.dir().toString();
        if (sdkPath.matches(".*[\"'\\\\].*")) {
            // the path goes unescaped into Cargo.toml, package.json and shell commands
            throw new IllegalArgumentException("the SDK path " + sdkPath + " contains a quote or backslash");
        }
        if (Files.isDirectory(dir)) {
            try (var entries = Files.list(dir)) {
                if (entries.findAny().isPresent()) {
                    throw new IllegalArgumentException(dir + " exists and is not empty");
                }
            }
        } else if (Files.exists(dir)) {
            throw new IllegalArgumentException(dir + " exists and is not a directory");
        }
        Map<String, String> vars = new LinkedHashMap<>();
        vars.put("{{NAME}}", name);
        vars.put("{{SDK}}", sdkPath);
        vars.put("{{LANG}}", language.id());
        vars.put("{{LANGUAGE}}", properties.getProperty("language"));
        vars.put("{{DOC}}", properties.getProperty("doc"));
        vars.put("{{OWN_BUILD}}", fill(properties.getProperty("own_build"), vars));
        List<Path> written = new ArrayList<>();
        for (String file : properties.getProperty("files").trim().split("\\s+")) {
            written.add(copy(language.id() + "/" + file, dir.resolve(targetName(file, name)), vars));
        }
        // a language whose project builds no .wasm (Python) brings its own README
        String readme = ProjectTemplate.class.getResource(ROOT + language.id() + "/README.md") != null
                ? language.id() + "/README.md" : "README.md";
        written.add(copy(readme, dir.resolve("README.md"), vars));
        return written;
    }

    /** A template file's name in the project: NAME is the function's name, dot-x is .x. */
    private static String targetName(String file, String name) {
        String path = file.replace("NAME", name);
        int slash = path.lastIndexOf('/');
        String base = path.substring(slash + 1);
        return base.startsWith("dot-") ? path.substring(0, slash + 1) + "." + base.substring(4) : path;
    }

    private static Path copy(String resource, Path target, Map<String, String> vars) throws IOException {
        String text;
        try (InputStream in = resource(resource)) {
            text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        Files.createDirectories(target.getParent());
        Files.writeString(target, fill(text, vars));
        return target;
    }

    private static String fill(String text, Map<String, String> vars) {
        for (var e : vars.entrySet()) {
            text = text.replace(e.getKey(), e.getValue());
        }
        return text;
    }

    private static InputStream resource(String name) throws IOException {
        InputStream in = ProjectTemplate.class.getResourceAsStream(ROOT + name);
        if (in == null) {
            throw new IOException("template resource missing: " + ROOT + name);
        }
        return in;
    }
}
