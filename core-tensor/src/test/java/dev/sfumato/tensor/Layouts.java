package dev.sfumato.tensor;

import java.util.Random;
import java.util.function.Consumer;

/**
 * Test helpers: random shapes (with sizes 0 and 1), random tensors in random memory layouts (contiguous,
 * permuted, narrowed, stepped), and an odometer over every index of a shape. Expected values in the
 * tests are computed from these explicit indices, never from the op under test.
 */
final class Layouts {

    private Layouts() {}

    /** A shape of the given rank with sizes in [0, maxSize]; size 0 only when {@code allowZero}. */
    static int[] shape(Random rnd, int rank, int maxSize, boolean allowZero) {
        int[] s = new int[rank];
        for (int i = 0; i < rank; i++) {
            int r = rnd.nextInt(10);
            s[i] = r == 0 && allowZero ? 0 : r == 1 ? 1 : 1 + rnd.nextInt(maxSize);
        }
        return s;
    }

    /** Distinct small integers as floats (exact in any order of additions), in a random layout. */
    static Tensor tensor(Random rnd, int[] shape) {
        return inLayout(rnd, values(rnd, Shape.numel(shape)), shape);
    }

    static float[] values(Random rnd, int n) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = rnd.nextInt(2001) - 1000;
        }
        return v;
    }

    /**
     * A tensor of this shape holding {@code rowMajor}, stored contiguously, permuted, or as a narrowed or
     * stepped slice of a larger storage, chosen at random.
     */
    static Tensor inLayout(Random rnd, float[] rowMajor, int[] shape) {
        int rank = shape.length;
        int kind = rank == 0 ? 0 : rnd.nextInt(4);
        Tensor t;
        switch (kind) {
            case 1 -> {
                // Permuted: allocate with the dims shuffled, then permute back.
                int[] perm = permutation(rnd, rank);
                int[] stored = new int[rank];
                for (int i = 0; i < rank; i++) {
                    stored[i] = shape[perm[i]];
                }
                int[] inverse = new int[rank];
                for (int i = 0; i < rank; i++) {
                    inverse[perm[i]] = i;
                }
                t = Tensor.zeros(stored).permute(inverse);
            }
            case 2 -> {
                // A narrow of a larger tensor: gaps between rows and an offset.
                int d = rnd.nextInt(rank);
                int[] big = shape.clone();
                int extra = 1 + rnd.nextInt(3);
                big[d] += extra;
                t = Tensor.full(Float.NaN, big).narrow(d, rnd.nextInt(extra + 1), shape[d]);
            }
            case 3 -> {
                // A stepped slice: stride > 1 in some dim.
                int d = rnd.nextInt(rank);
                int step = 2 + rnd.nextInt(2);
                int[] big = shape.clone();
                big[d] = Math.max(0, shape[d] * step);
                t = Tensor.full(Float.NaN, big).slice(d, 0, big[d], step);
            }
            default -> t = Tensor.zeros(shape);
        }
        int[] i = {0};
        forEach(shape, idx -> t.storage.data[offsetOf(t, idx)] = rowMajor[i[0]++]);
        return t;
    }

    static int[] permutation(Random rnd, int n) {
        int[] p = new int[n];
        for (int i = 0; i < n; i++) {
            p[i] = i;
        }
        for (int i = n - 1; i > 0; i--) {
            int j = rnd.nextInt(i + 1);
            int tmp = p[i];
            p[i] = p[j];
            p[j] = tmp;
        }
        return p;
    }

    /** The storage position of an index, from the definition {@code offset + sum_d idx[d] * strides[d]}. */
    static int offsetOf(Tensor t, int[] idx) {
        int p = t.offset;
        for (int d = 0; d < idx.length; d++) {
            p += idx[d] * t.strides[d];
        }
        return p;
    }

    /** The element at idx, read from storage by the definition (not through Tensor.get). */
    static float at(Tensor t, int[] idx) {
        return t.storage.data[offsetOf(t, idx)];
    }

    /** Calls {@code body} with every index of {@code shape} in row-major order (the array is reused). */
    static void forEach(int[] shape, Consumer<int[]> body) {
        int n = Shape.numel(shape);
        int[] idx = new int[shape.length];
        for (int i = 0; i < n; i++) {
            body.accept(idx);
            for (int d = shape.length - 1; d >= 0; d--) {
                if (++idx[d] < shape[d]) {
                    break;
                }
                idx[d] = 0;
            }
        }
    }
}
