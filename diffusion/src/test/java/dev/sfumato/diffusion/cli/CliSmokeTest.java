package dev.sfumato.diffusion.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The command line end to end, in-process: train a tiny model on tiny IDX files, sample from it, help. */
class CliSmokeTest {

    @Test
    void trainThenSampleWritesAPngOfTheGridSize(@TempDir Path dir) throws IOException {
        Path data = Files.createDirectory(dir.resolve("data"));
        writeIdx(data, 8);
        Path run = dir.resolve("run");
        Cli.Run train = Cli.run("train", "--data", data.toString(), "--out", run.toString(), "--steps", "2",
                "--batch", "4", "--base-channels", "8", "--channel-mults", "1,2", "--res-blocks", "1",
                "--sample-every", "2", "--checkpoint-every", "2", "--log-every", "1");
        assertEquals(0, train.exitCode());
        // The sample grid written during training (this path once passed a null listener to the sampler).
        assertTrue(Files.isRegularFile(run.resolve("samples").resolve("step-00000002.png")), "train wrote a sample grid");
        assertTrue(Files.isRegularFile(run.resolve("loss.png")), "train wrote the loss curve");
        Path checkpoint = run.resolve("checkpoints").resolve("step-00000002.safetensors");
        assertTrue(Files.isRegularFile(checkpoint), "train wrote " + checkpoint);

        Path png = dir.resolve("samples.png");
        Cli.Run sample = Cli.run("sample", "--checkpoint", checkpoint.toString(), "--n", "4", "--steps", "3",
                "--nrow", "2", "--out", png.toString());
        assertEquals(0, sample.exitCode());
        BufferedImage image = ImageIO.read(png.toFile());
        assertNotNull(image, "a readable PNG at " + png);
        // make_grid: 2 × 2 images of 28 px with a 2 px border around and between: 2 + 2 · (28 + 2) = 62.
        assertEquals(62, image.getWidth());
        assertEquals(62, image.getHeight());

        // export: the EMA weights in F16, a quarter of the checkpoint, and it samples like the checkpoint.
        Path exported = dir.resolve("shipped").resolve("model.safetensors");
        Cli.Run export = Cli.run("export", "--checkpoint", "latest", "--run", run.toString(), "--out", exported.toString());
        assertEquals(0, export.exitCode(), export.out());
        assertTrue(Files.size(exported) < Files.size(checkpoint) / 3, Files.size(exported) + " vs " + Files.size(checkpoint));
        Path png2 = dir.resolve("samples-exported.png");
        assertEquals(0, Cli.run("sample", "--checkpoint", exported.toString(), "--n", "4", "--steps", "3",
                "--nrow", "2", "--out", png2.toString()).exitCode());
        assertEquals(62, ImageIO.read(png2.toFile()).getWidth());
        Cli.Run resume = Cli.run("train", "--data", data.toString(), "--out", run.toString(), "--resume",
                exported.toString());
        assertTrue(resume.exitCode() != 0 && resume.err().contains("only weights for sampling"), resume.err());
    }

    @Test
    void everyCommandHasHelp() {
        for (String command : new String[] {"train", "sample", "export", "classifier", "eval", "demo"}) {
            Cli.Run run = Cli.run(command, "--help");
            assertEquals(0, run.exitCode(), command + " --help");
            assertTrue(run.out().contains("Usage: sfumato " + command), run.out());
        }
        assertEquals(0, Cli.run("--help").exitCode());
    }

    @Test
    void anUnknownOptionExitsWithAUsageError() {
        assertEquals(2, Cli.run("eval", "--no-such-option").exitCode());
    }

    /** Fashion-MNIST-style training IDX files of n 28×28 images (horizontal stripes) and labels 0, 1, 0, ... */
    private static void writeIdx(Path dir, int n) throws IOException {
        try (DataOutputStream out = new DataOutputStream(Files.newOutputStream(dir.resolve("train-images-idx3-ubyte")))) {
            out.writeInt(0x00000803); // unsigned bytes, 3 dims
            out.writeInt(n);
            out.writeInt(28);
            out.writeInt(28);
            for (int i = 0; i < n; i++) {
                for (int r = 0; r < 28; r++) {
                    for (int c = 0; c < 28; c++) {
                        out.writeByte((r + i) % 4 < 2 ? 255 : 0);
                    }
                }
            }
        }
        try (DataOutputStream out = new DataOutputStream(Files.newOutputStream(dir.resolve("train-labels-idx1-ubyte")))) {
            out.writeInt(0x00000801); // unsigned bytes, 1 dim
            out.writeInt(n);
            for (int i = 0; i < n; i++) {
                out.writeByte(i % 2);
            }
        }
    }
}
