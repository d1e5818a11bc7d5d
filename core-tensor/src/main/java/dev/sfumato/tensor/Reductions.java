package dev.sfumato.tensor;

import dev.sfumato.tensor.kernels.ReductionKernels;

/**
 * Reductions (sum, mean, var, max, argmax) and the row-wise softmax family, with PyTorch's semantics.
 *
 * <p>Every reduction first views its input as {@code [outer, m]} rows: the kept dims, then the reduced
 * dims, made contiguous (free when the reduced dims are already the trailing, contiguous ones; one copy
 * otherwise). Each row goes to a {@link ReductionKernels} kernel.
 *
 * <p>Order of float sums: a row is cut into blocks of {@link #BLOCK} elements, each summed by the kernel
 * in its fixed order, and the block sums are added pairwise (a balanced tree). The blocks depend only on
 * the row length, so a single long row summed by N threads (blocks in parallel) gives the same bits as one
 * thread, and the pairwise tree keeps the rounding error growth at O(log n) for long rows. Mean is the
 * float sum divided by n; var is two-pass: the mean, then the blocked sum of squared deviations divided by
 * {@code n - 1} (unbiased) or {@code n}. Like PyTorch, var of a single element unbiased is NaN (0/0), and
 * the mean or var of nothing is NaN.
 */
final class Reductions {

    /** Elements per block of a long sum; also the parallel grain of a single-row reduction. */
    static final int BLOCK = 1 << 14;

    /** Elements per parallel task when many rows are reduced. */
    private static final int GRAIN = 1 << 15;

    private Reductions() {}

    /** A reduction of one contiguous row. {@code parallel} allows splitting the row's blocks over threads. */
    @FunctionalInterface
    private interface RowFn {
        float apply(float[] x, int off, int n, boolean parallel);
    }

    /** One block's contribution, summed pairwise over blocks. */
    @FunctionalInterface
    private interface BlockFn {
        float apply(float[] x, int off, int n);
    }

    // ---------------------------------------------------------------------------------------------
    // Sum, mean, var
    // ---------------------------------------------------------------------------------------------

    static Tensor sum(Tensor x, int[] dims, boolean keepdim) {
        return reduce("sum", x, dims, keepdim, 0f, Reductions::sumRow);
    }

    static Tensor mean(Tensor x, int[] dims, boolean keepdim) {
        return reduce("mean", x, dims, keepdim, Float.NaN, (d, off, n, par) -> sumRow(d, off, n, par) / n);
    }

    static Tensor var(Tensor x, int[] dims, boolean unbiased, boolean keepdim) {
        int correction = unbiased ? 1 : 0;
        return reduce("var", x, dims, keepdim, Float.NaN, (d, off, n, par) -> {
            float mean = sumRow(d, off, n, par) / n;
            float ssd = blocked(d, off, n, par, (a, o, len) -> ReductionKernels.sumSquaredDeviations(a, o, len, mean));
            return ssd / (n - correction);
        });
    }

    private static float sumRow(float[] x, int off, int n, boolean parallel) {
        return blocked(x, off, n, parallel, ReductionKernels::sum);
    }

    /** {@code fn} over blocks of {@link #BLOCK}, combined pairwise; the same bits with or without threads. */
    private static float blocked(float[] x, int off, int n, boolean parallel, BlockFn fn) {
        int blocks = Parallel.taskCount(n, BLOCK);
        if (blocks <= 1) {
            return fn.apply(x, off, n);
        }
        float[] partial = new float[blocks];
        Parallel.RangeBody body = (b0, b1) -> {
            for (int b = b0; b < b1; b++) {
                int from = b * BLOCK;
                partial[b] = fn.apply(x, off + from, Math.min(BLOCK, n - from));
            }
        };
        if (parallel) {
            Parallel.forRange(blocks, body);
        } else {
            body.run(0, blocks);
        }
        return pairwise(partial, 0, blocks);
    }

    /** Balanced-tree sum of {@code p[lo, hi)}. */
    private static float pairwise(float[] p, int lo, int hi) {
        if (hi - lo == 1) {
            return p[lo];
        }
        int mid = lo + (hi - lo) / 2;
        return pairwise(p, lo, mid) + pairwise(p, mid, hi);
    }

    /**
     * Reduces {@code x} over {@code dims} (empty: all) with {@code fn} per row; {@code empty} is the value
     * of a reduction over zero elements.
     */
    private static Tensor reduce(String op, Tensor x, int[] dims, boolean keepdim, float empty, RowFn fn) {
        int rank = x.shape.length;
        int[] reduced = Shape.wrapDims(op, dims, rank);
        if (rank == 0) {
            Tensor out = Tensor.allocate(new int[0]);
            out.data()[0] = fn.apply(x.data(), x.offset, 1, false);
            return out;
        }
        Tensor rows = rows(x, reduced);
        int[] outShape = outShape(x.shape, reduced, keepdim);
        Tensor out = Tensor.allocate(outShape);
        int outer = out.numel();
        int m = x.numel() / Math.max(outer, 1);
        if (outer == 0) {
            return out;
        }
        if (reducedCount(x.shape, reduced) == 0) {
            java.util.Arrays.fill(out.data(), empty);
            return out;
        }
        float[] d = rows.data();
        int base = rows.offset;
        float[] o = out.data();
        if (outer == 1) {
            o[0] = fn.apply(d, base, m, true);
            return out;
        }
        int rowsPerTask = Math.max(1, GRAIN / m);
        Parallel.forRange(Parallel.taskCount(outer, rowsPerTask), (t0, t1) -> {
            int end = (int) Math.min(outer, (long) t1 * rowsPerTask);
            for (int r = t0 * rowsPerTask; r < end; r++) {
                o[r] = fn.apply(d, base + r * m, m, false);
            }
        });
        return out;
    }

