package dev.sfumato.nn.data;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Reads the real Fashion-MNIST test set when it is installed (Debian package dataset-fashion-mnist);
 * skipped, not failed, elsewhere. Expected values were looked up once with Python's gzip module.
 */
class FashionMnistIdxTest {

    private static final Path DIR = Path.of("/usr/share/datasets/fashion-mnist");

    @Test
    void readsTheTestSet() throws IOException {
        Path images = DIR.resolve("t10k-images-idx3-ubyte.gz");
        Path labels = DIR.resolve("t10k-labels-idx1-ubyte.gz");
        assumeTrue(Files.exists(images) && Files.exists(labels), "Fashion-MNIST not installed under " + DIR);

        LabeledImages data = Idx.readImagesAndLabels(images, labels);
        assertArrayEquals(new int[] {10000, 1, 28, 28}, data.images().shape());
        assertArrayEquals(new int[] {10000}, data.labels().shape());

        float[] y = data.labels().toArray();
        int[] counts = new int[10];
        for (float label : y) {
            assertTrue(label >= 0 && label <= 9 && label == Math.rint(label), "label " + label);
            counts[(int) label]++;
        }
        assertArrayEquals(new int[] {1000, 1000, 1000, 1000, 1000, 1000, 1000, 1000, 1000, 1000}, counts);
        assertEquals(9f, y[0], "the first test item is an ankle boot (class 9)");
        assertEquals(2f, y[1]);

        float[] x = data.images().toArray();
        double firstImageSum = 0;
        for (int i = 0; i < 28 * 28; i++) {
            assertTrue(x[i] >= 0f && x[i] <= 1f);
            firstImageSum += x[i] * 255.0;
        }
        assertEquals(33456, Math.round(firstImageSum), "sum of the first image's bytes");
        assertEquals(0x62 / 255f, data.images().get(0, 0, 14, 12), "one pixel, byte 0x62");
    }
}
