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
        System.exit(new CommandLine(new Main()).execute(args));
    }
}
