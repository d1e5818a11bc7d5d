package dev.sfumato.tensor;

/**
 * The general path of every elementwise op: walks one output and any number of inputs broadcast to its
 * shape, one innermost row at a time, and hands each row to a contiguous-span kernel.
 *
 * <p>Before walking, size-1 dims are dropped and neighbouring dims that are contiguous with each other in
 * every operand are merged, so contiguous operands of one shape become a single long row (the fast path
 * costs no odometer at all) and a broadcast bias over {@code [N, C, H, W]} becomes {@code N*C} rows of
 * {@code H*W}. A row whose stride is neither 1 nor (when the body accepts it) 0 is gathered into a scratch
 * buffer; an output row with a stride other than 1 is computed in scratch and scattered.
 *
 * <p>Work is cut into tasks of about {@link #GRAIN} elements (long rows are cut into pieces). The cut
 * depends only on the shapes, and every element is computed independently, so results do not depend on
 * the thread count.
 */
final class StridedLoop {

    /** Elements per parallel task: large enough to amortise a task, small enough to balance two cores. */
    static final int GRAIN = 1 << 15;

    /** The work on one row segment of {@code n} elements. */
    @FunctionalInterface
    interface RowBody {
        /**
         * @param in       input arrays (storage or scratch)
         * @param inOff    offset of the segment's first element in each input
         * @param inStride 1, or 0 for an input that is constant along the row (only if zero strides are accepted)
         * @param out      output array (storage or scratch), always stride 1
         */
        void row(float[][] in, int[] inOff, int[] inStride, float[] out, int outOff, int n);
    }

    private StridedLoop() {}

    /**
     * Strides of {@code t} when broadcast to {@code shape}: 0 on dims it lacks or has size 1 on.
     * The shapes must be broadcast-compatible (checked by the caller).
     */
    static int[] broadcastStrides(Tensor t, int[] shape) {
        int rank = shape.length;
        int lead = rank - t.shape.length;
        int[] s = new int[rank];
        for (int d = lead; d < rank; d++) {
            s[d] = t.shape[d - lead] == 1 ? 0 : t.strides[d - lead];
        }
        return s;
    }