    private static int reducedCount(int[] shape, int[] reduced) {
        int m = 1;
        for (int d : reduced) {
            m *= shape[d];
        }
        return m;
    }

    /** The kept dims then the reduced dims, as one contiguous tensor (a view when already so). */
    private static Tensor rows(Tensor x, int[] reduced) {
        int rank = x.shape.length;
        int[] perm = new int[rank];
        boolean[] isReduced = new boolean[rank];
        for (int d : reduced) {
            isReduced[d] = true;
        }
        int j = 0;
        for (int d = 0; d < rank; d++) {
            if (!isReduced[d]) {
                perm[j++] = d;
            }
        }
        for (int d : reduced) {
            perm[j++] = d;
        }
        return x.permute(perm).contiguous();
    }

    private static int[] outShape(int[] shape, int[] reduced, boolean keepdim) {
        boolean[] isReduced = new boolean[shape.length];
        for (int d : reduced) {
            isReduced[d] = true;
        }
        int kept = shape.length - reduced.length;
        int[] out = new int[keepdim ? shape.length : kept];
        for (int d = 0, j = 0; d < shape.length; d++) {
            if (!isReduced[d]) {
                out[j++] = shape[d];
            } else if (keepdim) {
                out[j++] = 1;
            }
        }
        return out;
    }

    // ---------------------------------------------------------------------------------------------
    // Max, argmax
    // ---------------------------------------------------------------------------------------------

    /** The largest (or smallest) element; NaN when any element is NaN. */
    static Tensor maxAll(Tensor x, boolean max) {
        String op = max ? "max" : "min";
        if (x.numel() == 0) {
            throw new IllegalArgumentException(op + ": cannot reduce an empty tensor of shape " + Shape.str(x.shape)
                    + " (there is no identity)");
        }
        Tensor c = x.contiguous();
        float[] d = c.data();
        int n = c.numel();
        int blocks = Parallel.taskCount(n, BLOCK);
        float[] partial = new float[blocks];
        Parallel.forRange(blocks, (b0, b1) -> {
            for (int b = b0; b < b1; b++) {
                int from = b * BLOCK;
                partial[b] = ReductionKernels.max(d, c.offset + from, Math.min(BLOCK, n - from), max);
            }
        });
        return Tensor.scalar(ReductionKernels.max(partial, 0, blocks, max));
    }

    static Tensor max(Tensor x, int dim, boolean keepdim, boolean max) {
        String op = max ? "max" : "min";
        return alongDim(op, x, dim, keepdim, (d, off, n, par) -> ReductionKernels.max(d, off, n, max));
    }

    /** Index of the first extreme (or of the first NaN) along {@code dim}, as a float. */
    static Tensor argmax(Tensor x, int dim, boolean keepdim, boolean max) {
        String op = max ? "argmax" : "argmin";
        return alongDim(op, x, dim, keepdim, (d, off, n, par) -> ReductionKernels.argmax(d, off, n, max));
    }

    /** A reduction over one dim that has no value for an empty dim (max, argmax). */
    private static Tensor alongDim(String op, Tensor x, int dim, boolean keepdim, RowFn fn) {
        int d = Shape.wrapDim(op, dim, x.shape.length);
        if (x.shape.length > 0 && x.shape[d] == 0) {
            throw new IllegalArgumentException(op + ": cannot reduce dim " + d + " of size 0 (shape "
                    + Shape.str(x.shape) + ")");
        }
        return reduce(op, x, new int[] {d}, keepdim, Float.NaN, fn);
    }

    // ---------------------------------------------------------------------------------------------
    // Softmax, logsumexp
    // ---------------------------------------------------------------------------------------------

    /** {@code log sum exp} along {@code dim}, stable; -inf for an empty dim, as in PyTorch. */
    static Tensor logsumexp(Tensor x, int dim, boolean keepdim) {
        int d = Shape.wrapDim("logsumexp", dim, x.shape.length);
        return reduce("logsumexp", x, new int[] {d}, keepdim, Float.NEGATIVE_INFINITY,
                (a, off, n, par) -> ReductionKernels.logsumexp(a, off, n));
    }

    /** Softmax (or log-softmax) along {@code dim}: a new contiguous tensor of x's shape. */
    static Tensor softmax(Tensor x, int dim, boolean log) {
        String op = log ? "logSoftmax" : "softmax";
        int rank = x.shape.length;
        int d = Shape.wrapDim(op, dim, rank);
        if (rank == 0) {
            return softmax(x.reshape(1), 0, log).reshape();
        }
        // Move dim last: perm = [others..., d]; rows of length m.
        int[] perm = new int[rank];
        for (int k = 0, j = 0; k < rank; k++) {
            if (k != d) {
                perm[j++] = k;
            }
        }
        perm[rank - 1] = d;
        Tensor rows = x.permute(perm).contiguous();
        Tensor out = Tensor.allocate(rows.shape);
        int m = x.shape[d];
        int outer = m == 0 ? 0 : out.numel() / m;
        float[] src = rows.data();
        int base = rows.offset;
        float[] o = out.data();
        int rowsPerTask = Math.max(1, GRAIN / Math.max(m, 1));
        Parallel.forRange(Parallel.taskCount(outer, rowsPerTask), (t0, t1) -> {
            int end = (int) Math.min(outer, (long) t1 * rowsPerTask);
            for (int r = t0 * rowsPerTask; r < end; r++) {
                ReductionKernels.softmax(src, base + r * m, o, r * m, m, log);
            }
        });
        if (d == rank - 1) {
            return out;
        }
        int[] inverse = new int[rank];
        for (int k = 0; k < rank; k++) {
            inverse[perm[k]] = k;
        }
        return out.permute(inverse).contiguous();
    }
}
