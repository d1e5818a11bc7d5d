package dev.sfumato.tensor;

import dev.sfumato.tensor.kernels.Gemm;

import java.util.Arrays;

/**
 * {@code torch.matmul} over the row-major GEMM kernel {@code C = alpha·op(A)·op(B) + beta·C}.
 *
 * <p>Ranks: 1-D·1-D is a dot product (rank-0 result); a 1-D left operand is treated as a row {@code [1, K]}
 * and a 1-D right operand as a column {@code [K, 1]}, the added dim being removed from the result; from
 * rank 2 up, the last two dims are the matrices and the leading (batch) dims broadcast as NumPy does.
 *
 * <p>No copies when avoidable: a matrix whose last two dims are row-major with a row stride (any view
 * that keeps rows contiguous) goes to GEMM as is, and one whose layout is a transposed row-major matrix
 * ({@code x.transpose(-2, -1)}, a permute) goes with {@code transA}/{@code transB}; only other layouts are
 * made contiguous. Broadcast batch dims are never materialised: each batch reads its operands through
 * their (possibly zero) batch strides. When the right operand is shared by all batches and the left
 * operand's batches stack as rows, the whole product is one GEMM with {@code M = batch·M}.
 */
final class LinearAlgebra {

    /** Below this many multiply-adds per GEMM, batches run in parallel (one task per batch) instead. */
    private static final long SMALL_GEMM = 1L << 18;

    private LinearAlgebra() {}

    static Tensor matmul(Tensor a, Tensor b) {
        if (a.dim() == 0 || b.dim() == 0) {
            throw new IllegalArgumentException("matmul: both arguments need at least 1 dimension, got shapes "
                    + Shape.str(a.shape) + " and " + Shape.str(b.shape));
        }
        boolean aVector = a.dim() == 1;
        boolean bVector = b.dim() == 1;
        Tensor a2 = aVector ? a.unsqueeze(0) : a;   // [..., M, K]
        Tensor b2 = bVector ? b.unsqueeze(-1) : b;  // [..., K, N]
        int m = a2.size(-2);
        int k = a2.size(-1);
        int n = b2.size(-1);
        if (b2.size(-2) != k) {
            throw new IllegalArgumentException("matmul: shapes " + Shape.str(a.shape) + " and " + Shape.str(b.shape)
                    + " cannot be multiplied (" + k + " != " + b2.size(-2) + ")");
        }
        int[] aBatch = Arrays.copyOf(a2.shape, a2.dim() - 2);
        int[] bBatch = Arrays.copyOf(b2.shape, b2.dim() - 2);
        int[] batch;
        try {
            batch = Shape.broadcast("matmul", aBatch, bBatch);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("matmul: the batch dims of shapes " + Shape.str(a.shape) + " and "
                    + Shape.str(b.shape) + " cannot be broadcast (" + Shape.str(aBatch) + " vs " + Shape.str(bBatch) + ")");
        }

        // 1. The result: batch + [M, N], contiguous. Degenerate sizes need no GEMM.
        int[] outShape = Arrays.copyOf(batch, batch.length + 2);
        outShape[batch.length] = m;
        outShape[batch.length + 1] = n;
        Tensor out = Tensor.allocate(outShape);
        if (out.numel() > 0 && k > 0) {
            // 2. Operands GEMM can read directly, expanded (as views) to the common batch shape.
            Tensor aMat = gemmReadable(a2).expand(concat(batch, m, k));
            Tensor bMat = gemmReadable(b2).expand(concat(batch, k, n));
            multiplyBatches(aMat, bMat, out, Shape.numel(batch), m, n, k);
        }

        // 3. Remove the dims added for 1-D operands.
        if (aVector && bVector) {
            return new Tensor(out.storage, new int[0], new int[0], 0); // the dot product, rank 0
        }
        if (aVector) {
            return out.squeeze(-2);
        }
        return bVector ? out.squeeze(-1) : out;
    }

    /** x when its last two dims form a (possibly transposed) row-major matrix GEMM can read, otherwise a copy. */
    private static Tensor gemmReadable(Tensor x) {
        return Layout.of(x) != null ? x : x.contiguous();
    }

    private static int[] concat(int[] batch, int rows, int cols) {
        int[] s = Arrays.copyOf(batch, batch.length + 2);
        s[batch.length] = rows;
        s[batch.length + 1] = cols;
        return s;
    }

    /** How GEMM reads the matrix in the last two dims of a tensor: transposed or not, and its leading dim. */
    private record Layout(boolean trans, int ld) {

