package dev.sfumato.tensor.kernels;

import static dev.sfumato.tensor.kernels.Gemm.NR;
import static dev.sfumato.tensor.kernels.Kernels.F;
import static dev.sfumato.tensor.kernels.Kernels.LANES;

import jdk.incubator.vector.FloatVector;

/**
 * A matrix product whose A rows are addressed through a row table and never packed:
 * <pre>
 * C[i, j] = Σ_p a[aRow[i] + p] · b[bOff + p·ldb + j] + beta·C[i, j]        i < M, j < N, p < K
 * </pre>
 * Row i of A is a unit-stride run starting at {@code aRow[i]}; the runs may overlap. B is an ordinary
 * row-major K×N matrix with row stride {@code ldb}. {@link GatherGemmReference} is its specification.
 *
 * <p>Why: the weight gradient of a convolution over a zero-padded image is exactly this product. With the
 * image padded once (and split into its phases when the stride is above 1), the im2col row of kernel tap
 * (c, p, q) is one contiguous run of it (see {@code dev.sfumato.nn.kernels.ShiftedWindows}), so a table of
 * run starts replaces the column matrix.
 * The BLIS-style {@link Gemm} has to pack such an operand first (here a transpose, since the runs are the
 * rows of C), and with the small M and N of a U-Net layer (32-256 channels) the packing costs a large share
 * of the product: each packed float is reused only N/16 times.
 *
 * <p>Trick: the micro-kernel of {@link Gemm} (a 4×16 tile of C in eight vector registers, eight FMAs per
 * step of p), fed straight from the operands: per step it loads two vectors of B from row p and broadcasts
 * one float from each of four A runs. B is read in place when it is already one dense 16-column sliver
 * ({@code ldb == 16}, the layout a convolution gives it); any other B is first copied, one K block and 16
 * columns at a time, into such a sliver. K is cut into blocks no longer than {@link Gemm#KC}, fixed by K
 * alone. The result is the same on any number of threads because the kernel is single-threaded: callers
 * parallelise over independent products (a convolution's samples). B used to be addressed through a row
 * table as well; the convolution never needed it, and the table load in every step of p cost 20-30% of the
 * kernel's speed (28×28 weight-gradient shapes, one thread).
 *
 * <p>Edges: a tile past row M repeats row M − 1 and drops it; a tile past column N reads, and drops, up to
 * 15 floats after the end of a B row, so {@code b} must hold {@code roundUp(N, 16)} floats from the start of
 * its last row (checked).
 */
public final class GatherGemm {

    private GatherGemm() {}

    /** Rows of the register tile: four A runs per step (the kernel below is written for four). */
    private static final int MR = 4;
    private static final Scratch TILE = new Scratch();
    /** Dense copy of a block of B for callers whose B is not already one 16-column sliver. */
    private static final Scratch SLIVER = new Scratch();

    /** Columns a tile reads from each row of B: N rounded up to the tile width. */
    public static int paddedColumns(int n) {
        return Gemm.roundUp(n, NR);
    }

    /**
     * C[i, j] = Σ_p a[aRow[i] + p]·b[bOff + p·ldb + j] + beta·C[i, j] for i < m, j < n, with C row-major at
     * {@code c[cOff + i·ldc + j]}; beta == 0 overwrites C. Runs on the calling thread. The one-segment case of
     * {@link #sgemm(int, int, int, int, float[], int[], int, float[], int, int, float, float[], int, int)}.
     *
     * @throws IllegalArgumentException when a size is negative, the table is shorter than m, ldb is smaller
     *     than n, or a row would read outside its array (for B, {@code roundUp(n, 16)} floats from the start
     *     of its last row)
     */
    public static void sgemm(int m, int n, int k, float[] a, int[] aRow, float[] b, int bOff, int ldb, float beta,
                             float[] c, int cOff, int ldc) {
        sgemm(m, n, 1, k, a, aRow, 0, b, bOff, ldb, beta, c, cOff, ldc);
    }

