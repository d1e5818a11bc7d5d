package dev.sfumato.nn.kernels;

import dev.sfumato.tensor.Parallel;
import dev.sfumato.tensor.Tensor;

/**
 * Max, average and adaptive-average pooling and nearest upsampling over NCHW, forward and backward, as
 * plain loops (memory-bound: one read per input, no arithmetic worth vectorising). Every (n, c) plane is
 * independent (parallel tasks take runs of consecutive planes), so results do not depend on the number of threads.
 */
public final class Pool2dKernels {

    private Pool2dKernels() {}

    /** Floats of input a parallel task covers, at least: runs of consecutive planes ({@link Parallel#forRuns}). */
    private static final int TASK_FLOATS = 32768;

    /** Runs {@code body} over planes [0, n·c) of {@code planeSize} input floats each, on the shared pool. */
    private static void planes(int count, int planeSize, Parallel.RangeBody body) {
        Parallel.forRuns(count, planeSize, TASK_FLOATS, body);
    }

    /**
     * Max pooling. Returns the output [N, C, H_out, W_out] and fills {@code argmax} (one int per output, the
     * flat index within its input plane) for backward. Padding counts as −∞; the first maximum in row-major
     * window order wins, and NaN wins over any number, as in PyTorch.
     */
    public static Tensor maxForward(PoolGeometry g, Tensor x, int[] argmax) {
        Tensor xc = x.contiguous();
        float[] in = xc.data();
        int inOff = xc.offset();
        Tensor y = Tensor.zeros(g.outputShape());
        float[] out = y.data();
        int inPlane = g.h() * g.w();
        int outPlane = g.hOut() * g.wOut();
        planes(g.n() * g.c(), inPlane, (p0, p1) -> {
            for (int p = p0; p < p1; p++) {
                int ib = inOff + p * inPlane;
                int ob = p * outPlane;
                for (int i = 0; i < g.hOut(); i++) {
                    int h0 = i * g.sH() - g.pH();
                    for (int j = 0; j < g.wOut(); j++) {
                        int w0 = j * g.sW() - g.pW();
                        float best = Float.NEGATIVE_INFINITY;
                        int bestIdx = -1;
                        for (int a = Math.max(0, h0); a < Math.min(g.h(), h0 + g.kH()); a++) {
                            for (int b = Math.max(0, w0); b < Math.min(g.w(), w0 + g.kW()); b++) {
                                float v = in[ib + a * g.w() + b];
                                if (bestIdx < 0 || v > best || (Float.isNaN(v) && !Float.isNaN(best))) {
                                    best = v;
                                    bestIdx = a * g.w() + b;
                                }
                            }
                        }
                        out[ob + i * g.wOut() + j] = best;
                        argmax[ob + i * g.wOut() + j] = bestIdx;
                    }
                }
            }
        });
        return y;
    }

    /** dx: each output gradient goes to the input position that won its window (added where windows overlap). */
    public static Tensor maxBackward(PoolGeometry g, Tensor dy, int[] argmax) {
        Tensor dyc = dy.contiguous();
        float[] d = dyc.data();
        int dOff = dyc.offset();
        Tensor dx = Tensor.zeros(g.inputShape());
        float[] out = dx.data();
        int inPlane = g.h() * g.w();
        int outPlane = g.hOut() * g.wOut();
        planes(g.n() * g.c(), inPlane, (p0, p1) -> {
            for (int p = p0; p < p1; p++) {
                for (int k = 0; k < outPlane; k++) {
                    int idx = argmax[p * outPlane + k];
                    if (idx >= 0) {
                        out[p * inPlane + idx] += d[dOff + p * outPlane + k];
                    }
                }
            }
        });
        return dx;
    }

