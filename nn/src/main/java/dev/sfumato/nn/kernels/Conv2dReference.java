package dev.sfumato.nn.kernels;

import dev.sfumato.tensor.Tensor;

/**
 * The specification of 2-D convolution: direct loops over every index, NCHW, as {@code torch.nn.functional.conv2d}
 * defines it (cross-correlation, zero padding). {@link Conv2dKernels} must agree with these to float rounding.
 *
 * <pre>
 * y[n, o, i, j] = b[o] + Σ_{c, p, q} x[n, g·C_in/G + c, i·s_h − pad_h + p·d_h, j·s_w − pad_w + q·d_w] · w[o, c, p, q]
 * </pre>
 * where {@code g = o / (C_out/G)} is the group of output channel {@code o} and out-of-range inputs are 0.
 */
public final class Conv2dReference {

    private Conv2dReference() {}

    /** y = conv2d(x, w) + b. x [N, C_in, H, W], w [C_out, C_in/G, kH, kW], b [C_out] or null → y [N, C_out, H_out, W_out]. */
    public static Tensor forward(ConvGeometry g, Tensor x, Tensor w, Tensor bias) {
        float[] xd = x.toArray();
        float[] wd = w.toArray();
        float[] bd = bias == null ? null : bias.toArray();
        float[] y = new float[g.n() * g.cOut() * g.hOut() * g.wOut()];
        int cInG = g.cInG();
        int cOutG = g.cOutG();
        for (int n = 0; n < g.n(); n++) {
            for (int o = 0; o < g.cOut(); o++) {
                int grp = o / cOutG;
                for (int i = 0; i < g.hOut(); i++) {
                    for (int j = 0; j < g.wOut(); j++) {
                        float acc = bd == null ? 0f : bd[o];
                        for (int c = 0; c < cInG; c++) {
                            int ci = grp * cInG + c;
                            for (int p = 0; p < g.kH(); p++) {
                                int ih = i * g.strideH() - g.padH() + p * g.dilH();
                                if (ih < 0 || ih >= g.h()) {
                                    continue;
                                }
                                for (int q = 0; q < g.kW(); q++) {
                                    int iw = j * g.strideW() - g.padW() + q * g.dilW();
                                    if (iw < 0 || iw >= g.w()) {
                                        continue;
                                    }
                                    acc += xd[((n * g.cIn() + ci) * g.h() + ih) * g.w() + iw]
                                            * wd[((o * cInG + c) * g.kH() + p) * g.kW() + q];
                                }
                            }
                        }
                        y[((n * g.cOut() + o) * g.hOut() + i) * g.wOut() + j] = acc;
                    }
                }
            }
        }
        return Tensor.wrap(y, g.outputShape());
    }

    /** dx = ∂L/∂x given dy = ∂L/∂y: every y[n,o,i,j] sends dy·w[o,c,p,q] back to the x it read. */
    public static Tensor backwardInput(ConvGeometry g, Tensor dy, Tensor w) {
        float[] dyd = dy.toArray();
        float[] wd = w.toArray();
        float[] dx = new float[g.n() * g.cIn() * g.h() * g.w()];
        int cInG = g.cInG();
        int cOutG = g.cOutG();
        for (int n = 0; n < g.n(); n++) {
            for (int o = 0; o < g.cOut(); o++) {
                int grp = o / cOutG;
                for (int i = 0; i < g.hOut(); i++) {
                    for (int j = 0; j < g.wOut(); j++) {
                        float d = dyd[((n * g.cOut() + o) * g.hOut() + i) * g.wOut() + j];
                        for (int c = 0; c < cInG; c++) {
                            int ci = grp * cInG + c;
                            for (int p = 0; p < g.kH(); p++) {
                                int ih = i * g.strideH() - g.padH() + p * g.dilH();
                                if (ih < 0 || ih >= g.h()) {
                                    continue;
                                }
                                for (int q = 0; q < g.kW(); q++) {
                                    int iw = j * g.strideW() - g.padW() + q * g.dilW();
                                    if (iw < 0 || iw >= g.w()) {
                                        continue;
                                    }
                                    dx[((n * g.cIn() + ci) * g.h() + ih) * g.w() + iw] +=
                                            d * wd[((o * cInG + c) * g.kH() + p) * g.kW() + q];
                                }
                            }
                        }
                    }
                }
            }
        }
        return Tensor.wrap(dx, g.inputShape());
    }

    /** dw[o,c,p,q] = Σ_{n,i,j} dy[n,o,i,j] · x[n, ci, ih, iw]. */
    public static Tensor backwardWeight(ConvGeometry g, Tensor x, Tensor dy) {
        float[] xd = x.toArray();
        float[] dyd = dy.toArray();
        int cInG = g.cInG();
        int cOutG = g.cOutG();
        float[] dw = new float[g.cOut() * cInG * g.kH() * g.kW()];
        for (int o = 0; o < g.cOut(); o++) {
            int grp = o / cOutG;
            for (int c = 0; c < cInG; c++) {
                int ci = grp * cInG + c;
                for (int p = 0; p < g.kH(); p++) {
                    for (int q = 0; q < g.kW(); q++) {
                        float acc = 0f;
                        for (int n = 0; n < g.n(); n++) {
                            for (int i = 0; i < g.hOut(); i++) {
                                int ih = i * g.strideH() - g.padH() + p * g.dilH();
                                if (ih < 0 || ih >= g.h()) {
                                    continue;
                                }
                                for (int j = 0; j < g.wOut(); j++) {
                                    int iw = j * g.strideW() - g.padW() + q * g.dilW();
                                    if (iw < 0 || iw >= g.w()) {
                                        continue;
                                    }
                                    acc += dyd[((n * g.cOut() + o) * g.hOut() + i) * g.wOut() + j]
                                            * xd[((n * g.cIn() + ci) * g.h() + ih) * g.w() + iw];
                                }
                            }
                        }
                        dw[((o * cInG + c) * g.kH() + p) * g.kW() + q] = acc;
                    }
                }
            }
        }
        return Tensor.wrap(dw, g.weightShape());
    }

    /** db[o] = Σ_{n,i,j} dy[n,o,i,j]. */
    public static Tensor backwardBias(ConvGeometry g, Tensor dy) {
        float[] dyd = dy.toArray();
        float[] db = new float[g.cOut()];
        int hw = g.hOut() * g.wOut();
        for (int n = 0; n < g.n(); n++) {
            for (int o = 0; o < g.cOut(); o++) {
                int base = (n * g.cOut() + o) * hw;
                for (int k = 0; k < hw; k++) {
                    db[o] += dyd[base + k];
                }
            }
        }
        return Tensor.wrap(db, g.cOut());
    }
}