    /**
     * The product over K = segments·len, where A row i is a different run in each segment:
     * <pre>
     * C[i, j] = Σ_s Σ_{p < len} a[aRow[i] + s·aStride + p]·b[bOff + (s·len + p)·ldb + j] + beta·C[i, j]
     * </pre>
     * A convolution's weight gradient over a whole batch is this product: segment s is sample s, whose padded
     * image sits aStride floats after the previous one, and B is dY transposed, the samples one after another.
     * The accumulators stay in registers across segments, so a small image (K = 63 per sample at 7×7) no longer
     * costs a C update per sample. K is cut into blocks fixed by K alone, independent of the segments.
     *
     * @throws IllegalArgumentException as the one-segment form, with every segment's runs checked
     */
    public static void sgemm(int m, int n, int segments, int len, float[] a, int[] aRow, int aStride, float[] b,
                             int bOff, int ldb, float beta, float[] c, int cOff, int ldc) {
        check(m, n, segments, len, a, aRow, aStride, b, bOff, ldb, c, cOff, ldc);
        if (Kernels.REFERENCE_ONLY) {
            GatherGemmReference.sgemm(m, n, segments, len, a, aRow, aStride, b, bOff, ldb, beta, c, cOff, ldc);
            return;
        }
        if (m == 0 || n == 0) {
            return;
        }
        int k = segments * len;
        if (k == 0) {
            for (int i = 0; i < m; i++) {
                for (int j = 0; j < n; j++) {
                    int ci = cOff + i * ldc + j;
                    c[ci] = beta == 0f ? 0f : beta * c[ci];
                }
            }
            return;
        }
        float[] tile = TILE.floats(MR * NR);
        int kBlocks = Gemm.ceilDiv(k, Gemm.KC);
        int kc = Gemm.ceilDiv(k, kBlocks);
        // B already in the kernel's layout (one 16-column sliver, rows NR apart, as a convolution passes dY^T) is
        // read in place; any other B is copied block by block into a dense sliver first.
        boolean dense = ldb == NR;
        float[] sliver = dense ? null : SLIVER.floats(kc * NR);
        for (int pc = 0; pc < k; pc += kc) {
            int kcb = Math.min(kc, k - pc);
            // beta applies once, on the first K block; later blocks accumulate into C.
            float betaNow = pc == 0 ? beta : 1f;
            for (int jr = 0; jr < n; jr += NR) {
                int nr = Math.min(NR, n - jr);
                float[] bs = b;
                int bsOff = bOff + pc * NR;  // dense: n <= ldb = 16, so jr is 0
                if (!dense) {
                    packSliver(b, bOff + pc * ldb + jr, ldb, kcb, nr, sliver);
                    bs = sliver;
                    bsOff = 0;
                }
                for (int ir = 0; ir < m; ir += MR) {
                    int mr = Math.min(MR, m - ir);
                    int r0 = aRow[ir];
                    int r1 = aRow[ir + Math.min(1, mr - 1)];
                    int r2 = aRow[ir + Math.min(2, mr - 1)];
                    int r3 = aRow[ir + Math.min(3, mr - 1)];
                    tile(pc, kcb, len, aStride, a, r0, r1, r2, r3, bs, bsOff, tile);
                    Gemm.updateC(tile, mr, nr, 1f, betaNow, c, cOff + ir * ldc + jr, ldc);
                }
            }
        }
    }

    /**
     * Copies B[0:kcb, 0:nr] (row stride ldb, from {@code off}) into the dense kcb×16 sliver {@code out}, rows 16
     * floats apart, columns past nr zero.
     */
    private static void packSliver(float[] b, int off, int ldb, int kcb, int nr, float[] out) {
        for (int p = 0; p < kcb; p++) {
            System.arraycopy(b, off + p * ldb, out, p * NR, nr);
            java.util.Arrays.fill(out, p * NR + nr, (p + 1) * NR, 0f);
        }
    }

    /**
     * T = the 4×16 tile of the K block [pc, pc + kcb) for the four A rows r_0..r_3, B being the block's dense
     * sliver (row p of the block at {@code b[bi + p·16]}): the block is walked as runs that stay inside one
     * segment, and the tile carries the sums from one run to the next.
     */
    private static void tile(int pc, int kcb, int len, int aStride, float[] a, int r0, int r1, int r2, int r3,
                             float[] b, int bi, float[] t) {
        int seg = pc / len;
        int off = pc % len;
        for (int done = 0; done < kcb; seg++, off = 0) {
            int run = Math.min(len - off, kcb - done);
            int sa = seg * aStride + off;
            runKernel(run, a, r0 + sa, r1 + sa, r2 + sa, r3 + sa, b, bi + done * NR, t, done == 0);
            done += run;
        }
    }

