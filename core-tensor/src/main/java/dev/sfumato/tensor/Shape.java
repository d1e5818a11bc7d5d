package dev.sfumato.tensor;

import java.util.Arrays;

/**
 * Shape arithmetic shared by every op: element counts, contiguous strides, dimension wrapping and NumPy
 * broadcasting. Every check throws an {@link IllegalArgumentException} whose message starts with the op's
 * name and shows the shapes involved.
 */
public final class Shape {

    private Shape() {}

    /** Product of the sizes; 1 for a scalar (rank 0). */
    public static int numel(int[] shape) {
        long n = 1;
        for (int s : shape) {
            n *= s;
        }
        if (n > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("shape " + Arrays.toString(shape) + " has more than 2^31-1 elements");
        }
        return (int) n;
    }

    /** Row-major (C order) strides of a contiguous tensor of this shape. */
    public static int[] contiguousStrides(int[] shape) {
        int[] strides = new int[shape.length];
        int s = 1;
        for (int d = shape.length - 1; d >= 0; d--) {
            strides[d] = s;
            s *= Math.max(shape[d], 1);
        }
        return strides;
    }

    /** Checks that no size is negative. */
    public static int[] checked(String op, int[] shape) {
        for (int s : shape) {
            if (s < 0) {
                throw new IllegalArgumentException(op + ": negative size in shape " + Arrays.toString(shape));
            }
        }
        return shape.clone();
    }

    /**
     * Wraps a possibly negative dimension as PyTorch does ({@code -1} is the last) and checks its range.
     */
    public static int wrapDim(String op, int dim, int rank) {
        int r = Math.max(rank, 1); // a scalar accepts dim 0 and -1, as in PyTorch
        if (dim < -r || dim >= r) {
            throw new IllegalArgumentException(op + ": dim " + dim + " is out of range for a tensor of rank " + rank
                    + " (expected in [" + (-r) + ", " + (r - 1) + "])");
        }
        return dim < 0 ? dim + r : dim;
    }

    /** Wraps and de-duplicates a set of dims; an empty array means all dims. Result is sorted. */
    public static int[] wrapDims(String op, int[] dims, int rank) {
        if (dims.length == 0) {
            int[] all = new int[rank];
            for (int i = 0; i < rank; i++) {
                all[i] = i;
            }
            return all;
        }
        boolean[] seen = new boolean[Math.max(rank, 1)];
        int[] out = new int[dims.length];
        for (int i = 0; i < dims.length; i++) {
            int d = wrapDim(op, dims[i], rank);
            if (seen[d]) {
                throw new IllegalArgumentException(op + ": dim " + d + " appears more than once in " + Arrays.toString(dims));
            }
            seen[d] = true;
            out[i] = d;
        }
        Arrays.sort(out);
        return out;
    }

    /**
     * The NumPy broadcast of two shapes: align at the trailing dims; sizes must be equal or one of them 1.
     *
     * @throws IllegalArgumentException e.g. {@code add: shapes [2, 3] and [4] cannot be broadcast (dim -1: 3 vs 4)}
     */
    public static int[] broadcast(String op, int[] a, int[] b) {
        int rank = Math.max(a.length, b.length);
        int[] out = new int[rank];
        for (int i = 0; i < rank; i++) {
            int sa = i < rank - a.length ? 1 : a[i - (rank - a.length)];
            int sb = i < rank - b.length ? 1 : b[i - (rank - b.length)];
            if (sa != sb && sa != 1 && sb != 1) {
                throw new IllegalArgumentException(op + ": shapes " + Arrays.toString(a) + " and " + Arrays.toString(b)
                        + " cannot be broadcast (dim " + (i - rank) + ": " + sa + " vs " + sb + ")");
            }
            out[i] = sa == 1 ? sb : sa;
        }
        return out;
    }

    /** Broadcast of any number of shapes. */
    public static int[] broadcast(String op, int[]... shapes) {
        int[] out = new int[0];
        for (int[] s : shapes) {
            out = broadcast(op, out, s);
        }
        return out;
    }

    /** {@code [2, 3]}. */
    public static String str(int[] shape) {
        return Arrays.toString(shape);
    }
}
