package dev.sfumato.diffusion.cli;

import dev.sfumato.diffusion.training.Checkpoint;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code sfumato export}: turns a training checkpoint into the small file that sampling needs (EMA weights in
 * F16, step and config), like the weights-only files diffusers' {@code save_pretrained} writes. This is how
 * the checkpoint shipped in the jar was made.
 */
@Command(name = "export", mixinStandardHelpOptions = true,
        description = "Write a training checkpoint's EMA weights in F16, for sampling and shipping (about 1/4 the size).")
public final class ExportCommand implements Callable<Integer> {

    @Option(names = "--checkpoint", required = true, description = "Training checkpoint (or 'latest' in --run).")
    String checkpoint;

    @Option(names = "--run", description = "Run directory whose checkpoints/ 'latest' refers to.")
    Path run;

    @Option(names = "--out", required = true, description = "Output safetensors file.")
    Path out;

    @Override
    public Integer call() throws Exception {
        Path file;
        if (checkpoint.equals("latest")) {
            if (run == null) {
                throw new IllegalArgumentException("--checkpoint latest needs --run DIR (the training --out directory)");
            }
            file = Checkpoint.latest(run.resolve("checkpoints"));
            if (file == null) {
                throw new IllegalArgumentException("--run " + run + ": no checkpoints in " + run.resolve("checkpoints"));
            }
        } else {
            file = Path.of(checkpoint);
        }
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException("--checkpoint " + file + ": no such file");
        }
        Checkpoint c = Checkpoint.load(file);
        c.exportForSampling(out);
        System.out.printf("exported step %d of %s: %s (%.1f MB, was %.1f MB)%n", c.step(), file, out,
                Files.size(out) / 1e6, Files.size(file) / 1e6);
        return 0;
    }
}