    /**
     * T (+)= Σ_{p < run} a[a_i + p]·b[bi + p·16 + j] for the four rows i and 16 columns j: T starts from zero
     * when {@code first}, else from its stored sums, which continue in the same order, so splitting K into
     * runs changes no bits. The micro-kernel of {@link Gemm}: two vectors of B, four broadcasts of A and eight
     * FMAs per step of p, the accumulators in eight registers. It is a method of its own, with the B stride a
     * constant, because inlined into the walk over segments its loop kept a range check per load and reloaded
     * its indices from the stack: that form took 1.09-1.29× as long on a convolution's weight-gradient shapes.
     */
    private static void runKernel(int run, float[] a, int a0i, int a1i, int a2i, int a3i, float[] b, int bi,
                                  float[] t, boolean first) {
        FloatVector c00 = first ? FloatVector.zero(F) : FloatVector.fromArray(F, t, 0);
        FloatVector c01 = first ? FloatVector.zero(F) : FloatVector.fromArray(F, t, LANES);
        FloatVector c10 = first ? FloatVector.zero(F) : FloatVector.fromArray(F, t, NR);
        FloatVector c11 = first ? FloatVector.zero(F) : FloatVector.fromArray(F, t, NR + LANES);
        FloatVector c20 = first ? FloatVector.zero(F) : FloatVector.fromArray(F, t, 2 * NR);
        FloatVector c21 = first ? FloatVector.zero(F) : FloatVector.fromArray(F, t, 2 * NR + LANES);
        FloatVector c30 = first ? FloatVector.zero(F) : FloatVector.fromArray(F, t, 3 * NR);
        FloatVector c31 = first ? FloatVector.zero(F) : FloatVector.fromArray(F, t, 3 * NR + LANES);
        for (int p = 0; p < run; p++) {
            int bp = bi + p * NR;
            FloatVector b0 = FloatVector.fromArray(F, b, bp);
            FloatVector b1 = FloatVector.fromArray(F, b, bp + LANES);
            FloatVector a0 = FloatVector.broadcast(F, a[a0i + p]);
            c00 = a0.fma(b0, c00);
            c01 = a0.fma(b1, c01);
            FloatVector a1 = FloatVector.broadcast(F, a[a1i + p]);
            c10 = a1.fma(b0, c10);
            c11 = a1.fma(b1, c11);
            FloatVector a2 = FloatVector.broadcast(F, a[a2i + p]);
            c20 = a2.fma(b0, c20);
            c21 = a2.fma(b1, c21);
            FloatVector a3 = FloatVector.broadcast(F, a[a3i + p]);
            c30 = a3.fma(b0, c30);
            c31 = a3.fma(b1, c31);
        }
        c00.intoArray(t, 0);
        c01.intoArray(t, LANES);
        c10.intoArray(t, NR);
        c11.intoArray(t, NR + LANES);
        c20.intoArray(t, 2 * NR);
        c21.intoArray(t, 2 * NR + LANES);
        c30.intoArray(t, 3 * NR);
        c31.intoArray(t, 3 * NR + LANES);
    }

    static void check(int m, int n, int segments, int len, float[] a, int[] aRow, int aStride, float[] b, int bOff,
                      int ldb, float[] c, int cOff, int ldc) {
        if (m < 0 || n < 0 || segments < 0 || len < 0) {
            throw new IllegalArgumentException("GatherGemm: sizes must be >= 0, got m=" + m + " n=" + n + " segments="
                    + segments + " len=" + len);
        }
        if (segments > 1 && aStride < 0) {
            throw new IllegalArgumentException("GatherGemm: the segment stride of A must be >= 0, got " + aStride);
        }
        if (aRow.length < m) {
            throw new IllegalArgumentException("GatherGemm: the row table of A holds " + aRow.length
                    + " starts, need m=" + m);
        }
        if (ldb < n || bOff < 0) {
            throw new IllegalArgumentException("GatherGemm: B needs ldb >= n and bOff >= 0, got ldb=" + ldb + " n=" + n
                    + " bOff=" + bOff);
        }
        if (m == 0 || n == 0) {
            return;
        }
        long k = (long) segments * len;
        if (k > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("GatherGemm: K = segments·len = " + k + " does not fit in an int");
        }
        long lastSegment = segments == 0 ? 0 : (long) (segments - 1) * aStride;
        for (int i = 0; i < m; i++) {
            if (aRow[i] < 0 || (k > 0 && aRow[i] + lastSegment + len > a.length)) {
                throw new IllegalArgumentException("GatherGemm: row " + i + " of A starts at " + aRow[i]
                        + (segments > 1 ? " (segment " + (segments - 1) + " at +" + lastSegment + ")" : "")
                        + " and needs k=" + len + " floats, but a has " + a.length);
            }
        }
        if (k > 0) {
            long last = bOff + (k - 1) * ldb;
            long need = paddedColumns(n);
            if (last + need > b.length) {
                throw new IllegalArgumentException("GatherGemm: row " + (k - 1) + " of B starts at " + last
                        + " and tiles read " + need + " floats (n=" + n + " rounded up to 16), but b has " + b.length);
            }
        }
        if (cOff < 0 || ldc < n || (long) cOff + (long) (m - 1) * ldc + n > c.length) {
            throw new IllegalArgumentException("GatherGemm: C of " + m + "x" + n + " at offset " + cOff + " with ldc="
                    + ldc + " does not fit in c of length " + c.length);
        }
    }
}
