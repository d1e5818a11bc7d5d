package dev.sfumato.diffusion.data;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ImageFolderDatasetTest {

    private static final float EPS = 1e-6f;

    @TempDir
    Path root;

    /** byte b in [0, 255] as the dataset stores it. */
    private static float scaled(double b) {
        return (float) (b / 255.0 * 2.0 - 1.0);
    }

    /** A grey image whose byte at (y, x) is {@code bytes[y][x]}, written through the raster (no colour conversion). */
    private static Path writeGrey(Path file, int[][] bytes) throws IOException {
        BufferedImage img = new BufferedImage(bytes[0].length, bytes.length, BufferedImage.TYPE_BYTE_GRAY);
        for (int y = 0; y < bytes.length; y++) {
            for (int x = 0; x < bytes[0].length; x++) {
                img.getRaster().setSample(x, y, 0, bytes[y][x]);
            }
        }
        Files.createDirectories(file.getParent());
        ImageIO.write(img, "png", file.toFile());
        return file;
    }

    private static Path writeRgb(Path file, String format, int w, int h, int[] rgbPerPixel) throws IOException {
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                img.setRGB(x, y, rgbPerPixel[(y * w + x) % rgbPerPixel.length]);
            }
        }
        Files.createDirectories(file.getParent());
        ImageIO.write(img, format, file.toFile());
        return file;
    }

    @Test
    void greyPngAtItsOwnSizeIsExact() throws IOException {
        int[][] bytes = new int[4][4];
        for (int y = 0; y < 4; y++) {
            for (int x = 0; x < 4; x++) {
                bytes[y][x] = 16 * (4 * y + x) + (y == 3 && x == 3 ? 15 : 0); // 0 .. 255
            }
        }
        writeGrey(root.resolve("one.png"), bytes);
        ImageFolderDataset ds = ImageFolderDataset.builder(root).size(4).load();
        assertEquals(1, ds.size());
        assertEquals(0, ds.numClasses(), "no sub-folders: unlabeled");
        assertEquals(-1, ds.label(0));
        float[] x = ds.image(0).toArray();
        assertEquals(-1f, x[0]);
        assertEquals(scaled(16 * 5), x[5], EPS);
        assertEquals(1f, x[15], EPS);
    }

    @Test
    void areaShrinksTheShorterSideThenCropsTheCentre() throws IOException {
        int[][] bytes = new int[4][8]; // H = 4, W = 8
        for (int y = 0; y < 4; y++) {
            for (int x = 0; x < 8; x++) {
                bytes[y][x] = 10 * y + x;
            }
        }
        writeGrey(root.resolve("wide.png"), bytes);
        // 4x8 -> 2x4 by 2x2 means, then columns 1..2 of 4 (source columns 2..5).
        float[] x = ImageFolderDataset.builder(root).size(2).resize(Resize.AREA).load().image(0).toArray();
        assertArrayEquals(new float[] {scaled(7.5), scaled(9.5), scaled(27.5), scaled(29.5)}, x, EPS);
    }

    @Test
    void bilinearEnlargesWithHalfPixelCentres() throws IOException {
        writeGrey(root.resolve("small.png"), new int[][] {{0, 100}, {200, 40}});
        float[] x = ImageFolderDataset.builder(root).size(4).resize(Resize.BILINEAR).load().image(0).toArray();
        // torch.nn.functional.interpolate(a, size=4, mode="bilinear", align_corners=False):
        // rows [0, 25, 75, 100], [50, 58.75, 76.25, 85], [150, 126.25, 78.75, 55], [200, 160, 80, 40].
        float[] expected = {0, 25, 75, 100, 50, 58.75f, 76.25f, 85, 150, 126.25f, 78.75f, 55, 200, 160, 80, 40};
        for (int i = 0; i < 16; i++) {
            assertEquals(scaled(expected[i]), x[i], EPS, "pixel " + i);
        }
    }

    @Test
    void rgbKeepsChannelsOrBecomesLuma() throws IOException {
        writeRgb(root.resolve("c.png"), "png", 1, 2, new int[] {0xFF8000, 0x0000FF});
        float[] rgb = ImageFolderDataset.builder(root).size(1).channels(3).resize(Resize.AREA).load()
                .image(0).toArray();
        // 1x2 (W = 1, H = 2) -> shorter side 1, height 2, centre row round(0.5) = 0: the orange pixel.
        assertArrayEquals(new float[] {1f, scaled(128), -1f}, rgb, EPS);

        float[] grey = ImageFolderDataset.builder(root).size(1).channels(1).load().image(0).toArray();
        assertEquals(scaled(0.299 * 255 + 0.587 * 128), grey[0], 1e-5f);
    }

    @Test
    void greyBecomesThreeEqualChannels() throws IOException {
        writeGrey(root.resolve("g.png"), new int[][] {{10, 20}, {30, 40}});
        float[] x = ImageFolderDataset.builder(root).size(2).channels(3).load().image(0).toArray();
        for (int ch = 0; ch < 3; ch++) {
            assertArrayEquals(new float[] {scaled(10), scaled(20), scaled(30), scaled(40)},
                    java.util.Arrays.copyOfRange(x, 4 * ch, 4 * ch + 4), EPS, "channel " + ch);
        }
    }

    @Test
    void jpegDecodesCloseToItsColour() throws IOException {
        writeRgb(root.resolve("flat.jpg"), "jpg", 8, 8, new int[] {0xC86432}); // (200, 100, 50)
        ImageFolderDataset ds = ImageFolderDataset.builder(root).size(8).channels(3).load();
        float[] x = ds.image(0).toArray();
        assertEquals(scaled(200), x[0], 4 * 2 / 255f, "lossy: within 4 levels");
        assertEquals(scaled(100), x[64], 4 * 2 / 255f);
        assertEquals(scaled(50), x[128], 4 * 2 / 255f);
    }

    @Test
    void subFoldersAreSortedClasses() throws IOException {
        writeGrey(root.resolve("b/x.png"), new int[][] {{1}});
        writeGrey(root.resolve("a/z.png"), new int[][] {{3}});
        writeGrey(root.resolve("a/y.png"), new int[][] {{2}});
        Files.createDirectories(root.resolve("empty"));
        Files.writeString(root.resolve("a/notes.txt"), "skipped");
        ImageFolderDataset ds = ImageFolderDataset.builder(root).size(1).load();
        assertEquals(List.of("a", "b"), ds.classNames());
        assertEquals(3, ds.size());
        assertEquals(List.of(root.resolve("a/y.png"), root.resolve("a/z.png"), root.resolve("b/x.png")), ds.files());
        assertArrayEquals(new int[] {0, 0, 1}, new int[] {ds.label(0), ds.label(1), ds.label(2)});
        assertEquals(scaled(2), ds.image(0).item(), EPS);
    }

    @Test
    void unreadableFileIsNamed() throws IOException {
        writeGrey(root.resolve("good.png"), new int[][] {{1}});
        Files.write(root.resolve("broken.png"), new byte[] {1, 2, 3, 4, 5});
        IOException e = assertThrows(IOException.class, () -> ImageFolderDataset.builder(root).size(1).load());
        assertTrue(e.getMessage().contains("broken.png"), e.getMessage());
    }

    @Test
    void imagesBesideClassFoldersAreAnError() throws IOException {
        writeGrey(root.resolve("loose.png"), new int[][] {{1}});
        writeGrey(root.resolve("cls/in.png"), new int[][] {{1}});
        IOException e = assertThrows(IOException.class, () -> ImageFolderDataset.builder(root).load());
        assertTrue(e.getMessage().contains("loose.png") && e.getMessage().contains("cls"), e.getMessage());
    }

    @Test
    void requireImageSizeNamesBothSizes() throws IOException {
        writeGrey(root.resolve("one.png"), new int[][] {{1, 2}, {3, 4}});
        ImageFolderDataset ds = ImageFolderDataset.builder(root).size(2).load();
        ds.requireImageSize(1, 2, 2);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ds.requireImageSize(3, 32, 32));
        assertTrue(e.getMessage().contains("[1, 2, 2]") && e.getMessage().contains("[3, 32, 32]"), e.getMessage());
    }
}
