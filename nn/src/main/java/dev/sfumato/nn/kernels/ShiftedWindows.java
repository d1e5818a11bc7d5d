package dev.sfumato.nn.kernels;

import dev.sfumato.tensor.kernels.GatherGemm;
import dev.sfumato.tensor.kernels.Gemm;
import dev.sfumato.tensor.kernels.Kernels;
import dev.sfumato.tensor.kernels.Scratch;
import dev.sfumato.tensor.kernels.Transpose;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;

/**
 * Convolution as a matrix product over shifted windows of a zero-padded input, so that the column matrix is
 * never built: the forward GEMM packs its panels with vector copies from the input, and the weight gradient
 * reads the windows in place through {@link GatherGemm}.
 *
 * <p>Trick, stride 1: copy one sample's channels into a zero-padded buffer {@code xp [C_in/G, H_p, W_p]}
 * ({@code H_p = H + 2·pad_h}, {@code W_p = W + 2·pad_w}) and index output pixels on the padded width: output
 * column {@code i·W_p + j}. Kernel tap {@code (c, p, q)} then reads {@code xp} at
 * {@code base(c, p, q) + i·W_p + j} with {@code base = c·H_p·W_p + p·d_h·W_p + q·d_w}: row r of the
 * "wide" column matrix {@code col' [C_in/G·kH·kW, H_out·W_p]} is one contiguous run of {@code xp}. Each
 * output row gets {@code W_p − W_out} extra columns that read across the row edge; the forward pass
 * computes and drops them, and the weight gradient multiplies them by zeros. This is the shifted-window
 * form of im2col (as in the "implicit GEMM" convolutions of cuDNN; Chetlur et al. 2014, section 4), at the
 * cost of (W_p / W_out − 1) extra columns: 7% at 28×28, 14% at 14×14, 29% at 7×7 for a 3×3 kernel.
 *
 * <p>Stride s > 1: the padded input is first split into its s_h·s_w phases (the polyphase or
 * space-to-depth decomposition), {@code P[c, u, v][m, n] = xpad[c, s_h·m + u, s_w·n + v]}, each
 * {@code H_q × W_q} with {@code H_q = ⌈H_p / s_h⌉}, {@code W_q = ⌈W_p / s_w⌉}. Output pixel (i, j) of tap
 * (c, p, q) reads padded row {@code s_h·i + p·d_h = s_h·(i + a) + u} with {@code a = ⌊p·d_h / s_h⌋},
 * {@code u = p·d_h mod s_h} (columns alike), so it reads phase (u, v) at {@code (i + a, j + b)}: again one
 * contiguous run per tap, over output columns {@code i·W_q + j}, and the stride-1 machinery applies
 * unchanged. With s = 1 there is one phase and the two descriptions coincide.
 *
 * <p>Exact columns, for small images: interleave the padded images of a block of {@link #BLOCK} samples (one
 * per vector lane, {@code xi[t·BLOCK + s] = xp_s[t]}). A window's run over output row i is then
 * {@code W_out·BLOCK} contiguous floats, whole vectors, and the forward's panels hold only real output pixels
 * ({@link #interleavedColumns}); 8×8 transposes in registers move the samples into and out of the lanes.
 */
final class ShiftedWindows {

    private static final Scratch PADDED = new Scratch();
    private static final Scratch WIDE = new Scratch();

    final ConvGeometry g;
    /** Height and width of one phase of the padded input (the padded height and width when the stride is 1). */
    final int hq;
    final int wq;
    /** Columns of the wide matrices: H_out·W_q. */
    final int wide;

    /** base(r) for every row r of the wide column matrix: the forward's panel rows, GatherGemm's row table. */
    final int[] windowStarts;

    ShiftedWindows(ConvGeometry g) {
        this.g = g;
        this.hq = Math.ceilDiv(g.h() + 2 * g.padH(), g.strideH());
        this.wq = Math.ceilDiv(g.w() + 2 * g.padW(), g.strideW());
        this.wide = g.hOut() * wq;
        this.windowStarts = new int[g.colRows()];
        for (int r = 0; r < windowStarts.length; r++) {
            windowStarts[r] = base(r);
        }
    }

