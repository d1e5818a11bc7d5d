package dev.sfumato.nn.kernels;

import dev.sfumato.tensor.Parallel;
import dev.sfumato.tensor.Tensor;
import dev.sfumato.tensor.kernels.Gemm;
import dev.sfumato.tensor.kernels.Kernels;

/**
 * Fast 2-D convolution, forward and backward, by im2col + GEMM ({@link Im2Col}, {@link Gemm}); NCHW in and out.
 *
 * <p>Trick: one sample and one group at a time, the convolution is a single matrix product on the Vector API
 * GEMM, which is where nearly all the FLOPs go. Samples are independent tasks on the shared pool; each task
 * lowers its sample into a per-thread column buffer and calls a single-threaded GEMM, so the column buffer
 * stays in cache and no thread waits for another. The weight gradient sums over samples: tasks own fixed
 * blocks of {@link #SAMPLES_PER_TASK} samples, write private partial sums, and the partials are added in
 * block order, so the result is the same on any number of threads. A 1×1 convolution with stride 1 and no
 * padding skips im2col: the input already is the column matrix.
 *
 * <p>{@link Conv2dReference} is the specification; {@code -Dsfumato.kernels=reference} routes every call there.
 */
public final class Conv2dKernels {

    /** Samples per weight-gradient task: fixed, so the summation order never depends on the thread count. */
    static final int SAMPLES_PER_TASK = 4;

    private static final ThreadLocal<float[]> COLUMNS = ThreadLocal.withInitial(() -> new float[0]);

    private Conv2dKernels() {}

    private static float[] columns(int size) {
        float[] buf = COLUMNS.get();
        if (buf.length < size) {
            buf = new float[size];
            COLUMNS.set(buf);
        }
        return buf;
    }

    private static boolean isPointwise(ConvGeometry g) {
        return g.kH() == 1 && g.kW() == 1 && g.strideH() == 1 && g.strideW() == 1 && g.padH() == 0 && g.padW() == 0;
    }

    /** y = conv2d(x, w) + b: x [N, C_in, H, W], w [C_out, C_in/G, kH, kW], b [C_out] or null → [N, C_out, H_out, W_out]. */
    public static Tensor forward(ConvGeometry g, Tensor x, Tensor w, Tensor bias) {
        if (Kernels.REFERENCE_ONLY) {
            return Conv2dReference.forward(g, x, w, bias);
        }
        Tensor xc = x.contiguous();
        Tensor wc = w.contiguous();
        float[] b = bias == null ? null : bias.toArray();
        Tensor y = Tensor.zeros(g.outputShape());
        float[] xd = xc.data();
        float[] wd = wc.data();
        float[] yd = y.data();
        int xo = xc.offset();
        int wo = wc.offset();
        int inSample = g.cIn() * g.h() * g.w();
        int hw = g.colCols();
        int rows = g.colRows();
        int cOutG = g.cOutG();
        boolean pointwise = isPointwise(g);
        Parallel.forRange(g.n(), (n0, n1) -> {
            float[] col = pointwise ? null : columns(rows * hw);
            for (int n = n0; n < n1; n++) {
                for (int grp = 0; grp < g.groups(); grp++) {
                    int yOff = (n * g.cOut() + grp * cOutG) * hw;
                    float[] bMat = pointwise ? xd : col;
                    int bOff = pointwise ? xo + n * inSample + grp * g.cInG() * hw : 0;
                    if (!pointwise) {
                        Im2Col.im2col(g, xd, xo + n * inSample, grp * g.cInG(), col);
                    }
                    // Y_g [C_out/G, HW] = W_g [C_out/G, rows] · col [rows, HW]
                    Gemm.sgemm(false, false, cOutG, hw, rows, 1f, wd, wo + grp * cOutG * rows, rows,
                            bMat, bOff, hw, 0f, yd, yOff, hw);
                }
                if (b != null) {
                    for (int o = 0; o < g.cOut(); o++) {
                        int base = (n * g.cOut() + o) * hw;
                        float bo = b[o];
                        for (int k = 0; k < hw; k++) {
                            yd[base + k] += bo;
                        }
                    }
                }
            }
        });
        return y;
    }

