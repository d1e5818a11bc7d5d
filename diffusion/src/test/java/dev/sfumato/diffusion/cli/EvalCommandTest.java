package dev.sfumato.diffusion.cli;

import dev.sfumato.diffusion.data.TensorDataset;
import dev.sfumato.diffusion.model.UNetConfig;
import dev.sfumato.diffusion.training.TrainConfig;
import dev.sfumato.diffusion.training.Trainer;
import dev.sfumato.tensor.Generator;
import dev.sfumato.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code sfumato eval} on an untrained tiny U-Net (28×28, base 8, mults (1, 2), one block, no attention
 * outside the middle): the report states the sample count, the reference and the real-vs-real baseline,
 * and noise from an untrained model is far from real images.
 */
class EvalCommandTest {

    private static final Pattern FID = Pattern.compile("FID ([0-9.]+) .*baseline ([0-9.]+)");

    /** A checkpoint of a tiny U-Net after one training step on four random images. */
    static Path tinyCheckpoint(Path dir, int numClasses) throws IOException {
        UNetConfig unet = new UNetConfig(1, 28, 8, new int[] {1, 2}, 1, new int[0], 0.0, numClasses, 1);
        TrainConfig config = TrainConfig.defaults(unet).withRun(4, 1, 7, 1000, 0, 1);
        Tensor images = Tensor.randn(new Generator(11), 4, 1, 28, 28).tanh(); // [4, 1, 28, 28]
        TensorDataset data = numClasses == 0 ? TensorDataset.of(images)
                : TensorDataset.of(images, Tensor.of(0, 1, 0, 1), numClasses);
        Trainer trainer = new Trainer(config, data);
        trainer.step();
        return trainer.checkpoint().save(dir, 1);
    }

    @Test
    void unconditionalReportNamesCountReferenceAndBaseline(@TempDir Path dir) throws IOException {
        Path checkpoint = tinyCheckpoint(dir, 0);
        Cli.Run run = Cli.run("eval", "--checkpoint", checkpoint.toString(), "--n", "8", "--steps", "2",
                "--batch", "4", "--data", "bundled");
        assertEquals(0, run.exitCode(), run.out());
        assertTrue(run.out().contains("8 samples per FID"), run.out());
        assertTrue(run.out().contains("8 generated vs 8 images of the bundled 6,000-image Fashion-MNIST training subset"),
                run.out());
        assertTrue(run.out().contains("real-vs-real baseline"), run.out());
        assertFidAboveBaseline(run.out());
    }

    @Test
    void conditionalReportHasFidAndAccuracyPerGuidanceScale(@TempDir Path dir) throws IOException {
        Path checkpoint = tinyCheckpoint(dir, 2);
        Cli.Run run = Cli.run("eval", "--checkpoint", checkpoint.toString(), "--n", "4", "--steps", "2",
                "--data", "bundled", "--guidance-scales", "1,3");
        assertEquals(0, run.exitCode(), run.out());
        for (String scale : new String[] {"1.00", "3.00"}) {
            assertTrue(run.out().contains("guidance " + scale + ": FID "), run.out());
            assertTrue(run.out().contains("guidance " + scale + ": classifier accuracy on the samples"), run.out());
        }
        assertTrue(run.out().contains("T-shirt/top "), "per-class accuracy by Fashion-MNIST name: " + run.out());
        assertFidAboveBaseline(run.out());
    }

    private static void assertFidAboveBaseline(String out) {
        Matcher m = FID.matcher(out);
        assertTrue(m.find(), out);
        double fid = Double.parseDouble(m.group(1));
        double baseline = Double.parseDouble(m.group(2));
        assertTrue(fid > baseline, "untrained samples should score worse than real images: " + out);
    }
}