    /**
     * Floats of one sample's padded image: the planes [C_in/G, s_h, s_w, H_q, W_q] and the
     * ⌊(kW − 1)·d_w / s_w⌋ zeros that the last window of the last phase reads past its plane.
     */
    int paddedSize() {
        return g.cInG() * g.strideH() * g.strideW() * hq * wq + (g.kW() - 1) * g.dilW() / g.strideW();
    }

    /**
     * xp: channels {@code [c0, c0 + C_in/G)} of the sample at {@code x[xOff]} ([C_in, H, W]) copied into a
     * per-thread zero-padded buffer of {@link #paddedSize} floats.
     */
    float[] padded(float[] x, int xOff, int c0) {
        float[] xp = PADDED.floats(paddedSize());
        padInto(x, xOff, c0, xp, 0);
        return xp;
    }

    /**
     * Writes the padded image of channels {@code [c0, c0 + C_in/G)} of the sample at {@code x[xOff]} into
     * {@code xp[dst, dst + paddedSize())}: zeros, then the pixels, each at padded row and column (i + pad_h,
     * j + pad_w), in its phase when the stride is above 1.
     */
    void padInto(float[] x, int xOff, int c0, float[] xp, int dst0) {
        padInto(x, xOff, c0, xp, dst0, !Kernels.REFERENCE_ONLY);
    }

    /** {@link #padInto}, with the stride-2 rows split by vector shuffles or, without {@code vectors}, one by one. */
    void padInto(float[] x, int xOff, int c0, float[] xp, int dst0, boolean vectors) {
        int h = g.h();
        int w = g.w();
        int sh = g.strideH();
        int sw = g.strideW();
        int plane = hq * wq;
        if (sh == 1 && sw == 1) {
            // Each float written once: the pixels, and zeros only where the padding is (the top rows, the gap
            // between one row's last pixel and the next row's first, the bottom rows, the tail).
            for (int c = 0; c < g.cInG(); c++) {
                int src = xOff + (c0 + c) * h * w;
                int planeStart = dst0 + c * plane;
                int written = planeStart;                                // xp is set up to here
                int dst = planeStart + g.padH() * wq + g.padW();
                for (int i = 0; i < h; i++, src += w, dst += wq) {
                    java.util.Arrays.fill(xp, written, dst, 0f);
                    System.arraycopy(x, src, xp, dst, w);
                    written = dst + w;
                }
                java.util.Arrays.fill(xp, written, planeStart + plane, 0f);
            }
            java.util.Arrays.fill(xp, dst0 + g.cInG() * plane, dst0 + paddedSize(), 0f);
            return;
        }
        java.util.Arrays.fill(xp, dst0, dst0 + paddedSize(), 0f);
        boolean vectorPairs = vectors && sw == 2 && w >= 8;
        for (int c = 0; c < g.cInG(); c++) {
            int src = xOff + (c0 + c) * h * w;
            for (int i = 0; i < h; i++, src += w) {
                int row = i + g.padH();                                   // padded row = sh·m + u
                int rowBase = dst0 + (c * sh + row % sh) * sw * plane + (row / sh) * wq;
                if (vectorPairs) {
                    // Column j goes to phase v = (j + pad_w) mod 2 at n = (j + pad_w) / 2: the even columns to
                    // one phase and the odd ones to the other, each at consecutive n.
                    int evenDst = rowBase + (g.padW() % 2) * plane + g.padW() / 2;
                    int oddDst = rowBase + ((1 + g.padW()) % 2) * plane + (1 + g.padW()) / 2;
                    deinterleave(x, src, w, xp, evenDst, oddDst);
                    continue;
                }
                for (int v = 0; v < sw; v++) {
                    // Input columns j with padded column j + pad_w = sw·n + v, n rising by one per step.
                    int j = Math.floorMod(v - g.padW(), sw);
                    for (int d = rowBase + v * plane + (j + g.padW()) / sw; j < w; j += sw, d++) {
                        xp[d] = x[src + j];
                    }
                }
            }
        }
    }

