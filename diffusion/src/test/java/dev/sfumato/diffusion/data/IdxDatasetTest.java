package dev.sfumato.diffusion.data;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.zip.GZIPOutputStream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

class IdxDatasetTest {

    @TempDir
    Path dir;

    /** Writes an unsigned-byte IDX file with the given dims, gzipped or raw. */
    static void writeIdx(Path file, int[] dims, byte[] data, boolean gzip) throws IOException {
        ByteBuffer header = ByteBuffer.allocate(4 + 4 * dims.length);
        header.put((byte) 0).put((byte) 0).put((byte) 0x08).put((byte) dims.length);
        for (int d : dims) {
            header.putInt(d);
        }
        try (OutputStream raw = Files.newOutputStream(file);
             OutputStream out = gzip ? new GZIPOutputStream(raw) : raw) {
            out.write(header.array());
            out.write(data);
        }
    }

    private void writeSplit(String prefix, int n, boolean gzip) throws IOException {
        byte[] pixels = new byte[n * 2 * 3];
        for (int i = 0; i < pixels.length; i++) {
            pixels[i] = (byte) (i * 51); // 0, 51, 102, 153, 204, 255, 50, ...
        }
        byte[] labels = new byte[n];
        for (int i = 0; i < n; i++) {
            labels[i] = (byte) ((3 * i) % 4);
        }
        String ext = gzip ? ".gz" : "";
        writeIdx(dir.resolve(prefix + "-images-idx3-ubyte" + ext), new int[] {n, 2, 3}, pixels, gzip);
        writeIdx(dir.resolve(prefix + "-labels-idx1-ubyte" + ext), new int[] {n}, labels, !gzip);
    }

    @Test
    void readsBothSplitsScaledToMinusOneOne() throws IOException {
        writeSplit("train", 3, true);
        writeSplit("t10k", 2, false);

        IdxDataset train = IdxDataset.load(dir, IdxDataset.Split.TRAIN);
        assertEquals(3, train.size());
        assertArrayEquals(new int[] {1, 2, 3}, train.imageShape());
        assertEquals(4, train.numClasses(), "labels 0, 3, 2: classes 0..3");
        assertEquals(java.util.List.of("0", "1", "2", "3"), train.classNames());
        assertEquals(IdxDataset.Split.TRAIN, train.split());
        assertEquals(3, train.label(1));
        assertEquals(2, train.label(2));
        float[] x = train.image(0).toArray();
        assertEquals(-1f, x[0]);
        assertEquals(51 / 255f * 2f - 1f, x[1], 1e-7f);
        assertEquals(1f, x[5]);

        IdxDataset test = IdxDataset.load(dir, IdxDataset.Split.TEST);
        assertEquals(2, test.size());
        assertArrayEquals(new int[] {1, 2, 3}, test.image(1).shape());
    }

    @Test
    void missingDirectorySaysHowToGetTheData() {
        NoSuchFileException e = assertThrows(NoSuchFileException.class,
                () -> IdxDataset.load(dir.resolve("nowhere"), IdxDataset.Split.TRAIN));
        assertTrue(e.getMessage().contains("nowhere"), e.getMessage());
        assertTrue(e.getMessage().contains("apt-get install dataset-fashion-mnist"), e.getMessage());
        assertTrue(e.getMessage().contains("/usr/share/datasets/fashion-mnist"), e.getMessage());
        assertTrue(e.getMessage().contains("--data DIR"), e.getMessage());
    }

    @Test
    void missingFileIsNamed() throws IOException {
        writeSplit("train", 3, true);
        NoSuchFileException e = assertThrows(NoSuchFileException.class,
                () -> IdxDataset.load(dir, IdxDataset.Split.TEST));
        assertTrue(e.getMessage().contains("t10k-images-idx3-ubyte"), e.getMessage());
        assertTrue(e.getMessage().contains("apt-get install dataset-fashion-mnist"), e.getMessage());
    }

    @Test
    void realFashionMnistTestSetWhenInstalled() throws IOException {
        assumeTrue(Files.exists(IdxDataset.DEFAULT_DIR.resolve("t10k-images-idx3-ubyte.gz")),
                "Fashion-MNIST not installed under " + IdxDataset.DEFAULT_DIR);
        IdxDataset test = IdxDataset.loadFashionMnist(IdxDataset.DEFAULT_DIR, IdxDataset.Split.TEST);
        assertEquals(10000, test.size());
        assertEquals(10, test.numClasses());
        assertEquals("Ankle boot", test.classNames().get(test.label(0)), "the first test item");
        test.requireImageSize(1, 28, 28);
    }
}
