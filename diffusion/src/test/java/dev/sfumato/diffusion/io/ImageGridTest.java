package dev.sfumato.diffusion.io;

import dev.sfumato.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ImageGridTest {

    @TempDir
    Path dir;

    private static int grey(BufferedImage img, int x, int y) {
        return img.getRaster().getSample(x, y, 0);
    }

    @Test
    void byteMappingRoundsAndClampsAsSaveImage() {
        assertEquals(0, ImageGrid.toByte(-1f));
        assertEquals(0, ImageGrid.toByte(-3f), "clamped");
        assertEquals(255, ImageGrid.toByte(1f));
        assertEquals(255, ImageGrid.toByte(7f), "clamped");
        assertEquals(128, ImageGrid.toByte(0f), "0.5 * 255 + 0.5 = 128");
        assertEquals(0, ImageGrid.toByte(Float.NaN));
        // torch: (x + 1) / 2 * 255 + 0.5, floored: x = -0.5 -> 64.25 -> 64.
        assertEquals(64, ImageGrid.toByte(-0.5f));
    }

    @Test
    void greyGridLayoutMatchesMakeGrid() throws IOException {
        // Five 2x3 images, image k filled with value (k - 2) / 2: bytes 0, 64, 128, 191, 255.
        float[] x = new float[5 * 2 * 3];
        for (int k = 0; k < 5; k++) {
            for (int p = 0; p < 6; p++) {
                x[k * 6 + p] = (k - 2) / 2f;
            }
        }
        x[6 * 1 + 5] = 1f; // image 1, bottom-right pixel white
        Path file = dir.resolve("grid.png");
        ImageGrid.writePng(Tensor.wrap(x, 5, 1, 2, 3), 3, 1, file);

        BufferedImage img = ImageIO.read(file.toFile());
        // make_grid(nrow=3, padding=1): 3 columns x 2 rows of (2 + 1) x (3 + 1), plus 1: 7 x 13.
        assertEquals(13, img.getWidth());
        assertEquals(7, img.getHeight());
        assertEquals(1, img.getRaster().getNumBands(), "grey PNG");
        int[] expected = {0, 64, 128, 191, 255};
        for (int k = 0; k < 5; k++) {
            int left = 1 + (k % 3) * 4;
            int top = 1 + (k / 3) * 3;
            assertEquals(expected[k], grey(img, left, top), "image " + k + " top-left");
        }
        assertEquals(255, grey(img, 1 + 4 + 2, 1 + 1), "image 1 bottom-right");
        assertEquals(0, grey(img, 0, 0), "black padding");
        assertEquals(0, grey(img, 12, 6), "the empty sixth cell is padding");
        try (var files = Files.list(dir)) {
            assertEquals(List.of(file), files.toList(), "no temporary file left behind");
        }
    }

    @Test
    void rgbGridKeepsChannelsAndPadValue() throws IOException {
        Tensor rgb = Tensor.wrap(new float[] {1f, -1f, 0f}, 1, 3, 1, 1); // one pixel: (255, 0, 128)
        Path file = dir.resolve("rgb.png");
        ImageGrid.writePng(rgb, 8, 2, 1f, file);
        BufferedImage img = ImageIO.read(file.toFile());
        assertEquals(5, img.getWidth());
        assertEquals(0xFF0080, img.getRGB(2, 2) & 0xFFFFFF);
        assertEquals(0xFFFFFF, img.getRGB(0, 0) & 0xFFFFFF, "white padding");
    }

    @Test
    void eachImageAndTrajectoryStrip() throws IOException {
        Tensor a = Tensor.full(-1f, 2, 1, 2, 2);
        Tensor b = Tensor.full(1f, 2, 1, 2, 2);
        ImageGrid.writeEach(a, dir.resolve("each"), "sample");
        assertTrue(Files.exists(dir.resolve("each/sample_0.png")) && Files.exists(dir.resolve("each/sample_1.png")));
        assertEquals(2, ImageIO.read(dir.resolve("each/sample_1.png").toFile()).getWidth(), "no padding");

        Path strip = dir.resolve("strip.png");
        ImageGrid.writeTrajectory(List.of(a, b, a), 0, strip);
        BufferedImage img = ImageIO.read(strip.toFile());
        assertEquals(6, img.getWidth(), "three steps across");
        assertEquals(4, img.getHeight(), "two samples down");
        assertEquals(0, grey(img, 0, 3));
        assertEquals(255, grey(img, 2, 3), "sample 1, step 1");
        assertEquals(0, grey(img, 5, 0));
    }

    @Test
    void rejectsWrongShapes() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ImageGrid.writePng(Tensor.zeros(2, 2, 4, 4), 8, 2, dir.resolve("x.png")));
        assertTrue(e.getMessage().contains("[2, 2, 4, 4]"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> ImageGrid.writeTrajectory(
                List.of(Tensor.zeros(1, 1, 2, 2), Tensor.zeros(2, 1, 2, 2)), 0, dir.resolve("t.png")));
    }
}
