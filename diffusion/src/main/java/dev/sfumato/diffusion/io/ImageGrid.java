package dev.sfumato.diffusion.io;

import dev.sfumato.nn.serialization.AtomicFiles;
import dev.sfumato.tensor.Tensor;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.awt.image.WritableRaster;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Images [N, C, H, W] in [−1, 1] as PNG files: a grid (torchvision's {@code make_grid} + {@code save_image}),
 * one file per image, or an x̂₀ trajectory strip.
 *
 * <p>Pixels: x is mapped to [0, 1] by (x + 1) / 2, clamped, and to bytes by {@code floor(255 v + 0.5)}, as
 * {@code save_image}'s {@code mul(255).add_(0.5).clamp_(0, 255)}. C = 1 gives a grey PNG, C = 3 an RGB one.
 * Grid layout, as {@code make_grid}: {@code min(nrow, N)} images per row, {@code ceil(N / nrow)} rows, a
 * {@code padding}-pixel border around and between images filled with {@code padValue} (default −1, black,
 * torchvision's 0 in its [0, 1] range). Every file is written atomically through {@link AtomicFiles}.
 */
public final class ImageGrid {

    private ImageGrid() {}

    /** Writes {@code images} [N, C, H, W] as a grid with {@code nrow} images per row and black padding. */
    public static void writePng(Tensor images, int nrow, int padding, Path file) throws IOException {
        writePng(images, nrow, padding, -1f, file);
    }

    /** As {@link #writePng(Tensor, int, int, Path)}, with padding of value {@code padValue} in [−1, 1]. */
    public static void writePng(Tensor images, int nrow, int padding, float padValue, Path file) throws IOException {
        write(toImage(images, nrow, padding, padValue), file);
    }

    /**
     * Writes image i of {@code images} [N, C, H, W] to {@code dir/<prefix>_<i>.png}, i zero-padded to the
     * width of N − 1 (so the files sort in order). Creates {@code dir} if needed.
     */
    public static void writeEach(Tensor images, Path dir, String prefix) throws IOException {
        int[] s = checkedShape(images);
        Files.createDirectories(dir);
        int digits = Integer.toString(Math.max(s[0] - 1, 0)).length();
        for (int i = 0; i < s[0]; i++) {
            Tensor one = images.narrow(0, i, 1); // [1, C, H, W]
            write(toImage(one, 1, 0, -1f), dir.resolve(String.format(Locale.ROOT, "%s_%0" + digits + "d.png",
                    prefix, i)));
        }
    }

    /**
     * Writes a denoising trajectory: {@code steps.get(s)} is [N, C, H, W] at step s (for instance the
     * predicted x̂₀ at a few timesteps); row i of the strip shows sample i, column s step s.
     */
    public static void writeTrajectory(List<Tensor> steps, int padding, Path file) throws IOException {
        if (steps.isEmpty()) {
            throw new IllegalArgumentException("a trajectory needs at least one step");
        }
        int[] s = checkedShape(steps.getFirst());
        int perImage = s[1] * s[2] * s[3];
        int columns = steps.size();
        float[] strip = new float[s[0] * columns * perImage]; // [N * S, C, H, W], sample-major
        for (int c = 0; c < columns; c++) {
            int[] sc = checkedShape(steps.get(c));
            if (!Arrays.equals(s, sc)) {
                throw new IllegalArgumentException("trajectory step " + c + " has shape " + Arrays.toString(sc)
                        + " but step 0 has " + Arrays.toString(s));
            }
            float[] x = steps.get(c).toArray();
            for (int i = 0; i < s[0]; i++) {
                System.arraycopy(x, i * perImage, strip, (i * columns + c) * perImage, perImage);
            }
        }
        writePng(Tensor.wrap(strip, s[0] * columns, s[1], s[2], s[3]), columns, padding, file);
    }

    /** The grid as an image: TYPE_BYTE_GRAY for C = 1, TYPE_3BYTE_BGR (RGB values) for C = 3. */
    public static BufferedImage toImage(Tensor images, int nrow, int padding, float padValue) {
        int[] s = checkedShape(images);
        if (nrow < 1 || padding < 0) {
            throw new IllegalArgumentException("nrow must be >= 1 and padding >= 0, got nrow " + nrow + ", padding "
                    + padding);
        }
        int n = s[0];
        int c = s[1];
        int h = s[2];
        int w = s[3];
        int cols = Math.max(1, Math.min(nrow, n));
        int rows = Math.max(1, (n + cols - 1) / cols);
        int gridH = rows * (h + padding) + padding;
        int gridW = cols * (w + padding) + padding;
        BufferedImage img = new BufferedImage(gridW, gridH,
                c == 1 ? BufferedImage.TYPE_BYTE_GRAY : BufferedImage.TYPE_3BYTE_BGR);
        WritableRaster raster = img.getRaster();
        int pad = toByte(padValue);
        for (int y = 0; y < gridH; y++) {
            for (int x = 0; x < gridW; x++) {
                for (int ch = 0; ch < c; ch++) {
                    raster.setSample(x, y, ch, pad);
                }
            }
        }
        float[] v = images.toArray(); // [N, C, H, W]
        for (int k = 0; k < n; k++) {
            int top = (k / cols) * (h + padding) + padding;
            int left = (k % cols) * (w + padding) + padding;
            for (int ch = 0; ch < c; ch++) {
                int base = (k * c + ch) * h * w;
                for (int y = 0; y < h; y++) {
                    for (int x = 0; x < w; x++) {
                        raster.setSample(left + x, top + y, ch, toByte(v[base + y * w + x]));
                    }
                }
            }
        }
        return img;
    }

    /** [−1, 1] to a byte: (x + 1) / 2, clamped to [0, 1], then floor(255 v + 0.5) as save_image. */
    static int toByte(float x) {
        float v = Math.clamp((x + 1f) * 0.5f, 0f, 1f); // NaN stays NaN and becomes 0 below
        return (int) (v * 255f + 0.5f);
    }

    private static int[] checkedShape(Tensor images) {
        int[] s = images.shape();
        if (s.length != 4 || (s[1] != 1 && s[1] != 3)) {
            throw new IllegalArgumentException("images must be [N, C, H, W] with C = 1 (grey) or 3 (RGB), got "
                    + Arrays.toString(s));
        }
        return s;
    }

    /**
     * Writes a PNG atomically. The image stream is an explicit in-memory one: given a plain OutputStream,
     * ImageIO makes a file-backed cache that registers a JVM shutdown hook, which throws when the write
     * happens during shutdown (the checkpoint and loss curve that Ctrl-C saves).
     */
    static void write(BufferedImage img, Path file) throws IOException {
        AtomicFiles.write(file, out -> {
            try (javax.imageio.stream.ImageOutputStream ios = new javax.imageio.stream.MemoryCacheImageOutputStream(out)) {
                if (!ImageIO.write(img, "png", ios)) {
                    throw new IOException(file + ": no PNG writer in this JDK's ImageIO");
                }
            }
        });
    }
}
