package dev.sfumato.nn.kernels;

import dev.sfumato.tensor.kernels.Kernels;
import jdk.incubator.vector.FloatVector;

/**
 * Lowering a convolution to a matrix product (Chellapilla et al. 2006): {@code im2col} copies every receptive
 * field of one sample and one group into a column, so that the convolution becomes
 * {@code Y[C_out/G, H_out·W_out] = W[C_out/G, C_in/G·kH·kW] · col[C_in/G·kH·kW, H_out·W_out]};
 * {@code col2im} is its adjoint, which scatters (adds) columns back into an image, for the input gradient.
 * The forward pass and the weight gradient never lower: {@link ShiftedWindows} reads the column matrix as
 * windows of a padded copy of the input. What is left here is col2im, for the input gradient of strided
 * convolutions (and of geometries whose stride-1 input gradient is not itself a plain convolution).
 *
 * <p>Row {@code r = (c·kH + p)·kW + q} of the column matrix holds input channel {@code c} shifted by kernel tap
 * {@code (p, q)}: {@code col[r][i·W_out + j] = x[c][i·s_h − pad_h + p·d_h][j·s_w − pad_w + q·d_w]}, zero outside.
 */
public final class Im2Col {

    private Im2Col() {}

    /**
     * The adjoint of im2col: adds every entry of {@code col} [colRows, H_out·W_out] into the input
     * position it was read from, in channels {@code [c0, c0 + C_in/G)} of {@code dx[dxOff]} (layout [C_in, H, W]).
     * Entries are added in a fixed order (row by row), so the result does not depend on threads.
     */
    public static void col2im(ConvGeometry g, float[] col, float[] dx, int dxOff, int c0) {
        addColumns(g, col, dx, dxOff + c0 * g.h() * g.w(), 1, false);
    }

    /**
     * col2im for a block of {@link Interleave#BLOCK} samples interleaved in the vector lanes: adds every entry of
     * {@code col [colRows, H_out·W_out·BLOCK]} (column {@code (i·W_out + j)·BLOCK + s}) into
     * {@code dxi [C_in/G, H, W, BLOCK]}, in the order of {@link #col2im}, so each sample gets the same bits as
     * there. With {@code vectors} a pixel's {@code BLOCK} samples are one vector add; without, one float at a time.
     */
    static void col2imInterleaved(ConvGeometry g, float[] col, float[] dxi, boolean vectors) {
        addColumns(g, col, dxi, 0, Interleave.BLOCK, vectors);
    }

    /** Both forms: {@code block} floats per position (one per sample), dx's channel 0 at {@code base}. */
    private static void addColumns(ConvGeometry g, float[] col, float[] dx, int base, int block, boolean vectors) {
        int h = g.h();
        int w = g.w();
        int hOut = g.hOut();
        int wOut = g.wOut();
        int sH = g.strideH();
        int sW = g.strideW();
        int cols = hOut * wOut * block;
        int r = 0;
        for (int c = 0; c < g.cInG(); c++) {
            for (int p = 0; p < g.kH(); p++) {
                for (int q = 0; q < g.kW(); q++, r++) {
                    int dh = p * g.dilH() - g.padH();
                    int dw = q * g.dilW() - g.padW();
                    int jLo = validFrom(dw, sW, wOut);
                    int jHi = validTo(dw, sW, w, wOut, jLo);
                    for (int i = 0; i < hOut; i++) {
                        int ih = i * sH + dh;
                        if (ih < 0 || ih >= h) {
                            continue;
                        }
                        int src = r * cols + i * wOut * block;
                        int dst = base + ((c * h + ih) * w + dw) * block;
                        if (block == 1) {
                            for (int j = jLo; j < jHi; j++) {
                                dx[dst + j * sW] += col[src + j];
                            }
                        } else if (vectors) {
                            for (int j = jLo; j < jHi; j++) {
                                int d = dst + j * sW * block;
                                FloatVector.fromArray(Kernels.F, dx, d)
                                        .add(FloatVector.fromArray(Kernels.F, col, src + j * block)).intoArray(dx, d);
                            }
                        } else {
                            for (int j = jLo; j < jHi; j++) {
                                for (int s = 0; s < block; s++) {
                                    dx[dst + j * sW * block + s] += col[src + j * block + s];
                                }
                            }
                        }
                    }
                }
            }
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