        /** The layout, or null when the matrix is neither row-major nor transposed row-major. */
        static Layout of(Tensor x) {
            int r = x.dim();
            int rows = x.shape[r - 2];
            int cols = x.shape[r - 1];
            int rs = x.strides[r - 2];
            int cs = x.strides[r - 1];
            // Row-major: (i, j) at i*ld + j. A single row accepts any row stride; a single column any column stride.
            if ((cs == 1 || cols == 1) && (rows == 1 || rs >= Math.max(cols, 1))) {
                return new Layout(false, rows == 1 ? Math.max(cols, 1) : rs);
            }
            // Transposed row-major: stored cols x rows, (i, j) at j*ld + i.
            if ((rs == 1 || rows == 1) && (cols == 1 || cs >= Math.max(rows, 1))) {
                return new Layout(true, cols == 1 ? Math.max(rows, 1) : cs);
            }
            return null;
        }
    }

    /**
     * One GEMM per batch, or a single GEMM when the batches of a stack as rows and b is shared. Small GEMMs
     * run one batch per task; each output matrix is written by exactly one GEMM call, so the result does
     * not depend on the thread count.
     */
    private static void multiplyBatches(Tensor a, Tensor b, Tensor out, int batches, int m, int n, int k) {
        Layout la = Layout.of(a);
        Layout lb = Layout.of(b);
        float[] ad = a.data();
        float[] bd = b.data();
        float[] cd = out.data();
        int rank = a.dim();

        int foldedLd = la.trans ? -1 : rowStrideOverBatch(a);
        if (batches > 1 && allZero(b.strides, rank - 2) && foldedLd >= 0) {
            gemm(false, lb.trans, batches * m, n, k, 1f, ad, a.offset, foldedLd, bd, b.offset, lb.ld, 0f, cd, 0, n);
            return;
        }
        int[] aOff = batchOffsets(a, batches);
        int[] bOff = batchOffsets(b, batches);
        int mn = m * n;
        if ((long) m * n * k < SMALL_GEMM) {
            Parallel.forRange(batches, (from, to) -> {
                for (int i = from; i < to; i++) {
                    gemm(la.trans, lb.trans, m, n, k, 1f, ad, aOff[i], la.ld, bd, bOff[i], lb.ld, 0f, cd, i * mn, n);
                }
            });
        } else {
            for (int i = 0; i < batches; i++) {
                gemm(la.trans, lb.trans, m, n, k, 1f, ad, aOff[i], la.ld, bd, bOff[i], lb.ld, 0f, cd, i * mn, n);
            }
        }
    }

    /**
     * The stride between consecutive rows when all batch dims and the row dim of x merge into one dim of
     * rows ({@code [B..., M, K] -> [B*M, K]} as a view), or -1 when they do not.
     */
    private static int rowStrideOverBatch(Tensor x) {
        int r = x.dim();
        int cols = x.shape[r - 1];
        int stride = -1;   // stride of the merged dim so far (unset while only size-1 dims were seen)
        long span = 1;     // number of rows merged so far
        for (int d = r - 2; d >= 0; d--) {
            if (x.shape[d] == 1) {
                continue;
            }
            if (stride < 0) {
                stride = x.strides[d];
            } else if (x.strides[d] != stride * span) {
                return -1;
            }
            span *= x.shape[d];
        }
        if (stride < 0) {
            return Math.max(cols, 1);
        }
        return stride >= Math.max(cols, 1) ? stride : -1;
    }

    private static boolean allZero(int[] strides, int count) {
        for (int d = 0; d < count; d++) {
            if (strides[d] != 0) {
                return false;
            }
        }
        return true;
    }

    /** Storage offset of each batch's matrix, batches in row-major order of the batch dims. */
    private static int[] batchOffsets(Tensor x, int batches) {
        int nb = x.dim() - 2;
        int[] offsets = new int[batches];
        int[] pos = new int[nb];
        int off = x.offset;
        for (int i = 0; i < batches; i++) {
            offsets[i] = off;
            for (int d = nb - 1; d >= 0; d--) {
                if (++pos[d] < x.shape[d]) {
                    off += x.strides[d];
                    break;
                }
                off -= (x.shape[d] - 1) * x.strides[d];
                pos[d] = 0;
            }
        }
        return offsets;
    }

    /** The one entry point to the GEMM kernel. */
    private static void gemm(boolean transA, boolean transB, int m, int n, int k, float alpha, float[] a, int aOff,
            int lda, float[] b, int bOff, int ldb, float beta, float[] c, int cOff, int ldc) {
        Gemm.sgemm(transA, transB, m, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc);
    }
}
