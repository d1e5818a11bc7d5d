package dev.sfumato.diffusion.cli;

import picocli.CommandLine;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/** Runs the {@code sfumato} command line in-process and captures what it prints to standard output. */
final class Cli {

    /** The exit code and standard output of one run. */
    record Run(int exitCode, String out) {}

    private Cli() {}

    static Run run(String... args) {
        PrintStream saved = System.out;
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (PrintStream capture = new PrintStream(bytes, true, StandardCharsets.UTF_8)) {
            System.setOut(capture);
            int code = new CommandLine(new Main()).execute(args);
            capture.flush();
            return new Run(code, bytes.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(saved);
        }
    }
}