    private static final int LANES = Kernels.F.length();
    /** Lane i takes lane 2i (2i + 1) of the pair of vectors (a, b): indexes past a's lanes select from b. */
    private static final VectorShuffle<Float> EVEN_LANES = VectorShuffle.fromOp(Kernels.F, i -> 2 * i);
    private static final VectorShuffle<Float> ODD_LANES = VectorShuffle.fromOp(Kernels.F, i -> 2 * i + 1);
    /** The same with four lanes, for rows of 8 to 2·LANES − 1 floats (14×14 on AVX2). */
    private static final VectorSpecies<Float> F4 = FloatVector.SPECIES_128;
    private static final VectorShuffle<Float> EVEN_LANES_4 = VectorShuffle.fromOp(F4, i -> 2 * i);
    private static final VectorShuffle<Float> ODD_LANES_4 = VectorShuffle.fromOp(F4, i -> 2 * i + 1);

    /**
     * {@code out[evenDst + k] = x[src + 2k]} and {@code out[oddDst + k] = x[src + 2k + 1]} for the {@code w >= 8}
     * floats of one input row: two vectors at a time, split by two-vector shuffles, and a last block that overlaps
     * the one before it (it rewrites some of the same values) instead of a scalar tail. Measured in one JVM over
     * 64 samples, 1 thread, against the scalar loop it replaces (the general stride above, kept as the twin):
     * 3.8× faster at 32 channels 28×28, where that loop had been half of the stride-2 forward's time, and 2.1×
     * at 64 channels 14×14 (a third of it).
     */
    private static void deinterleave(float[] x, int src, int w, float[] out, int evenDst, int oddDst) {
        if (w >= 2 * LANES) {
            int last = (w - 2 * LANES) & ~1;                               // even, so lane 0 stays an even column
            for (int j = 0; ; j += 2 * LANES) {
                j = Math.min(j, last);
                FloatVector a = FloatVector.fromArray(Kernels.F, x, src + j);
                FloatVector b = FloatVector.fromArray(Kernels.F, x, src + j + LANES);
                a.rearrange(EVEN_LANES, b).intoArray(out, evenDst + j / 2);
                a.rearrange(ODD_LANES, b).intoArray(out, oddDst + j / 2);
                if (j == last) {
                    break;
                }
            }
        } else {
            int last = (w - 8) & ~1;
            for (int j = 0; ; j += 8) {
                j = Math.min(j, last);
                FloatVector a = FloatVector.fromArray(F4, x, src + j);
                FloatVector b = FloatVector.fromArray(F4, x, src + j + 4);
                a.rearrange(EVEN_LANES_4, b).intoArray(out, evenDst + j / 2);
                a.rearrange(ODD_LANES_4, b).intoArray(out, oddDst + j / 2);
                if (j == last) {
                    break;
                }
            }
        }
        if (w % 2 == 1) {                                                  // an odd row's last column is even
            out[evenDst + w / 2] = x[src + w - 1];
        }
    }

    /** A per-thread buffer for a wide matrix of {@code rows} rows. */
    float[] wideBuffer(int rows) {
        return WIDE.floats(rows * wide);
    }

    /** Start in xp of row r = (c·kH + p)·kW + q of the wide column matrix: phase (u, v) at row a, column b. */
    int base(int r) {
        int taps = g.kH() * g.kW();
        int c = r / taps;
        int rowOff = ((r % taps) / g.kW()) * g.dilH();   // p·d_h = s_h·a + u
        int colOff = (r % g.kW()) * g.dilW();            // q·d_w = s_w·b + v
        int phase = (c * g.strideH() + rowOff % g.strideH()) * g.strideW() + colOff % g.strideW();
        return phase * hq * wq + (rowOff / g.strideH()) * wq + colOff / g.strideW();
    }

    /** Panels of col' [rows, wide] (op(B) of the forward GEMM): each panel row is a vector copy of xp. */
    Gemm.PanelB columns(float[] xp) {
        return (pc, kc, jc, nc, pb) -> {
            for (int p = 0; p < kc; p++) {
                Gemm.packPanelRow(xp, windowStarts[pc + p] + jc, p, kc, nc, pb);
            }
        };
    }