    /** dx given dy [N, C_out, H_out, W_out] and w: per sample, dcol = W_gᵀ · dY_g, then col2im. */
    public static Tensor backwardInput(ConvGeometry g, Tensor dy, Tensor w) {
        if (Kernels.REFERENCE_ONLY) {
            return Conv2dReference.backwardInput(g, dy, w);
        }
        Tensor dyc = dy.contiguous();
        Tensor wc = w.contiguous();
        Tensor dx = Tensor.zeros(g.inputShape());
        float[] dyd = dyc.data();
        float[] wd = wc.data();
        float[] dxd = dx.data();
        int dyo = dyc.offset();
        int wo = wc.offset();
        int inSample = g.cIn() * g.h() * g.w();
        int hw = g.colCols();
        int rows = g.colRows();
        int cOutG = g.cOutG();
        boolean pointwise = isPointwise(g);
        Parallel.forRange(g.n(), (n0, n1) -> {
            float[] col = pointwise ? null : columns(rows * hw);
            for (int n = n0; n < n1; n++) {
                for (int grp = 0; grp < g.groups(); grp++) {
                    int dyOff = dyo + (n * g.cOut() + grp * cOutG) * hw;
                    if (pointwise) {
                        // dX_g [C_in/G, HW] = W_gᵀ [C_in/G, C_out/G] · dY_g [C_out/G, HW], written in place.
                        Gemm.sgemm(true, false, rows, hw, cOutG, 1f, wd, wo + grp * cOutG * rows, rows,
                                dyd, dyOff, hw, 0f, dxd, n * inSample + grp * g.cInG() * hw, hw);
                    } else {
                        // dcol [rows, HW] = W_gᵀ [rows, C_out/G] · dY_g [C_out/G, HW]
                        Gemm.sgemm(true, false, rows, hw, cOutG, 1f, wd, wo + grp * cOutG * rows, rows,
                                dyd, dyOff, hw, 0f, col, 0, hw);
                        Im2Col.col2im(g, col, dxd, n * inSample, grp * g.cInG());
                    }
                }
            }
        });
        return dx;
    }

    /** dw = Σ_n dY_g[n] · col[n]ᵀ, summed over fixed sample blocks in block order. */
    public static Tensor backwardWeight(ConvGeometry g, Tensor x, Tensor dy) {
        if (Kernels.REFERENCE_ONLY) {
            return Conv2dReference.backwardWeight(g, x, dy);
        }
        Tensor xc = x.contiguous();
        Tensor dyc = dy.contiguous();
        float[] xd = xc.data();
        float[] dyd = dyc.data();
        int xo = xc.offset();
        int dyo = dyc.offset();
        int inSample = g.cIn() * g.h() * g.w();
        int hw = g.colCols();
        int rows = g.colRows();
        int cOutG = g.cOutG();
        int wSize = g.cOut() * rows;
        int tasks = Parallel.taskCount(g.n(), SAMPLES_PER_TASK);
        float[] partials = new float[tasks * wSize];
        boolean pointwise = isPointwise(g);
        Parallel.forRange(tasks, (t0, t1) -> {
            float[] col = pointwise ? null : columns(rows * hw);
            for (int task = t0; task < t1; task++) {
                int pOff = task * wSize;
                int nEnd = Math.min(g.n(), (task + 1) * SAMPLES_PER_TASK);
                for (int n = task * SAMPLES_PER_TASK; n < nEnd; n++) {
                    for (int grp = 0; grp < g.groups(); grp++) {
                        float[] bMat = pointwise ? xd : col;
                        int bOff = pointwise ? xo + n * inSample + grp * g.cInG() * hw : 0;
                        if (!pointwise) {
                            Im2Col.im2col(g, xd, xo + n * inSample, grp * g.cInG(), col);
                        }
                        // dW_g [C_out/G, rows] += dY_g [C_out/G, HW] · colᵀ [HW, rows]
                        Gemm.sgemm(false, true, cOutG, rows, hw, 1f, dyd, dyo + (n * g.cOut() + grp * cOutG) * hw, hw,
                                bMat, bOff, hw, 1f, partials, pOff + grp * cOutG * rows, rows);
                    }
                }
            }
        });
        float[] dw = new float[wSize];
        for (int task = 0; task < tasks; task++) {
            int pOff = task * wSize;
            for (int i = 0; i < wSize; i++) {
                dw[i] += partials[pOff + i];
            }
        }
        return Tensor.wrap(dw, g.weightShape());
    }

    /** db[o] = Σ_{n, i, j} dy[n, o, i, j], summed per channel in sample order. */
    public static Tensor backwardBias(ConvGeometry g, Tensor dy) {
        if (Kernels.REFERENCE_ONLY) {
            return Conv2dReference.backwardBias(g, dy);
        }
        Tensor dyc = dy.contiguous();
        float[] d = dyc.data();
        int off = dyc.offset();
        int hw = g.colCols();
        float[] db = new float[g.cOut()];
        Parallel.forRange(g.cOut(), (o0, o1) -> {
            for (int o = o0; o < o1; o++) {
                float acc = 0f;
                for (int n = 0; n < g.n(); n++) {
                    int base = off + (n * g.cOut() + o) * hw;
                    float s = 0f;
                    for (int k = 0; k < hw; k++) {
                        s += d[base + k];
                    }
                    acc += s;
                }
                db[o] = acc;
            }
        });
        return Tensor.wrap(db, g.cOut());
    }
}
