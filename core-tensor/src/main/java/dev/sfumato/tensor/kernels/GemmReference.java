package dev.sfumato.tensor.kernels;

import java.util.Objects;

/**
 * Single-precision general matrix multiply as a plain triple loop: the specification that {@link Gemm} is
 * tested against.
 *
 * <p>{@code C = alpha·op(A)·op(B) + beta·C}, all matrices row-major. op(A) is M×K: A is stored M×K (row
 * stride {@code lda >= K}) when {@code !transA}, else K×M ({@code lda >= M}). op(B) is K×N: B is stored
 * K×N ({@code ldb >= N}) when {@code !transB}, else N×K ({@code ldb >= K}). C is M×N with row stride
 * {@code ldc >= N}. As in BLAS (reference: netlib {@code SGEMM}), {@code beta == 0} overwrites C, so NaN
 * already in C is ignored, and {@code alpha == 0} reads neither A nor B.
 */
public final class GemmReference {

    private GemmReference() {}

    /**
     * {@code C = alpha·op(A)·op(B) + beta·C}; each dot product is summed in float, in k order.
     * Same contract and argument checks as {@link Gemm#sgemm}.
     */
    public static void sgemm(boolean transA, boolean transB, int m, int n, int k, float alpha,
                             float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                             float beta, float[] c, int cOff, int ldc) {
        checkArguments(transA, transB, m, n, k, a, aOff, lda, b, bOff, ldb, c, cOff, ldc);
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                int ci = cOff + i * ldc + j;
                float old = beta == 0f ? 0f : beta * c[ci];
                if (alpha == 0f) {
                    c[ci] = old;
                    continue;
                }
                float sum = 0f;
                for (int p = 0; p < k; p++) {
                    float aip = transA ? a[aOff + p * lda + i] : a[aOff + i * lda + p];
                    float bpj = transB ? b[bOff + j * ldb + p] : b[bOff + p * ldb + j];
                    sum += aip * bpj;
                }
                c[ci] = alpha * sum + old;
            }
        }
    }

    /**
     * Throws {@link IllegalArgumentException} naming the offending value when sizes are negative, a
     * leading dimension is smaller than its row length, an offset is negative or an array is too short
     * for the matrix it holds. Shared by {@link Gemm} so both kernels accept exactly the same calls.
     */
    static void checkArguments(boolean transA, boolean transB, int m, int n, int k,
                               float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                               float[] c, int cOff, int ldc) {
        if (m < 0 || n < 0 || k < 0) {
            throw new IllegalArgumentException(
                    "sgemm: sizes must be >= 0, got m=" + m + ", n=" + n + ", k=" + k);
        }
        Objects.requireNonNull(a, "sgemm: a is null");
        Objects.requireNonNull(b, "sgemm: b is null");
        Objects.requireNonNull(c, "sgemm: c is null");
        // A is stored rowsA × colsA, B rowsB × colsB (before op), C m × n.
        int rowsA = transA ? k : m;
        int colsA = transA ? m : k;
        int rowsB = transB ? n : k;
        int colsB = transB ? k : n;
        checkMatrix("A", "lda", transA, transA ? "m" : "k", rowsA, colsA, a, aOff, lda);
        checkMatrix("B", "ldb", transB, transB ? "k" : "n", rowsB, colsB, b, bOff, ldb);
        checkMatrix("C", "ldc", false, "n", m, n, c, cOff, ldc);
    }

    private static void checkMatrix(String name, String ldName, boolean trans, String colsName,
                                    int rows, int cols, float[] x, int off, int ld) {
        String how = trans ? " (transposed)" : " (not transposed)";
        if (ld < cols) {
            throw new IllegalArgumentException(
                    "sgemm: " + ldName + "=" + ld + " < " + colsName + "=" + cols + " for " + name + how);
        }
        if (off < 0) {
            throw new IllegalArgumentException("sgemm: offset " + off + " < 0 for " + name);
        }
        if (rows == 0 || cols == 0) {
            return;
        }
        long needed = off + (long) (rows - 1) * ld + cols;
        if (needed > x.length) {
            throw new IllegalArgumentException(
                    "sgemm: " + name + how + " is " + rows + "x" + cols + " with " + ldName + "=" + ld
                            + " at offset " + off + ", needs length " + needed + " but has " + x.length);
        }
    }
}