    /** Samples per block of the interleaved layout: one per vector lane. */
    static final int BLOCK = Interleave.BLOCK;

    /** Floats of a block's interleaved padded images: {@link #paddedSize} positions of {@link #BLOCK} floats. */
    int interleavedSize() {
        return paddedSize() * BLOCK;
    }

    /**
     * Writes the padded images of {@code count <= BLOCK} samples from {@code x[xOff]} (channels {@code [c0, c0 +
     * C_in/G)} of each, samples {@code inSample} floats apart) into {@code xi} interleaved:
     * {@code xi[t·BLOCK + s] = xp_s[t]} for every position t of sample s's padded image {@code xp_s} (as
     * {@link #padInto} writes it), zero in the lanes past {@code count}.
     */
    void padInterleaved(float[] x, int xOff, int inSample, int count, int c0, float[] xi) {
        padInterleaved(x, xOff, inSample, count, c0, xi, !Kernels.REFERENCE_ONLY);
    }

    /**
     * {@link #padInterleaved}, with 8×8 blocks transposed in vector registers or, without {@code vectors}, one
     * float at a time.
     */
    void padInterleaved(float[] x, int xOff, int inSample, int count, int c0, float[] xi, boolean vectors) {
        int size = paddedSize();
        if (g.strideH() == 1 && g.strideW() == 1) {
            // Stride 1: the pixels straight to their lanes, a channel at a time (its H_p·W_p·BLOCK floats stay
            // in cache while the samples are written into it), and zeros only where the padding is.
            int h = g.h();
            int w = g.w();
            for (int c = 0; c < g.cInG(); c++) {
                int plane = (c * hq + g.padH()) * wq + g.padW();
                int written = c * hq * wq * BLOCK;                         // xi is set up to here
                for (int i = 0; i < h; i++) {
                    int d = (plane + i * wq) * BLOCK;
                    java.util.Arrays.fill(xi, written, d, 0f);
                    written = d + w * BLOCK;
                }
                java.util.Arrays.fill(xi, written, (c + 1) * hq * wq * BLOCK, 0f);
                int src = xOff + (c0 + c) * h * w;
                for (int i = 0; i < h; i++, src += w) {
                    Interleave.row(x, src, inSample, count, w, xi, (plane + i * wq) * BLOCK, vectors);
                }
            }
            java.util.Arrays.fill(xi, g.cInG() * hq * wq * BLOCK, size * BLOCK, 0f);
            return;
        }
        // Stride above 1: each sample padded and split into its phases in a staging buffer, then interleaved.
        float[] staging = STAGING.floats(interleavedSize());
        for (int s = 0; s < BLOCK; s++) {
            if (s < count) {
                padInto(x, xOff + s * inSample, c0, staging, s * size, vectors);
            } else {
                java.util.Arrays.fill(staging, s * size, (s + 1) * size, 0f);
            }
        }
        // The staging buffer holds all BLOCK samples (zeros past count): one "row" of size positions.
        Interleave.row(staging, 0, size, BLOCK, size, xi, 0, vectors);
    }