    /**
     * Average pooling. With {@code countIncludePad} (PyTorch's default) the divisor is the window size
     * clipped to the padded input; otherwise only the real input positions are counted.
     */
    public static Tensor avgForward(PoolGeometry g, Tensor x, boolean countIncludePad) {
        Tensor xc = x.contiguous();
        float[] in = xc.data();
        int inOff = xc.offset();
        Tensor y = Tensor.zeros(g.outputShape());
        float[] out = y.data();
        int inPlane = g.h() * g.w();
        int outPlane = g.hOut() * g.wOut();
        planes(g.n() * g.c(), inPlane, (p0, p1) -> {
            for (int p = p0; p < p1; p++) {
                int ib = inOff + p * inPlane;
                for (int i = 0; i < g.hOut(); i++) {
                    for (int j = 0; j < g.wOut(); j++) {
                        float s = 0f;
                        int[] win = window(g, i, j);
                        for (int a = win[0]; a < win[1]; a++) {
                            for (int b = win[2]; b < win[3]; b++) {
                                s += in[ib + a * g.w() + b];
                            }
                        }
                        out[p * outPlane + i * g.wOut() + j] = s / divisor(g, win, countIncludePad);
                    }
                }
            }
        });
        return y;
    }

    /** dx: each output gradient is spread evenly over its window (by the same divisor as forward). */
    public static Tensor avgBackward(PoolGeometry g, Tensor dy, boolean countIncludePad) {
        Tensor dyc = dy.contiguous();
        float[] d = dyc.data();
        int dOff = dyc.offset();
        Tensor dx = Tensor.zeros(g.inputShape());
        float[] out = dx.data();
        int inPlane = g.h() * g.w();
        int outPlane = g.hOut() * g.wOut();
        planes(g.n() * g.c(), inPlane, (p0, p1) -> {
            for (int p = p0; p < p1; p++) {
                for (int i = 0; i < g.hOut(); i++) {
                    for (int j = 0; j < g.wOut(); j++) {
                        int[] win = window(g, i, j);
                        float share = d[dOff + p * outPlane + i * g.wOut() + j] / divisor(g, win, countIncludePad);
                        for (int a = win[0]; a < win[1]; a++) {
                            for (int b = win[2]; b < win[3]; b++) {
                                out[p * inPlane + a * g.w() + b] += share;
                            }
                        }
                    }
                }
            }
        });
        return dx;
    }

    /** The window of output (i, j) clipped to the input: {hLo, hHi, wLo, wHi}. */
    private static int[] window(PoolGeometry g, int i, int j) {
        int h0 = i * g.sH() - g.pH();
        int w0 = j * g.sW() - g.pW();
        return new int[] {Math.max(0, h0), Math.min(g.h(), h0 + g.kH()), Math.max(0, w0), Math.min(g.w(), w0 + g.kW())};
    }

    private static float divisor(PoolGeometry g, int[] win, boolean countIncludePad) {
        if (!countIncludePad) {
            return (win[1] - win[0]) * (win[3] - win[2]);
        }
        // PyTorch divides by the window clipped to the padded input [−p, H + p); without ceil_mode every
        // window fits inside it, so that is the full kernel.
        return 1f * g.kH() * g.kW();
    }

    /** Start of adaptive bin {@code i} of {@code out} over {@code in}: ⌊i·in/out⌋ (PyTorch's start_index). */
    static int binStart(int i, int in, int out) {
        return (int) Math.floor((double) i * in / out);
    }

    /** End (exclusive) of adaptive bin {@code i}: ⌈(i+1)·in/out⌉. */
    static int binEnd(int i, int in, int out) {
        return (int) Math.ceil((double) (i + 1) * in / out);
    }

