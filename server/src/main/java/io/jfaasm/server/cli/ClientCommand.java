package io.jfaasm.server.cli;

import io.jfaasm.server.cli.ServerClient.ClientException;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Mixin;

/**
 * The common part of the commands that talk to a server: the {@code --server}/{@code --key} mixin,
 * and failures reported as one line {@code error: <reason>} on stderr with exit code 1 (the server
 * could not be reached, or answered with an error) or 2 (bad usage, an unreadable local file).
 */
abstract class ClientCommand implements Callable<Integer> {
    @Mixin
    ServerOptions serverOptions;

    @Override
    public final Integer call() {
        try (ServerClient client = serverOptions.connect()) {
            return run(client);
        } catch (ClientException e) {
            System.out.flush();
            System.err.println("error: " + e.getMessage());
            return e.exitCode();
        }
    }

    /** Does the command's work; returns its exit code. */
    abstract int run(ServerClient client);

    /** Reads a local file ('-' for stdin); a file that cannot be read is a usage error (exit 2). */
    static byte[] readLocal(Path file) {
        try {
            return file.toString().equals("-") ? System.in.readAllBytes() : Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new ClientException("no such file: " + file, ServerClient.EXIT_USAGE);
        } catch (AccessDeniedException e) {
            throw new ClientException("permission denied: " + file, ServerClient.EXIT_USAGE);
        } catch (IOException e) {
            throw new ClientException("cannot read " + file + ": " + e.getMessage(), ServerClient.EXIT_USAGE);
        }
    }

    /** Writes raw bytes to stdout. */
    static void writeOut(byte[] bytes) {
        PrintStream out = System.out;
        out.write(bytes, 0, bytes.length);
        out.flush();
    }

    /** Prints a JSON body as the server sent it, ending with a newline. */
    static void printJson(ServerClient.Response r) {
        String text = r.text();
        System.out.print(text.endsWith("\n") ? text : text + "\n");
        System.out.flush();
    }

    static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
