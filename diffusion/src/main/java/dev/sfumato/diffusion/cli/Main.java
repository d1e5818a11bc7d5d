package dev.sfumato.diffusion.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code sfumato} command line. Run it through the {@code ./sfumato} launcher at the repository root,
 * which finds a JDK 25 and builds the jar on first use.
 */
@Command(name = "sfumato",
        mixinStandardHelpOptions = true,
        version = "Sfumato 0.1.0-SNAPSHOT",
        description = "A deep-learning framework and DDPM in pure Java.",
        subcommands = {TrainCommand.class, SampleCommand.class, ExportCommand.class, ClassifierCommand.class, EvalCommand.class,
                DemoCommand.class, CommandLine.HelpCommand.class})
public final class Main implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    public static void main(String[] args) {
        try {
            System.exit(new CommandLine(new Main()).execute(args));
        } catch (OutOfMemoryError e) {
            System.err.println(outOfHeapMessage(Runtime.getRuntime().maxMemory(), System.getProperty("sfumato.heap.source")));
            System.exit(1);
        }
    }

    /**
     * What to do when the Java heap ran out: its size, who chose it, and how to raise it. Checkpoints are written
     * atomically, so a run stopped here resumes from its last one.
     */
    static String outOfHeapMessage(long maxHeapBytes, String source) {
        long mb = maxHeapBytes >> 20;
        String chosen = "launcher".equals(source)
                ? " (chosen by ./sfumato from --batch and --base-channels for the default network)"
                : "";
        return "sfumato: out of Java heap: the maximum is " + mb + " MB" + chosen + ".\n"
                + "  Give it more, e.g. SFUMATO_JAVA_OPTS=-Xmx" + Math.max(2, 2 * ((mb + 1023) / 1024)) + "g ./sfumato ...,"
                + " or lower --batch;\n"
                + "  a training run continues from its last checkpoint with --resume latest.";
    }
}