    /** Adaptive average pooling of [N, C, H, W] to [N, C, outH, outW] with PyTorch's bin edges. */
    public static Tensor adaptiveAvgForward(Tensor x, int outH, int outW) {
        int[] s = x.shape();
        Tensor xc = x.contiguous();
        float[] in = xc.data();
        int inOff = xc.offset();
        Tensor y = Tensor.zeros(s[0], s[1], outH, outW);
        float[] out = y.data();
        int h = s[2];
        int w = s[3];
        planes(s[0] * s[1], h * w, (p0, p1) -> {
            for (int p = p0; p < p1; p++) {
                for (int i = 0; i < outH; i++) {
                    int a0 = binStart(i, h, outH);
                    int a1 = binEnd(i, h, outH);
                    for (int j = 0; j < outW; j++) {
                        int b0 = binStart(j, w, outW);
                        int b1 = binEnd(j, w, outW);
                        float sum = 0f;
                        for (int a = a0; a < a1; a++) {
                            for (int b = b0; b < b1; b++) {
                                sum += in[inOff + p * h * w + a * w + b];
                            }
                        }
                        out[p * outH * outW + i * outW + j] = sum / ((a1 - a0) * (b1 - b0));
                    }
                }
            }
        });
        return y;
    }

    /** Backward of adaptive average pooling: each bin's gradient spread evenly over the bin. */
    public static Tensor adaptiveAvgBackward(Tensor dy, int[] inputShape) {
        int outH = dy.size(2);
        int outW = dy.size(3);
        int h = inputShape[2];
        int w = inputShape[3];
        Tensor dyc = dy.contiguous();
        float[] d = dyc.data();
        int dOff = dyc.offset();
        Tensor dx = Tensor.zeros(inputShape);
        float[] out = dx.data();
        planes(inputShape[0] * inputShape[1], h * w, (p0, p1) -> {
            for (int p = p0; p < p1; p++) {
                for (int i = 0; i < outH; i++) {
                    int a0 = binStart(i, h, outH);
                    int a1 = binEnd(i, h, outH);
                    for (int j = 0; j < outW; j++) {
                        int b0 = binStart(j, w, outW);
                        int b1 = binEnd(j, w, outW);
                        float share = d[dOff + p * outH * outW + i * outW + j] / ((a1 - a0) * (b1 - b0));
                        for (int a = a0; a < a1; a++) {
                            for (int b = b0; b < b1; b++) {
                                out[p * h * w + a * w + b] += share;
                            }
                        }
                    }
                }
            }
        });
        return dx;
    }

    /**
     * Nearest-neighbour upsampling by integer factors, as {@code F.interpolate(mode='nearest')}: output
     * (i, j) reads input (⌊i/sH⌋, ⌊j/sW⌋).
     */
    public static Tensor upsampleNearestForward(Tensor x, int sH, int sW) {
        int[] s = x.shape();
        Tensor xc = x.contiguous();
        float[] in = xc.data();
        int inOff = xc.offset();
        int h = s[2];
        int w = s[3];
        Tensor y = Tensor.empty(s[0], s[1], h * sH, w * sW);                 // every element written below
        float[] out = y.data();
        int wo = w * sW;
        planes(s[0] * s[1], h * w, (p0, p1) -> {
            for (int p = p0; p < p1; p++) {
                int ib = inOff + p * h * w;
                int ob = p * h * sH * wo;
                for (int i = 0; i < h * sH; i++) {
                    int src = ib + (i / sH) * w;
                    int dst = ob + i * wo;
                    for (int j = 0; j < wo; j++) {
                        out[dst + j] = in[src + j / sW];
                    }
                }
            }
        });
        return y;
    }

    /** Backward of nearest upsampling: each input gets the sum of the sH·sW outputs that copied it. */
    public static Tensor upsampleNearestBackward(Tensor dy, int sH, int sW) {
        int[] s = dy.shape();
        int h = s[2] / sH;
        int w = s[3] / sW;
        Tensor dyc = dy.contiguous();
        float[] d = dyc.data();
        int dOff = dyc.offset();
        Tensor dx = Tensor.zeros(s[0], s[1], h, w);
        float[] out = dx.data();
        planes(s[0] * s[1], h * w, (p0, p1) -> {
            for (int p = p0; p < p1; p++) {
                int ib = dOff + p * s[2] * s[3];
                int ob = p * h * w;
                for (int i = 0; i < s[2]; i++) {
                    for (int j = 0; j < s[3]; j++) {
                        out[ob + (i / sH) * w + j / sW] += d[ib + i * s[3] + j];
                    }
                }
            }
        });
        return dx;
    }
}
