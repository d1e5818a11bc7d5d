package dev.sfumato.tensor;

/**
 * Copies between tensors of one shape and any strides: the general path behind {@link Tensor#contiguous()}.
 * The outer dims are walked with an odometer; the innermost dim is a plain strided loop.
 */
final class StridedCopy {

    private StridedCopy() {}

    /**
     * Copies of more than this many elements are cut into tasks of about this size and run on the pool: a
     * lone thread copies at about half the machine's memory bandwidth (13 of 24 GB/s here), and the
     * U-Net's skip-connection concatenations and {@code contiguous()} calls move megabytes each. At 2^17 (the
     * first size) those copies were 7-8 tasks, and in the 2-thread training step the worker sat idle for a
     * fifth of their time, one thread finishing the last task alone (timed per loop: 0.34 ms per call, 70 µs
     * of it idle); tasks of 2^15 floats (128 KB) are four times as many.
     */
    static final int PARALLEL_GRAIN = 1 << 15;

    /**
     * {@code dst[i] = src[i]} for every index; shapes must match, and dst must not overlap src (every caller
     * writes a freshly allocated output; {@link Tensor#copyFrom} has its own loop for self-aliasing copies),
     * since the chunks run concurrently.
     */
    static void copy(Tensor src, Tensor dst) {
        int rank = src.shape.length;
        float[] s = src.data();
        float[] d = dst.data();
        int numel = src.numel();
        if (numel == 0) {
            return;
        }
        if (rank == 0) {
            d[dst.offset] = s[src.offset];
            return;
        }
        if (src.isContiguous() && dst.isContiguous()) {
            Parallel.forRange(Parallel.taskCount(numel, PARALLEL_GRAIN), (t0, t1) -> {
                int from = t0 * PARALLEL_GRAIN;
                int to = (int) Math.min(numel, (long) t1 * PARALLEL_GRAIN);
                System.arraycopy(s, src.offset + from, d, dst.offset + from, to - from);
            });
            return;
        }
        int inner = src.shape[rank - 1];
        int rows = numel / inner;
        // Rows (of the innermost dim) per task: whole rows, about PARALLEL_GRAIN elements; copies move no
        // arithmetic, so how they are cut cannot change a value.
        int rowsPerTask = Math.max(1, PARALLEL_GRAIN / inner);
        Parallel.forRange(Parallel.taskCount(rows, rowsPerTask), (t0, t1) ->
                copyRows(src, dst, t0 * rowsPerTask, (int) Math.min(rows, (long) t1 * rowsPerTask)));
    }

    /** Copies rows [r0, r1) of the innermost dim, rows numbered in row-major order of the outer dims. */
    private static void copyRows(Tensor src, Tensor dst, int r0, int r1) {
        int rank = src.shape.length;
        float[] s = src.data();
        float[] d = dst.data();
        int inner = src.shape[rank - 1];
        int sIn = src.strides[rank - 1];
        int dIn = dst.strides[rank - 1];
        // Odometer start: the outer index of row r0, and both offsets there.
        int[] idx = new int[rank];
        int sOff = src.offset;
        int dOff = dst.offset;
        for (int k = rank - 2, rest = r0; k >= 0; k--) {
            idx[k] = rest % src.shape[k];
            rest /= src.shape[k];
            sOff += idx[k] * src.strides[k];
            dOff += idx[k] * dst.strides[k];
        }
        for (int r = r0; r < r1; r++) {
            if (sIn == 1 && dIn == 1) {
                System.arraycopy(s, sOff, d, dOff, inner);
            } else {
                for (int i = 0, sp = sOff, dp = dOff; i < inner; i++, sp += sIn, dp += dIn) {
                    d[dp] = s[sp];
                }
            }
            // Odometer over dims 0..rank-2, updating both offsets incrementally.
            for (int k = rank - 2; k >= 0; k--) {
                if (++idx[k] < src.shape[k]) {
                    sOff += src.strides[k];
                    dOff += dst.strides[k];
                    break;
                }
                sOff -= (src.shape[k] - 1) * src.strides[k];
                dOff -= (dst.shape[k] - 1) * dst.strides[k];
                idx[k] = 0;
            }
        }
    }
}