    /**
     * Panels of the column matrix of a block of {@link #BLOCK} samples with exactly one column per output pixel
     * and sample, {@code col [rows, H_out·W_out·BLOCK]}, read from the interleaved padded images {@code xi}
     * ({@link #padInterleaved}): column {@code (i·W_out + j)·BLOCK + s} is output pixel (i, j) of sample s, and
     * row r of it is, per output row i, the {@code W_out·BLOCK} contiguous floats of {@code xi} from
     * {@code (base(r) + i·W_q)·BLOCK}. So each panel row is assembled from whole vectors, one per pixel, with
     * none of the wide form's extra columns.
     *
     * <p>Why: one sample per product, the wide form computes {@code W_q / W_out − 1} extra columns (7% at
     * 28×28, 14% at 14×14, 29% at 7×7 for a 3×3 kernel). Interleaving the samples of a block makes every run of
     * the image a multiple of the vector length, so dropping the extra columns costs no masked or partial copy
     * (copying runs of 7 or 14 floats into the panel, or gathering them, cost more than it saved at 14×14 and
     * 28×28; measured in one JVM). A batch-blocked layout like this one is how oneDNN's direct convolutions
     * fill their vectors, with channels rather than samples in the lanes.
     */
    Gemm.PanelB interleavedColumns(float[] xi, int firstColumn) {
        int[] chunk = chunkStarts();
        int nr = Gemm.panelWidth();
        int wOut = g.wOut();
        boolean evenRows = wOut % 2 == 0 && nr == 2 * BLOCK;
        int rowGap = (wq - wOut) * BLOCK;
        return (pc, kc, jc, nc, pb) -> {
            // jc and nc are multiples of BLOCK (the panels are cut at multiples of 16, the columns end at one).
            int u0 = (firstColumn + jc) / BLOCK;
            int pairs = nc / nr;
            int sliver = nr * kc;
            for (int p = 0; p < kc; p++) {
                int start = windowStarts[pc + p] * BLOCK;
                int d = p * nr;
                int u = u0;
                if (evenRows) {
                    // Both pixels of a sliver lie in one output row: 16 contiguous floats, the next sliver's
                    // right after them until the row ends.
                    int j = u0 % wOut;
                    int src = start + chunk[u0];
                    for (int sl = 0; sl < pairs; sl++, d += sliver) {
                        FloatVector.fromArray(Kernels.F, xi, src).intoArray(pb, d);
                        FloatVector.fromArray(Kernels.F, xi, src + BLOCK).intoArray(pb, d + BLOCK);
                        src += 2 * BLOCK;
                        j += 2;
                        if (j == wOut) {
                            j = 0;
                            src += rowGap;
                        }
                    }
                    u += 2 * pairs;
                } else {
                    for (int sl = 0; sl < pairs; sl++, u += 2, d += sliver) {
                        FloatVector.fromArray(Kernels.F, xi, start + chunk[u]).intoArray(pb, d);
                        FloatVector.fromArray(Kernels.F, xi, start + chunk[u + 1]).intoArray(pb, d + BLOCK);
                    }
                }
                if (nc % nr != 0) {
                    // The last sliver is half full: zeros in its upper lanes, as whole vectors (Arrays.fill of
                    // eight floats per panel row had been 1.8% of a 1-thread sampling step).
                    FloatVector.fromArray(Kernels.F, xi, start + chunk[u]).intoArray(pb, d);
                    for (int z = d + BLOCK; z < d + nr; z += BLOCK) {
                        FloatVector.zero(Kernels.F).intoArray(pb, z);
                    }
                }
            }
        };
    }

    private int[] chunkStarts;

    /** chunk[i·W_out + j] = (i·W_q + j)·BLOCK: where output pixel (i, j)'s vector starts, from a window's start. */
    private int[] chunkStarts() {
        if (chunkStarts == null) {
            int[] c = new int[g.hOut() * g.wOut()];
            for (int i = 0; i < g.hOut(); i++) {
                for (int j = 0; j < g.wOut(); j++) {
                    c[i * g.wOut() + j] = (i * wq + j) * BLOCK;
                }
            }
            chunkStarts = c;
        }
        return chunkStarts;
    }

    /** BLOCK·base(r) for every row r: the row table of the interleaved weight gradient's {@link GatherGemm}. */
    int[] interleavedStarts() {
        int[] starts = new int[windowStarts.length];
        for (int r = 0; r < starts.length; r++) {
            starts[r] = windowStarts[r] * BLOCK;
        }
        return starts;
    }

    /**
     * dYt of one block of the interleaved weight gradient in 16-column slivers: for the {@code count <= BLOCK}
     * samples from {@code dy[off]} ([rows, H_out·W_out] each, {@code C_out·H_out·W_out} floats apart),
     * {@code out[(sl·K + k·BLOCK + s)·16 + o mod 16] = dy[off + s·C_out·H_out·W_out + o·H_out·W_out + k]} with
     * {@code sl = ⌊o / 16⌋} and {@code K = H_out·W_out·BLOCK}; zero for lanes past {@code count} and channels past
     * {@code rows}. Each 16-float write is one cache line, as in {@link #gradientSlivers}.
     */
    void interleavedGradientSlivers(float[] dy, int off, int rows, int count, float[] out) {
        interleavedGradientSlivers(dy, off, rows, count, out, !Kernels.REFERENCE_ONLY);
    }

