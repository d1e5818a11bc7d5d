package dev.sfumato.diffusion.data;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Expected values were printed by make_fashion_mnist_subset.py when it wrote the files. */
class BundledDatasetTest {

    @Test
    void subsetHasSixThousandBalancedImages() {
        IdxDataset ds = BundledDataset.fashionMnistSubset();
        assertEquals(BundledDataset.SUBSET_SIZE, ds.size());
        assertArrayEquals(new int[] {1, 28, 28}, ds.imageShape());
        assertEquals(IdxDataset.FASHION_MNIST_CLASSES, ds.classNames());

        int[] counts = new int[10];
        for (int i = 0; i < ds.size(); i++) {
            counts[ds.label(i)]++;
        }
        for (int k = 0; k < 10; k++) {
            assertEquals(BundledDataset.SUBSET_PER_CLASS, counts[k], "images of class " + k);
        }
        int[] first = new int[10];
        for (int i = 0; i < 10; i++) {
            first[i] = ds.label(i);
        }
        assertArrayEquals(new int[] {9, 0, 0, 3, 0, 2, 7, 2, 5, 5}, first, "original training-set order");

        float[] x = ds.image(0).toArray();
        double byteSum = 0;
        for (float v : x) {
            assertTrue(v >= -1f && v <= 1f);
            byteSum += (v + 1.0) / 2.0 * 255.0;
        }
        assertEquals(76247, Math.round(byteSum), "sum of the first image's bytes");
    }
}
