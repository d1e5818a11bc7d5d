package dev.sfumato.diffusion.data;

import dev.sfumato.tensor.Generator;
import dev.sfumato.tensor.Parallel;
import dev.sfumato.tensor.Tensor;

import java.util.Objects;

/**
 * Mini-batches from an {@link ImageDataset}, epoch after epoch, with seeded shuffling, optional random
 * horizontal flips, and an exact resume point.
 *
 * <p>Randomness is counter-based ({@link Generator#bits}): epoch e's permutation is a Fisher–Yates shuffle
 * driven by stream {@code bits(seed, 2e)}, and the flip of the sample at position p of epoch e by
 * element p of stream {@code bits(seed, 2e + 1)}. Nothing depends on earlier draws or on the thread count,
 * so the position {@link State}(seed, epoch, index) is all a checkpoint needs: N batches in one go equal k
 * batches, then {@link #state()}, {@link #restore} in a fresh loader, then N − k batches, bit for bit.
 *
 * <p>Defaults, as {@code torch.utils.data.DataLoader}: batch size 1, shuffle off, drop last off, no flip;
 * seed {@link Generator#DEFAULT_SEED}. {@link #next()} never ends: after the last batch of an epoch the next
 * epoch begins. Batches are filled in parallel over samples, each into its own slot.
 */
public final class DataLoader {

    /**
     * Where the loader stands: the next batch starts at position {@code index} of epoch {@code epoch}'s
     * order. {@link #toArray()} and {@link #fromArray} give it as {@code long[3]} for checkpoints.
     */
    public record State(long seed, long epoch, long index) {

        /** {@code [seed, epoch, index]}. */
        public long[] toArray() {
            return new long[] {seed, epoch, index};
        }

        /** The inverse of {@link #toArray()}. */
        public static State fromArray(long[] state) {
            if (state == null || state.length != 3) {
                throw new IllegalArgumentException("DataLoader state must be [seed, epoch, index], got "
                        + (state == null ? "null" : state.length + " values"));
            }
            return new State(state[0], state[1], state[2]);
        }
    }

    private final ImageDataset dataset;
    private final int batchSize;
    private final boolean shuffle;
    private final boolean dropLast;
    private final boolean flip;

    private long seed;
    private long epoch;
    private int index;
    private int[] order; // the sample order of `epoch`, built lazily
    private long orderEpoch = -1;

    private DataLoader(Builder b) {
        this.dataset = b.dataset;
        this.batchSize = b.batchSize;
        this.shuffle = b.shuffle;
        this.dropLast = b.dropLast;
        this.flip = b.randomHorizontalFlip;
        this.seed = b.seed;
        if (batchesPerEpoch() == 0) {
            throw new IllegalArgumentException("the dataset holds " + dataset.size() + " images, fewer than the batch"
                    + " size " + batchSize + (dropLast ? " with drop last on" : "") + ": an epoch has no batch");
        }
    }

    /** Options, named like PyTorch's keyword arguments: {@code batchSize}, {@code shuffle}, {@code dropLast}. */
    public static Builder builder(ImageDataset dataset) {
        return new Builder(dataset);
    }

    /** {@code DataLoader.builder(ds).batchSize(128).shuffle(true).seed(0).dropLast(true).build()}. */
    public static final class Builder {
        private final ImageDataset dataset;
        private int batchSize = 1;
        private boolean shuffle;
        private boolean dropLast;
        private boolean randomHorizontalFlip;
        private long seed = Generator.DEFAULT_SEED;

        private Builder(ImageDataset dataset) {
            this.dataset = Objects.requireNonNull(dataset, "dataset");
        }

        public Builder batchSize(int batchSize) {
            if (batchSize < 1) {
                throw new IllegalArgumentException("batch size must be >= 1, got " + batchSize);
            }
            this.batchSize = batchSize;
            return this;
        }

        /** A new permutation every epoch (default off: file order). */
        public Builder shuffle(boolean shuffle) {
            this.shuffle = shuffle;
            return this;
        }

        /** Skip the last, smaller batch of each epoch (default off). */
        public Builder dropLast(boolean dropLast) {
            this.dropLast = dropLast;
            return this;
        }

