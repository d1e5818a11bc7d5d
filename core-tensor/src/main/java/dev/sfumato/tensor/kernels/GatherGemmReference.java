package dev.sfumato.tensor.kernels;

/** The specification of {@link GatherGemm}: the defining sum, one element at a time, accumulated in float. */
public final class GatherGemmReference {

    private GatherGemmReference() {}

    /** C[i, j] = Σ_p a[aRow[i] + p]·b[bOff + p·ldb + j] + beta·C[i, j]; beta == 0 overwrites C. */
    public static void sgemm(int m, int n, int k, float[] a, int[] aRow, float[] b, int bOff, int ldb, float beta,
                             float[] c, int cOff, int ldc) {
        sgemm(m, n, 1, k, a, aRow, 0, b, bOff, ldb, beta, c, cOff, ldc);
    }

    /**
     * C[i, j] = Σ_s Σ_{p < len} a[aRow[i] + s·aStride + p]·b[bOff + (s·len + p)·ldb + j] + beta·C[i, j];
     * beta == 0 overwrites C.
     */
    public static void sgemm(int m, int n, int segments, int len, float[] a, int[] aRow, int aStride, float[] b,
                             int bOff, int ldb, float beta, float[] c, int cOff, int ldc) {
        GatherGemm.check(m, n, segments, len, a, aRow, aStride, b, bOff, ldb, c, cOff, ldc);
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                float acc = 0f;
                for (int s = 0; s < segments; s++) {
                    for (int p = 0; p < len; p++) {
                        acc += a[aRow[i] + s * aStride + p] * b[bOff + (s * len + p) * ldb + j];
                    }
                }
                int ci = cOff + i * ldc + j;
                c[ci] = beta == 0f ? acc : acc + beta * c[ci];
            }
        }
    }
}
