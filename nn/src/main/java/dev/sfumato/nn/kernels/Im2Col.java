package dev.sfumato.nn.kernels;

/**
 * Lowering a convolution to a matrix product (Chellapilla et al. 2006): {@code im2col} copies every receptive
 * field of one sample and one group into a column, so that the convolution becomes
 * {@code Y[C_out/G, H_out·W_out] = W[C_out/G, C_in/G·kH·kW] · col[C_in/G·kH·kW, H_out·W_out]};
 * {@code col2im} is its adjoint, which scatters (adds) columns back into an image, for the input gradient.
 * The column matrix is never built whole: {@link #row} lowers the part of one row that a GEMM panel needs
 * (strided convolutions), and {@link ShiftedWindows} avoids lowering altogether for stride 1.
 *
 * <p>Row {@code r = (c·kH + p)·kW + q} of the column matrix holds input channel {@code c} shifted by kernel tap
 * {@code (p, q)}: {@code col[r][i·W_out + j] = x[c][i·s_h − pad_h + p·d_h][j·s_w − pad_w + q·d_w]}, zero outside.
 * With stride 1 each output row is one contiguous run of the input row, copied with {@code arraycopy}.
 */
public final class Im2Col {

    private Im2Col() {}

    /**
     * The adjoint of im2col ({@link #row} for every row): adds every entry of {@code col} [colRows, H_out·W_out] into the input
     * position it was read from, in channels {@code [c0, c0 + C_in/G)} of {@code dx[dxOff]} (layout [C_in, H, W]).
     * Entries are added in a fixed order (row by row), so the result does not depend on threads.
     */
    public static void col2im(ConvGeometry g, float[] col, float[] dx, int dxOff, int c0) {
        int h = g.h();
        int w = g.w();
        int hOut = g.hOut();
        int wOut = g.wOut();
        int sH = g.strideH();
        int sW = g.strideW();
        int r = 0;
        for (int c = 0; c < g.cInG(); c++) {
            int plane = dxOff + (c0 + c) * h * w;
            for (int p = 0; p < g.kH(); p++) {
                for (int q = 0; q < g.kW(); q++, r++) {
                    int colBase = r * hOut * wOut;
                    int dh = p * g.dilH() - g.padH();
                    int dw = q * g.dilW() - g.padW();
                    int jLo = validFrom(dw, sW, wOut);
                    int jHi = validTo(dw, sW, w, wOut, jLo);
                    for (int i = 0; i < hOut; i++) {
                        int ih = i * sH + dh;
                        if (ih < 0 || ih >= h) {
                            continue;
                        }
                        int src = colBase + i * wOut;
                        int dst = plane + ih * w + dw;
                        for (int j = jLo; j < jHi; j++) {
                            dx[dst + j * sW] += col[src + j];
                        }
                    }
                }
            }
        }
    }

    /**
     * One row of the column matrix, in part: writes {@code col[r][j0:j1]} to {@code dst[dOff:dOff + j1 - j0]} for
     * channels from {@code c0} of one sample at {@code x[xOff]}. The GEMM's panel packers call this to build a
     * panel of the column matrix in cache instead of writing the whole matrix out first.
     */
    public static void row(ConvGeometry g, float[] x, int xOff, int c0, int r, int j0, int j1, float[] dst, int dOff) {
        int h = g.h();
        int w = g.w();
        int wOut = g.wOut();
        int sW = g.strideW();
        int taps = g.kH() * g.kW();
        int c = r / taps;
        int p = (r % taps) / g.kW();
        int q = r % g.kW();
        int plane = xOff + (c0 + c) * h * w;
        int dh = p * g.dilH() - g.padH();
        int dw = q * g.dilW() - g.padW();
        int jLo = validFrom(dw, sW, wOut);
        int jHi = validTo(dw, sW, w, wOut, jLo);
        int d = dOff - j0;                          // dst index of column j is d + j
        for (int j = j0; j < j1; ) {
            int i = j / wOut;
            int rowStart = i * wOut;
            int end = Math.min(j1, rowStart + wOut);  // this output row's part of [j0, j1)
            int ih = i * g.strideH() + dh;
            if (ih < 0 || ih >= h) {
                zero(dst, d + j, d + end);
                j = end;
                continue;
            }
            int src = plane + ih * w + dw;           // input index of output column jj is src + jj·sW
            int lo = Math.max(j, Math.min(end, rowStart + jLo));
            int hi = Math.max(lo, Math.min(end, rowStart + jHi));
            zero(dst, d + j, d + lo);
            if (sW == 1) {
                if (hi > lo) {  // arraycopy checks its offsets even for length 0, and src + lo may be −1 then
                    System.arraycopy(x, src + lo - rowStart, dst, d + lo, hi - lo);
                }
            } else {
                for (int jj = lo; jj < hi; jj++) {
                    dst[d + jj] = x[src + (jj - rowStart) * sW];
                }
            }
            zero(dst, d + hi, d + end);
            j = end;
        }
    }

    /** Plain loop rather than Arrays.fill: the runs here are 0-2 floats long, where fill's checks dominate. */
    private static void zero(float[] a, int from, int to) {
        for (int i = from; i < to; i++) {
            a[i] = 0f;
        }
    }

    /** First output column j whose input column j·s + shift is >= 0, at most wOut. */
    private static int validFrom(int shift, int s, int wOut) {
        return Math.min(wOut, shift >= 0 ? 0 : (-shift + s - 1) / s);
    }

    /** One past the last output column j whose input column j·s + shift is < w; never below {@code from}. */
    private static int validTo(int shift, int s, int w, int wOut, int from) {
        int to = w - shift <= 0 ? 0 : Math.min(wOut, (w - shift - 1) / s + 1);
        return Math.max(from, to);
    }
}