    /**
     * {@link #interleavedGradientSlivers}; with {@code vectors}, a full sliver of a full block goes through 8×8
     * register transposes (eight channels by eight pixels of one sample at a time), otherwise one float at a time.
     */
    void interleavedGradientSlivers(float[] dy, int off, int rows, int count, float[] out, boolean vectors) {
        int hw = g.hOut() * g.wOut();
        int nr = Gemm.panelWidth();
        int k = hw * BLOCK;
        int sampleStride = g.cOut() * hw;
        for (int sl = 0; sl * nr < rows; sl++) {
            int channels = Math.min(nr, rows - sl * nr);
            if (vectors && BLOCK == 8 && nr == 16 && channels == nr && count == BLOCK && hw >= 8) {
                for (int s = 0; s < BLOCK; s++) {
                    int src = off + s * sampleStride + sl * nr * hw;
                    int dst = (sl * k + s) * nr;
                    // out[(sl·K + (pix + c)·8 + s)·16 + oo] for pixels pix..pix+7 and channels oo: channels 0-7
                    // and 8-15 of the sliver, each an 8×8 block; the last block overlaps the one before it.
                    for (int pix = 0; ; pix += 8) {
                        pix = Math.min(pix, hw - 8);
                        Transpose.transpose8(dy, src + pix, hw, out, dst + pix * BLOCK * nr, BLOCK * nr, 8, false, 0f);
                        Transpose.transpose8(dy, src + 8 * hw + pix, hw, out, dst + pix * BLOCK * nr + 8,
                                BLOCK * nr, 8, false, 0f);
                        if (pix == hw - 8) {
                            break;
                        }
                    }
                }
                continue;
            }
            int dst = sl * k * nr;
            for (int pix = 0; pix < hw; pix++) {
                for (int s = 0; s < BLOCK; s++, dst += nr) {
                    if (s >= count) {
                        java.util.Arrays.fill(out, dst, dst + nr, 0f);
                        continue;
                    }
                    int src = off + s * sampleStride + sl * nr * hw + pix;
                    for (int oo = 0; oo < channels; oo++) {
                        out[dst + oo] = dy[src + oo * hw];
                    }
                    for (int oo = channels; oo < nr; oo++) {
                        out[dst + oo] = 0f;
                    }
                }
            }
        }
    }

    /**
     * y[((first + s)·C_out + c0 + o)·H_out·W_out + k] = yi[o·n + (k − k0)·BLOCK + s] (+ bias[c0 + o]) for the
     * {@code rows} output channels of a block's interleaved result {@code yi}: its columns
     * {@code [k0·BLOCK, k0·BLOCK + n)}, that is the pixels from k0, of the block's {@code count} samples. The bias
     * is added after the product, as in {@link #compact}, so the bits are those of the wide form.
     */
    void scatterInterleaved(float[] yi, int rows, int n, int k0, int count, float[] y, int first, int c0,
                            float[] bias) {
        scatterInterleaved(yi, rows, n, k0, count, y, first, c0, bias, !Kernels.REFERENCE_ONLY);
    }

    /** {@link #scatterInterleaved}, with 8×8 blocks transposed in vector registers or, without {@code vectors}, one float at a time. */
    void scatterInterleaved(float[] yi, int rows, int n, int k0, int count, float[] y, int first, int c0,
                            float[] bias, boolean vectors) {
        int hw = g.hOut() * g.wOut();
        Interleave.scatter(yi, n, rows, n / BLOCK, count, y, (first * g.cOut() + c0) * hw + k0, hw, g.cOut() * hw,
                bias, c0, vectors);
    }

    /** Per-thread buffers of the interleaved layout: staging (stride above 1), interleaved images, result. */
    private static final Scratch STAGING = new Scratch();
    private static final Scratch RESULT = new Scratch();

    float[] interleavedBuffer() {
        return PADDED.floats(interleavedSize());
    }

