package dev.sfumato.diffusion.data;

import dev.sfumato.tensor.Parallel;
import dev.sfumato.tensor.Tensor;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DataLoaderTest {

    private static final int N = 23;
    private static final int C = 2;
    private static final int H = 3;
    private static final int W = 4;

    /**
     * Image i holds {@code (i * 1000 + k) / 1e5} at flat position k, so every pixel names its image and place;
     * label i % 5.
     */
    private static TensorDataset dataset() {
        float[] x = new float[N * C * H * W];
        float[] y = new float[N];
        for (int i = 0; i < N; i++) {
            for (int k = 0; k < C * H * W; k++) {
                x[i * C * H * W + k] = (i * 1000 + k) / 1e5f;
            }
            y[i] = i % 5;
        }
        return TensorDataset.of(Tensor.wrap(x, N, C, H, W), Tensor.wrap(y, N), 5);
    }

    /** The image index a batch row came from (the pixel at flat position 0 or, flipped, W − 1). */
    private static int imageOf(float[] images, int row) {
        float v = Math.min(images[row * C * H * W], images[row * C * H * W + W - 1]);
        return Math.round(v * 1e5f / 1000f);
    }

    private static List<float[]> run(DataLoader loader, int batches) {
        List<float[]> out = new ArrayList<>();
        for (int b = 0; b < batches; b++) {
            Batch batch = loader.next();
            out.add(batch.images().toArray());
            out.add(batch.labels().toArray());
        }
        return out;
    }

    private static DataLoader.Builder shuffled(long seed) {
        return DataLoader.builder(dataset()).batchSize(5).shuffle(true).randomHorizontalFlip(true).seed(seed);
    }

    private static void assertSame(List<float[]> a, List<float[]> b) {
        assertEquals(a.size(), b.size());
        for (int i = 0; i < a.size(); i++) {
            assertArrayEquals(a.get(i), b.get(i), "array " + i);
        }
    }

    @Test
    void sameSeedSameBatchesOtherSeedOtherOrder() {
        List<float[]> a = run(shuffled(7).build(), 12);
        assertSame(a, run(shuffled(7).build(), 12));
        List<float[]> c = run(shuffled(8).build(), 12);
        assertFalse(Arrays.equals(a.getFirst(), c.getFirst()), "another seed, another first batch");
    }

    @Test
    void eachEpochIsAPermutationInANewOrder() {
        DataLoader loader = shuffled(3).build();
        assertEquals(5, loader.batchesPerEpoch(), "ceil(23 / 5) without drop last");
        List<List<Integer>> epochs = new ArrayList<>();
        for (int e = 0; e < 2; e++) {
            List<Integer> seen = new ArrayList<>();
            for (int b = 0; b < 5; b++) {
                Batch batch = loader.next();
                assertEquals(b < 4 ? 5 : 3, batch.size());
                float[] x = batch.images().toArray();
                float[] y = batch.labels().toArray();
                for (int r = 0; r < batch.size(); r++) {
                    int i = imageOf(x, r);
                    seen.add(i);
                    assertEquals(i % 5, y[r], "label travels with its image");
                }
            }
            assertEquals(e + 1, loader.epoch());
            List<Integer> sorted = new ArrayList<>(seen);
            sorted.sort(null);
            for (int i = 0; i < N; i++) {
                assertEquals(i, sorted.get(i), "epoch " + e + " holds every image once");
            }
            epochs.add(seen);
        }
        assertNotEquals(epochs.get(0), epochs.get(1));
    }

    @Test
    void oneAndTwoThreadsGiveTheSameBatches() {
        int before = Parallel.threads();
        try {
            Parallel.setThreads(1);
            List<float[]> one = run(shuffled(11).batchSize(16).build(), 6);
            Parallel.setThreads(2);
            List<float[]> two = run(shuffled(11).batchSize(16).build(), 6);
            assertSame(one, two);
        } finally {
            Parallel.setThreads(before);
        }
    }

    @Test
    void resumesExactlyFromASavedState() {
        for (int k : new int[] {0, 1, 4, 5, 7}) {
            List<float[]> all = run(shuffled(5).dropLast(true).build(), 12);
            DataLoader first = shuffled(5).dropLast(true).build();
            List<float[]> head = run(first, k);
            long[] saved = first.state().toArray();
            DataLoader fresh = shuffled(99).dropLast(true).build(); // the state carries the seed
            fresh.restore(DataLoader.State.fromArray(saved));
            List<float[]> resumed = new ArrayList<>(head);
            resumed.addAll(run(fresh, 12 - k));
            assertSame(all, resumed);
        }
    }

    @Test
    void dropLastSkipsTheShortBatch() {
        DataLoader loader = DataLoader.builder(dataset()).batchSize(5).dropLast(true).build();
        assertEquals(4, loader.batchesPerEpoch());
        for (int b = 0; b < 4; b++) {
            assertEquals(5, loader.next().size());
        }
        assertEquals(1, loader.epoch());
        assertEquals(new DataLoader.State(loader.state().seed(), 1, 0), loader.state());
        assertThrows(IllegalArgumentException.class,
                () -> DataLoader.builder(dataset()).batchSize(24).dropLast(true).build());
    }

    @Test
    void flipsOnlyWhenAsked() {
        TensorDataset ds = dataset();
        DataLoader plain = DataLoader.builder(ds).batchSize(N).shuffle(true).seed(1).build();
        float[] x = plain.next().images().toArray();
        for (int r = 0; r < N; r++) {
            float[] expected = ds.image(imageOf(x, r)).toArray();
            assertArrayEquals(expected, Arrays.copyOfRange(x, r * C * H * W, (r + 1) * C * H * W), "no flip");
        }

        DataLoader flipping = DataLoader.builder(ds).batchSize(N).shuffle(true).seed(1).randomHorizontalFlip(true)
                .build();
        float[] f = flipping.next().images().toArray();
        int flipped = 0;
        for (int r = 0; r < N; r++) {
            float[] image = ds.image(imageOf(f, r)).toArray();
            float[] row = Arrays.copyOfRange(f, r * C * H * W, (r + 1) * C * H * W);
            float[] mirrored = new float[C * H * W];
            for (int line = 0; line < C * H; line++) {
                for (int col = 0; col < W; col++) {
                    mirrored[line * W + col] = image[line * W + W - 1 - col];
                }
            }
            boolean isFlipped = Arrays.equals(row, mirrored);
            assertTrue(isFlipped || Arrays.equals(row, image), "row " + r + " is the image or its mirror");
            flipped += isFlipped ? 1 : 0;
        }
        assertTrue(flipped > 3 && flipped < N - 3, "about half of 23 flipped, got " + flipped);
    }

    @Test
    void unlabeledDatasetGivesNullLabels() {
        DataLoader loader = DataLoader.builder(TensorDataset.of(Tensor.zeros(3, 1, 2, 2))).batchSize(2).build();
        Batch b = loader.next();
        assertArrayEquals(new int[] {2, 1, 2, 2}, b.images().shape());
        assertNull(b.labels());
    }
}
