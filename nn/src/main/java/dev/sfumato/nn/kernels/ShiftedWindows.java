package dev.sfumato.nn.kernels;

import dev.sfumato.tensor.kernels.GatherGemm;
import dev.sfumato.tensor.kernels.Gemm;

/**
 * Convolution as a matrix product over shifted windows of a zero-padded input, so that the column matrix is
 * never built: the forward GEMM packs its panels with vector copies from the input, and the weight gradient
 * packs its transposed panels from it or, for large images, reads it in place through {@link GatherGemm}
 * (see {@code Conv2dKernels.GATHER_MIN_COLUMNS}).
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
 */
final class ShiftedWindows {

    /** Floats a GatherGemm tile may read past the end of a B row (N rounded up to the 16-wide tile). */
    private static final int SLACK = 16;

    private static final ThreadLocal<float[]> PADDED = ThreadLocal.withInitial(() -> new float[0]);
    private static final ThreadLocal<float[]> WIDE = ThreadLocal.withInitial(() -> new float[0]);

    final ConvGeometry g;
    /** Height and width of one phase of the padded input (the padded height and width when the stride is 1). */
    final int hq;
    final int wq;
    /** Columns of the wide matrices: H_out·W_q. */
    final int wide;

    /** base(r) for every row r of the wide column matrix: the row table of {@link GatherGemm}. */
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

    /** The per-thread buffer in {@code local}, grown to at least {@code size} floats (contents unspecified). */
    static float[] grow(ThreadLocal<float[]> local, int size) {
        float[] buf = local.get();
        if (buf.length < size) {
            buf = new float[size];
            local.set(buf);
        }
        return buf;
    }

    /**
     * xp: channels {@code [c0, c0 + C_in/G)} of the sample at {@code x[xOff]} ([C_in, H, W]) copied into a
     * per-thread zero-padded buffer [C_in/G, s_h, s_w, H_q, W_q] (phases; [C_in/G, H_p, W_p] for stride 1),
     * followed by the ⌊(kW − 1)·d_w / s_w⌋ zeros that the last window of the last phase reads past its
     * plane, and by the up to 15 floats that {@link GatherGemm} tiles read past the end of a row.
     */
    float[] padded(float[] x, int xOff, int c0) {
        int h = g.h();
        int w = g.w();
        int sh = g.strideH();
        int sw = g.strideW();
        int plane = hq * wq;
        int size = g.cInG() * sh * sw * plane + (g.kW() - 1) * g.dilW() / sw + SLACK;
        float[] xp = grow(PADDED, size);
        java.util.Arrays.fill(xp, 0, size, 0f);
        for (int c = 0; c < g.cInG(); c++) {
            int src = xOff + (c0 + c) * h * w;
            if (sh == 1 && sw == 1) {
                int dst = c * plane + g.padH() * wq + g.padW();
                for (int i = 0; i < h; i++, src += w, dst += wq) {
                    System.arraycopy(x, src, xp, dst, w);
                }
                continue;
            }
            for (int i = 0; i < h; i++, src += w) {
                int row = i + g.padH();                                   // padded row = sh·m + u
                int rowBase = (c * sh + row % sh) * sw * plane + (row / sh) * wq;
                for (int v = 0; v < sw; v++) {
                    // Input columns j with padded column j + pad_w = sw·n + v, n rising by one per step.
                    int j = Math.floorMod(v - g.padW(), sw);
                    for (int d = rowBase + v * plane + (j + g.padW()) / sw; j < w; j += sw, d++) {
                        xp[d] = x[src + j];
                    }
                }
            }
        }
        return xp;
    }

    /** A per-thread buffer for a wide matrix of {@code rows} rows. */
    float[] wideBuffer(int rows) {
        return grow(WIDE, rows * wide);
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

    /** Panels of col'ᵀ [wide, rows] (op(B) of the weight-gradient GEMM): NR windows of xp read side by side. */
    Gemm.PanelB transposedColumns(float[] xp) {
        int nr = Gemm.panelWidth();
        return (pc, kc, jc, nc, pb) -> {
            for (int jr = 0; jr < nc; jr += nr) {
                int cols = Math.min(nr, nc - jr);
                int d = jr * kc;
                for (int p = 0; p < kc; p++, d += nr) {
                    for (int j = 0; j < cols; j++) {
                        pb[d + j] = xp[windowStarts[jc + jr + j] + pc + p];
                    }
                    for (int j = cols; j < nr; j++) {
                        pb[d + j] = 0f;
                    }
                }
            }
        };
    }

    /** dY' [rows, wide]: {@code dy [rows, H_out·W_out]} at {@code dy[off]} with zeros in the extra columns. */
    float[] wideGradient(float[] dy, int off, int rows) {
        float[] out = wideBuffer(rows);
        int hOut = g.hOut();
        int wOut = g.wOut();
        for (int o = 0; o < rows; o++) {
            for (int i = 0; i < hOut; i++) {
                int dst = o * wide + i * wq;
                System.arraycopy(dy, off + (o * hOut + i) * wOut, out, dst, wOut);
                java.util.Arrays.fill(out, dst + wOut, dst + wq, 0f);
            }
        }
        return out;
    }

    /**
     * dYt [wide, rows]: the transpose of {@code dy [rows, H_out·W_out]} at {@code dy[off]}, with zero rows for
     * the extra columns, followed by slack for the tiles. Row p of it is B row p of the weight gradient.
     */
    float[] transposedWideGradient(float[] dy, int off, int rows) {
        float[] out = grow(WIDE, wide * rows + SLACK);
        int hOut = g.hOut();
        int wOut = g.wOut();
        java.util.Arrays.fill(out, 0, wide * rows + SLACK, 0f);
        for (int o = 0; o < rows; o++) {
            for (int i = 0; i < hOut; i++) {
                int src = off + (o * hOut + i) * wOut;
                int dst = i * wq * rows + o;
                for (int j = 0; j < wOut; j++, dst += rows) {
                    out[dst] = dy[src + j];
                }
            }
        }
        return out;
    }

    /**
     * y[yOff + (o·H_out + i)·W_out + j] = yw[o·wide + i·W_q + j] (+ bias[b0 + o]) for the {@code rows} output
     * channels of the wide result {@code yw}: drops the extra columns. The bias is added after the product,
     * as before, so the bits do not change.
     */
    void compact(float[] yw, int rows, float[] y, int yOff, float[] bias, int b0) {
        int hOut = g.hOut();
        int wOut = g.wOut();
        for (int o = 0; o < rows; o++) {
            for (int i = 0; i < hOut; i++) {
                int src = o * wide + i * wq;
                int dst = yOff + (o * hOut + i) * wOut;
                if (bias == null) {
                    System.arraycopy(yw, src, y, dst, wOut);
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