    float[] resultBuffer(int rows, int columns) {
        return RESULT.floats(rows * columns);
    }

    /**
     * One sample's segment of dYt, the B of the batched weight gradient, in 16-column slivers: dY_n
     * {@code [rows, H_out·W_out]} at {@code dy[off]} transposed to [wide, rows] with zero rows for the extra
     * columns, stored sliver by sliver so that the product reads each sliver as a dense [K, 16] block:
     * {@code out[(sl·k + k0 + i·W_q + j)·16 + o mod 16] = dy[off + (o·H_out + i)·W_out + j]}, sl = ⌊o / 16⌋,
     * where k is the block's K (the rows of dYt) and k0 this sample's first row in it. Channels past
     * {@code rows} in the last sliver are zero. (With a plain [K, rows] matrix the 64→64 14×14 weight gradient
     * took about twice as long; its rows are 256 bytes apart, so a K block of one 16-column sliver probably
     * fell into a quarter of L1's sets. Dense slivers are read as one stream.)
     */
    void gradientSlivers(float[] dy, int off, int rows, float[] out, int k, int k0) {
        int hOut = g.hOut();
        int wOut = g.wOut();
        int nr = Gemm.panelWidth();
        int hw = hOut * wOut;
        for (int sl = 0; sl * nr < rows; sl++) {
            int base = (sl * k + k0) * nr;
            int channels = Math.min(nr, rows - sl * nr);
            // Pixel by pixel: the sliver's channels read hw apart, one contiguous 64-byte write, zeros past the
            // last channel and in the extra columns. (Channel by channel, every write went to a different cache
            // line.)
            int src0 = off + sl * nr * hw;
            for (int i = 0; i < hOut; i++) {
                int dst = base + i * wq * nr;
                for (int j = 0; j < wOut; j++, dst += nr) {
                    int src = src0 + i * wOut + j;
                    for (int oo = 0; oo < channels; oo++) {
                        out[dst + oo] = dy[src + oo * hw];
                    }
                    for (int oo = channels; oo < nr; oo++) {
                        out[dst + oo] = 0f;
                    }
                }
                java.util.Arrays.fill(out, dst, base + (i + 1) * wq * nr, 0f);
            }
        }
    }

    /**
     * y[yOff + (o·H_out + i)·W_out + j] = yw[o·wide + i·W_q + j] (+ bias[b0 + o]) for the {@code rows} output
     * channels of the wide result {@code yw}: drops the extra columns. The bias is added after the product,
     * as before, so the bits do not change.
     *
     * <p>With a bias, rows are added and copied as whole vectors: the last vector of a row runs past W_out into
     * the start of the next row of y, which the next row's copy then overwrites; only the rows whose last
     * vector would leave this block of y (and so touch another task's output) go element by element. Output
     * rows are 7-28 floats, and the scalar loop cost 1.5× as much. Without a bias, System.arraycopy per row is
     * faster than the vectors (measured in one JVM; BENCHMARKS.md).
     */
    void compact(float[] yw, int rows, float[] y, int yOff, float[] bias, int b0) {
        int hOut = g.hOut();
        int wOut = g.wOut();
        int lanes = Kernels.F.length();
        int span = Math.ceilDiv(wOut, lanes) * lanes;                    // floats each vector row copy writes
        int end = yOff + rows * hOut * wOut;                             // end of this block of y
        for (int o = 0; o < rows; o++) {
            for (int i = 0; i < hOut; i++) {
                int src = o * wide + i * wq;
                int dst = yOff + (o * hOut + i) * wOut;
                if (bias == null) {
                    System.arraycopy(yw, src, y, dst, wOut);
                } else if (dst + span <= end && src + span <= yw.length) {
                    FloatVector b = FloatVector.broadcast(Kernels.F, bias[b0 + o]);
                    for (int j = 0; j < span; j += lanes) {
                        FloatVector.fromArray(Kernels.F, yw, src + j).add(b).intoArray(y, dst + j);
                    }
                } else {
                    float b = bias[b0 + o];
                    for (int j = 0; j < wOut; j++) {
                        y[dst + j] = yw[src + j] + b;
                    }
                }
            }
        }
    }
}