    /** Runs {@code body} over every row of {@code out}, with {@code ins} broadcast to its shape. */
    static void run(Tensor out, Tensor[] ins, boolean acceptsZeroStride, RowBody body) {
        int[] fullShape = out.shape;
        if (Shape.numel(fullShape) == 0) {
            return;
        }
        int k = ins.length;
        // 1. Broadcast strides; operand k is the output.
        int[][] fullStrides = new int[k + 1][];
        for (int i = 0; i < k; i++) {
            fullStrides[i] = broadcastStrides(ins[i], fullShape);
        }
        fullStrides[k] = out.strides;

        // 2. Drop size-1 dims and merge dims that are contiguous with their inner neighbour in every operand.
        int[] shape = new int[Math.max(fullShape.length, 1)];
        int[][] strides = new int[k + 1][shape.length];
        int rank = 0;
        for (int d = 0; d < fullShape.length; d++) {
            if (fullShape[d] == 1) {
                continue;
            }
            boolean merge = rank > 0;
            for (int i = 0; i <= k && merge; i++) {
                merge = strides[i][rank - 1] == fullStrides[i][d] * fullShape[d];
            }
            if (merge) {
                shape[rank - 1] *= fullShape[d];
                for (int i = 0; i <= k; i++) {
                    strides[i][rank - 1] = fullStrides[i][d];
                }
            } else {
                shape[rank] = fullShape[d];
                for (int i = 0; i <= k; i++) {
                    strides[i][rank] = fullStrides[i][d];
                }
                rank++;
            }
        }
        if (rank == 0) { // a single element
            shape[0] = 1;
            for (int i = 0; i <= k; i++) {
                strides[i][0] = 1;
            }
            rank = 1;
        }

        // 3. Cut into tasks: whole rows when rows are short, pieces of a row when rows are long.
        int inner = shape[rank - 1];
        int outerCount = 1;
        for (int d = 0; d < rank - 1; d++) {
            outerCount *= shape[d];
        }
        final int rows = outerCount;
        int pieces = inner >= GRAIN ? Parallel.taskCount(inner, GRAIN) : 1;
        int rowsPerTask = inner >= GRAIN ? 1 : Math.max(1, GRAIN / inner);
        int tasks = pieces > 1 ? rows * pieces : Parallel.taskCount(rows, rowsPerTask);
        int scratchLen = Math.min(inner, GRAIN);
        final int r = rank;
        Parallel.forRange(tasks, (t0, t1) -> {
            float[][] arrays = new float[k][];
            int[] offs = new int[k];
            int[] st = new int[k];
            float[][] scratch = new float[k + 1][];
            int[] idx = new int[r];
            int[] base = new int[k + 1];
            int rowFrom = pieces > 1 ? t0 / pieces : t0 * rowsPerTask;
            int rowTo = pieces > 1 ? (t1 - 1) / pieces + 1 : Math.min(rows, t1 * rowsPerTask);
            // Position the odometer on rowFrom.
            int rem = rowFrom;
            for (int d = r - 2; d >= 0; d--) {
                idx[d] = rem % shape[d];
                rem /= shape[d];
            }
            for (int i = 0; i <= k; i++) {
                int b = (i < k ? ins[i] : out).offset;
                for (int d = 0; d < r - 1; d++) {
                    b += idx[d] * strides[i][d];
                }
                base[i] = b;
            }
            for (int row = rowFrom; row < rowTo; row++) {
                int pFrom = pieces > 1 ? (row == rowFrom ? t0 % pieces : 0) : 0;
                int pTo = pieces > 1 ? (row == rowTo - 1 ? (t1 - 1) % pieces + 1 : pieces) : 1;
                for (int p = pFrom; p < pTo; p++) {
                    int s = p * GRAIN;
                    int n = Math.min(inner, s + GRAIN) - s;
                    if (pieces == 1) {
                        s = 0;
                        n = inner;
                    }
                    for (int i = 0; i < k; i++) {
                        float[] data = ins[i].data();
                        int stride = strides[i][r - 1];
                        if (stride == 1) {
                            arrays[i] = data;
                            offs[i] = base[i] + s;
                            st[i] = 1;
                        } else if (stride == 0 && acceptsZeroStride) {
                            arrays[i] = data;
                            offs[i] = base[i];
                            st[i] = 0;
                        } else {
                            if (scratch[i] == null) {
                                scratch[i] = new float[scratchLen];
                            }
                            float[] g = scratch[i];
                            for (int j = 0, q = base[i] + s * stride; j < n; j++, q += stride) {
                                g[j] = data[q];
                            }
                            arrays[i] = g;
                            offs[i] = 0;
                            st[i] = 1;
                        }
                    }
                    int outStride = strides[k][r - 1];
                    float[] od = out.data();
                    if (outStride == 1) {
                        body.row(arrays, offs, st, od, base[k] + s, n);
                    } else {
                        if (scratch[k] == null) {
                            scratch[k] = new float[scratchLen];
                        }
                        float[] o = scratch[k];
                        body.row(arrays, offs, st, o, 0, n);
                        for (int j = 0, q = base[k] + s * outStride; j < n; j++, q += outStride) {
                            od[q] = o[j];
                        }
                    }
                }
                // Odometer over the outer dims.
                for (int d = r - 2; d >= 0; d--) {
                    if (++idx[d] < shape[d]) {
                        for (int i = 0; i <= k; i++) {
                            base[i] += strides[i][d];
                        }
                        break;
                    }
                    for (int i = 0; i <= k; i++) {
                        base[i] -= (shape[d] - 1) * strides[i][d];
                    }
                    idx[d] = 0;
                }
            }
        });
    }
}