        /** Flip each image left-right with probability 1/2 (default off), as Ho et al. 2020 did for CIFAR10. */
        public Builder randomHorizontalFlip(boolean flip) {
            this.randomHorizontalFlip = flip;
            return this;
        }

        public Builder seed(long seed) {
            this.seed = seed;
            return this;
        }

        /** Seeds from the next stream key of {@code g}, so one generator can seed a whole run. */
        public Builder generator(Generator g) {
            this.seed = g.nextStreamKey();
            return this;
        }

        public DataLoader build() {
            return new DataLoader(this);
        }
    }

    /** The dataset batches come from. */
    public ImageDataset dataset() {
        return dataset;
    }

    /** Batches in one epoch: {@code floor(N / B)} with drop last, else {@code ceil(N / B)}. */
    public int batchesPerEpoch() {
        int n = dataset.size();
        return dropLast ? n / batchSize : (n + batchSize - 1) / batchSize;
    }

    /** The epoch the next batch belongs to (0-based). */
    public long epoch() {
        return epoch;
    }

    /** The position to resume from. */
    public State state() {
        return new State(seed, epoch, index);
    }

    /**
     * Continues from {@code state}, which {@link #state()} returned on a loader over the same dataset; the
     * state's seed replaces this loader's. The index counts samples, not batches.
     */
    public void restore(State state) {
        if (state.epoch() < 0 || state.index() < 0 || state.index() >= dataset.size()) {
            throw new IllegalArgumentException("DataLoader state " + state + " is not a position in a dataset of "
                    + dataset.size() + " images");
        }
        this.seed = state.seed();
        this.epoch = state.epoch();
        this.index = (int) state.index();
        this.orderEpoch = -1;
    }

    /** The next batch; after an epoch's last batch, the first batch of the next epoch. */
    public Batch next() {
        int n = dataset.size();
        int count = Math.min(batchSize, n - index);
        int[] order = order();
        int start = index;
        long flipKey = Generator.bits(seed, 2 * epoch + 1);
        int c = dataset.channels();
        int h = dataset.height();
        int w = dataset.width();
        int per = c * h * w;
        float[] images = new float[count * per]; // [N, C, H, W]
        float[] labels = dataset.numClasses() > 0 ? new float[count] : null; // [N]
        Parallel.forRange(count, (from, to) -> {
            for (int s = from; s < to; s++) {
                int i = order[start + s];
                dataset.copyImage(i, images, s * per);
                if (flip && Generator.uniform(flipKey, start + s) < 0.5f) {
                    flipRows(images, s * per, c * h, w);
                }
                if (labels != null) {
                    labels[s] = dataset.label(i);
                }
            }
        });
        // Advance; roll over to the next epoch when no full (or, without drop last, no) batch is left.
        index += count;
        if (index >= n || (dropLast && n - index < batchSize)) {
            epoch++;
            index = 0;
        }
        return new Batch(Tensor.wrap(images, count, c, h, w), labels == null ? null : Tensor.wrap(labels, count));
    }

    /** Epoch {@code epoch}'s sample order: identity without shuffle, else a seeded Fisher–Yates permutation. */
    private int[] order() {
        if (orderEpoch != epoch) {
            int n = dataset.size();
            int[] p = new int[n];
            for (int i = 0; i < n; i++) {
                p[i] = i;
            }
            if (shuffle) {
                long key = Generator.bits(seed, 2 * epoch);
                for (int i = n - 1; i > 0; i--) {
                    int j = (int) (Generator.uniformDouble(key, i) * (i + 1)); // uniform in [0, i]
                    int t = p[i];
                    p[i] = p[j];
                    p[j] = t;
                }
            }
            order = p;
            orderEpoch = epoch;
        }
        return order;
    }

    /** Reverses each of {@code rows} rows of width {@code w} starting at {@code offset}. */
    private static void flipRows(float[] x, int offset, int rows, int w) {
        for (int r = 0; r < rows; r++) {
            int a = offset + r * w;
            for (int lo = a, hi = a + w - 1; lo < hi; lo++, hi--) {
                float t = x[lo];
                x[lo] = x[hi];
                x[hi] = t;
            }
        }
    }
}
