package dev.sfumato.diffusion.io;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LossCurveTest {

    @TempDir
    Path dir;

    @Test
    void emaIsDebiased() {
        double[] s = LossCurve.of(new long[3], new double[3]).ema(0.5).smoothed(new double[] {4, 2, 1});
        // m = 2, 2, 1.5; divided by 1 - 0.5^k: 4, 8/3, 12/7.
        assertArrayEquals(new double[] {4, 8.0 / 3, 12.0 / 7}, s, 1e-12);
    }

    @Test
    void ticksAreNiceNumbers() {
        assertEquals(List.of(0.0, 200.0, 400.0, 600.0, 800.0, 1000.0), LossCurve.Ticks.linear(0, 1000, 6));
        assertEquals(List.of(-2.0, -1.0, 0.0), LossCurve.Ticks.logarithmic(-2.5, 0.2).stream()
                .filter(t -> t == Math.rint(t)).toList());
        assertEquals("0.05", LossCurve.Ticks.format(0.05));
        assertEquals("0.0001", LossCurve.Ticks.format(1e-4));
        assertEquals("1.00e-05", LossCurve.Ticks.format(1e-5));
        assertEquals("1000", LossCurve.Ticks.format(1000));
    }

    @Test
    void writesAPlotWithBothLines() throws IOException {
        int n = 500;
        long[] steps = new long[n];
        double[] losses = new double[n];
        for (int k = 0; k < n; k++) {
            steps[k] = 10L * k;
            losses[k] = 1.0 / (1 + k) * (1 + 0.3 * Math.sin(k)); // noisy decay over 2.7 decades
        }
        losses[7] = Double.NaN; // skipped, not fatal
        Path file = dir.resolve("loss.png");
        LossCurve.of(steps, losses).title("test").size(400, 300).writePng(file);
        BufferedImage img = ImageIO.read(file.toFile());
        assertEquals(400, img.getWidth());
        assertEquals(300, img.getHeight());
        int blue = 0;
        int grey = 0;
        for (int y = 0; y < 300; y++) {
            for (int x = 0; x < 400; x++) {
                int rgb = img.getRGB(x, y) & 0xFFFFFF;
                blue += rgb == 0x1F77B4 ? 1 : 0;
                grey += rgb == 0xB0B0B0 ? 1 : 0;
            }
        }
        assertTrue(blue > 200, "EMA line pixels: " + blue);
        assertTrue(grey > 100, "raw line pixels: " + grey);
        assertEquals(0xFFFFFF, img.getRGB(2, 2) & 0xFFFFFF, "white background");
    }

    @Test
    void emptyOrNonPositiveLossesStillGiveAnImage() throws IOException {
        Path file = dir.resolve("empty.png");
        LossCurve.writePng(new long[] {1, 2}, new double[] {0, -1}, file); // nothing positive on a log axis
        assertEquals(800, ImageIO.read(file.toFile()).getWidth());
    }
}
