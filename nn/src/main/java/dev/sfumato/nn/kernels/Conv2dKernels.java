package dev.sfumato.nn.kernels;

import dev.sfumato.tensor.BinaryOp;
import dev.sfumato.tensor.Parallel;
import dev.sfumato.tensor.Recycler;
import dev.sfumato.tensor.Tensor;
import dev.sfumato.tensor.kernels.ElementwiseKernels;
import dev.sfumato.tensor.kernels.GatherGemm;
import dev.sfumato.tensor.kernels.Gemm;
import dev.sfumato.tensor.kernels.Kernels;
import dev.sfumato.tensor.kernels.ReductionKernels;
import dev.sfumato.tensor.kernels.Scratch;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.Vector;
import jdk.incubator.vector.VectorSpecies;

/**
 * Fast 2-D convolution, forward and backward, as GEMMs over the im2col matrix ({@link Gemm}); NCHW in and out.
 *
 * <p>Trick: one sample and one group at a time, the convolution is a single matrix product on the Vector API
 * GEMM, which is where nearly all the FLOPs go. Samples are independent tasks on the shared pool; each task
 * calls a single-threaded GEMM whose B panels are packed straight from shifted windows of a padded copy of
 * the image ({@link ShiftedWindows}; split into phases when the stride is above 1), so the column matrix is
 * never written out and no thread waits for another. With stride 1 the input gradient is itself a stride-1
 * convolution with flipped weights ({@link #flippedWeight}), so it takes the same path instead of a GEMM
 * plus col2im. On small images (14×14, 7×7) the forward and the weight gradient take blocks of eight samples
 * interleaved in the vector lanes instead, so that their products compute no extra columns ({@link #columnsFor},
 * {@link #backwardWeightInterleaved}); the strided input gradient uses the same blocks for one product per block
 * and a vectorised col2im ({@link #backwardInputInterleaved}). The weight gradient sums over samples: tasks own
 * fixed blocks of samples, multiply with K running over the whole block ({@link #backwardWeightBatched}), write
 * private partial sums, and the partials are added in block order, so the result is the same on any number of
 * threads. A 1×1
 * convolution with stride 1 and no padding needs no lowering: the input already is the column matrix. A 3×3
 * stride-1 convolution with padding 1 and at least {@link Winograd#MIN_CHANNELS} channels each way (nearly every
 * U-Net convolution, and the input gradient of each) takes Winograd's F(4×4, 3×3) instead ({@link Winograd4}),
 * 4× fewer multiply-adds for the cost of its transforms; its weight gradient takes F(4×4, 3×3) too on the larger
 * images ({@link Winograd4#appliesToWeightGradient}) and F(2×2, 3×3) ({@link Winograd}) on smaller ones where enough
 * channel pairs pay for the transforms. A strided convolution with one group and 32 channels
 * or more where the vector lanes hold them (the U-Net's downsampling; a transposed convolution's forward, which
 * is such a convolution's input gradient) takes the channels-last kernels ({@link ChannelsLast}): the stride
 * costs no phase split; so does the weight gradient of a 3×3 stride-1 convolution with 32 channels each way that
 * Winograd's does not take. A convolution with one output channel per group (a last layer to one channel, the
 * input gradient of a one-channel input) multiplies its single weight row into the shifted windows directly
 * ({@link #singleRowProduct}), where the GEMM's six-row register tile would be mostly empty.
 *
 * <p>{@link Conv2dReference} is the specification; {@code -Dsfumato.kernels=reference} routes every call there.
 */
public final class Conv2dKernels {

    /** Columns (K) of one block of the weight gradient: whole samples, about this many. */
    static final int BLOCK_COLUMNS = 4096;
    /** The weight gradient cuts a batch into at least this many blocks (when it has as many samples). */
    static final int MIN_BLOCKS = 8;
    /** Floats in a 64-byte cache line: the padded images of the batched weight gradient start on one. */
    private static final int CACHE_LINE_FLOATS = 16;

    /**
     * Samples per weight-gradient task of a 1×1 convolution: fixed, so the summation order never depends on
     * the thread count.
     */
    static final int SAMPLES_PER_TASK = 4;
    /**
     * Elements of the weight gradient per task when the per-task partials are added up: small enough that a
     * 3×3 32→32 gradient (9216 elements) makes several tasks. At 2^14 it made one, and the sums of the U-Net's
     * channels-last weight gradients ran on one thread, 2.2 ms of a 2-thread training step.
     */
    static final int SUM_GRAIN = 1 << 11;

    /** Floats of the interleaved forward's result that one product writes before it is scattered into y. */
    static final int RESULT_FLOATS = 1 << 15;

    private static final Scratch COLUMNS = new Scratch();
    /** The interleaved input gradient's dY and dx blocks, per thread, reused. */
    private static final Scratch INTERLEAVED_GRADIENT = new Scratch();
    private static final Scratch INTERLEAVED_INPUT = new Scratch();
    /** A weight-gradient block's padded images and transposed output gradient, per thread, reused. */
    private static final Scratch BLOCK_PADDED = new Scratch();
    private static final Scratch BLOCK_GRADIENT = new Scratch();

    private Conv2dKernels() {}

    private static float[] columns(int size) {
        return COLUMNS.floats(size);
    }

    /**
     * A 1×1 convolution whose input is its own column matrix. The sizes must match too: the geometry of a
     * transposed 1×1 convolution with dilation and output padding has input columns the convolution never
     * reads (w = W_out + 1), and treating its input as the column matrix read the wrong pixels.
     */
    private static boolean isPointwise(ConvGeometry g) {
        return g.kH() == 1 && g.kW() == 1 && g.strideH() == 1 && g.strideW() == 1 && g.padH() == 0 && g.padW() == 0
                && g.h() == g.hOut() && g.w() == g.wOut();
    }

    /** How a convolution lays out the columns of its products (see {@link ShiftedWindows}). */
    enum Columns {
        /**
         * One sample per product (forward, input gradient) or blocks of samples one after another (weight
         * gradient), output pixels on the padded width: extra columns computed and dropped.
         */
        WIDE,
        /**
         * Blocks of eight samples interleaved in the vector lanes ({@link Interleave}), exactly the output pixels
         * ({@link ShiftedWindows#interleavedColumns}).
         */
        EXACT
    }

    /**
     * y = conv2d(x, w) + b: x [N, C_in, H, W], w [C_out, C_in/G, kH, kW], b [C_out] or null → [N, C_out, H_out, W_out].
     * Winograd's algorithm where it {@link Winograd#applies}: F(2×2, 3×3) against the GEMM paths in one JVM, batch
     * 64, 1 thread (time Winograd/GEMM, medians of 20 pairs): 0.71 (64→64 28×28), 0.67 (64→128 28×28), 0.73 (64→64
     * 14×14), 0.64 (128→128 14×14), 0.76 (128→128 7×7), 0.83 (32→64 14×14), 0.88 (32→32 28×28); then F(4×4, 3×3)
     * ({@link Winograd4}) against F(2×2, 3×3), the forward alone, same protocol, 1 thread: 0.85 (32→32 14×14), 0.69
     * (128→128 7×7), 0.83 (32→64 14×14), 0.73-0.75 (32→32 28×28), 0.75-0.77 (64→64 28×28); fwd+bwd through autograd
     * (its input gradient takes this path too), 1 and 2 threads: 0.88 and 0.91 (32→32 14×14), 0.82 and 0.85
     * (128→128 7×7), 0.91 and 0.92 (32→64 14×14).
     */
    public static Tensor forward(ConvGeometry g, Tensor x, Tensor w, Tensor bias) {
        if (!Kernels.REFERENCE_ONLY && Winograd4.applies(g)) {
            return Winograd4.forward(g, x.contiguous(), w.contiguous(), bias == null ? null : bias.toArray());
        }
        if (ChannelsLast.appliesToForward(g)) {
            // In one JVM, batch 64, alternated with the shifted-window paths (time channels-last/GEMM, medians of
            // 25 pairs, Zen 4, 1 and 2 threads): forward 0.70-0.80 (3×3 stride 2, 32→32 28×28 and 64→64 14×14),
            // 0.85-0.86 (the transposed 4×4 64→64 7→14's input gradient); input gradient 0.80-0.91 and 0.86-0.92;
            // weight gradient 0.70-0.94 and 0.82-0.89.
            return ChannelsLast.forward(g, x.contiguous(), w.contiguous(), bias == null ? null : bias.toArray());
        }
        return forward(g, x, w, bias, columnsFor(g, Parallel.threads()));
    }

    /**
     * The forward's column layout for a geometry: {@link Columns#EXACT} when the wide form would compute more
     * than a tenth extra columns ((W_q − W_out) / W_out > 0.1: 14×14 and 7×7 with a 3×3 kernel, not 28×28) and
     * the blocks of samples share out evenly over the threads. Measured in one JVM, batch 64, 1 thread, the two
     * alternated (time exact/wide, medians of 20-30 pairs): 0.69-0.77 at 7×7 (64 and 128 channels), 0.94-0.95 at
     * 14×14, 0.87-0.92 for stride 2 from 14×14; but 0.99-1.01 at 28×28 and 1.09-1.13 for stride 2 from 28×28,
     * where the transposes into and out of the interleaved layout cost what the 7% extra columns do, and 1.2-1.3
     * for a single input channel, whose products are all output. The choice changes no bits.
     */
    static Columns columnsFor(ConvGeometry g, int threads) {
        // One output channel per group: the wide form's product is a single row (singleRowProduct).
        return g.cOutG() > 1 && wideWastes(g) && blocksShareOut(g, threads) ? Columns.EXACT : Columns.WIDE;
    }

    private static final VectorSpecies<Float> ROW = FloatVector.SPECIES_PREFERRED;
    /** The exact class of ROW's vectors: accumulators are stored through a cast to it (see {@code Kernels}). */
    private static final Class<? extends Vector<Float>> ROW_TYPE = ROW.vectorType();

    /**
     * A product with one row, for a convolution with one output channel per group (a network's last layer, to
     * one channel; the input gradient of a one-channel input, which is such a convolution with the flipped
     * weights): {@code y[k] = Σ_{r < rows} w[wOff + r] · xp[starts[r] + k]} for the {@code wide} columns k, each
     * element one FMA chain over r from zero, four vectors of columns at a time. The GEMM's register tile is
     * six rows high: with one row it ran at 8 GFLOP/s (the input gradient of 1→32 28×28, batch 64, 3.6 ms on one
     * thread). With {@code vectors == false}, the same chains one column at a time, bit for bit.
     */
    static void singleRowProduct(float[] w, int wOff, int rows, float[] xp, int[] starts, int wide, float[] y,
                                 boolean vectors) {
        int lanes = ROW.length();
        int k = 0;
        if (vectors) {
            for (; k + 4 * lanes <= wide; k += 4 * lanes) {
                FloatVector a0 = FloatVector.zero(ROW);
                FloatVector a1 = FloatVector.zero(ROW);
                FloatVector a2 = FloatVector.zero(ROW);
                FloatVector a3 = FloatVector.zero(ROW);
                for (int r = 0; r < rows; r++) {
                    FloatVector wr = FloatVector.broadcast(ROW, w[wOff + r]);
                    int at = starts[r] + k;
                    a0 = wr.fma(FloatVector.fromArray(ROW, xp, at), a0);
                    a1 = wr.fma(FloatVector.fromArray(ROW, xp, at + lanes), a1);
                    a2 = wr.fma(FloatVector.fromArray(ROW, xp, at + 2 * lanes), a2);
                    a3 = wr.fma(FloatVector.fromArray(ROW, xp, at + 3 * lanes), a3);
                }
                ((FloatVector) ROW_TYPE.cast(a0)).intoArray(y, k);
                ((FloatVector) ROW_TYPE.cast(a1)).intoArray(y, k + lanes);
                ((FloatVector) ROW_TYPE.cast(a2)).intoArray(y, k + 2 * lanes);
                ((FloatVector) ROW_TYPE.cast(a3)).intoArray(y, k + 3 * lanes);
            }
            for (; k + lanes <= wide; k += lanes) {
                FloatVector a0 = FloatVector.zero(ROW);
                for (int r = 0; r < rows; r++) {
                    a0 = FloatVector.broadcast(ROW, w[wOff + r]).fma(FloatVector.fromArray(ROW, xp, starts[r] + k), a0);
                }
                ((FloatVector) ROW_TYPE.cast(a0)).intoArray(y, k);
            }
        }
        for (; k < wide; k++) {
            float acc = 0f;
            for (int r = 0; r < rows; r++) {
                acc = Math.fma(w[wOff + r], xp[starts[r] + k], acc);
            }
            y[k] = acc;
        }
    }

    /** Whether blocks of eight samples share out evenly over the threads (or are many enough not to matter). */
    private static boolean blocksShareOut(ConvGeometry g, int threads) {
        int blocks = Math.ceilDiv(g.n(), Interleave.BLOCK);
        return blocks % threads == 0 || blocks >= 4 * threads;
    }

    /** Whether the wide form computes more than a tenth extra columns: (W_q − W_out) / W_out > 0.1. */
    static boolean wideWastes(ConvGeometry g) {
        int wq = Math.ceilDiv(g.w() + 2 * g.padW(), g.strideW());
        return 10 * (wq - g.wOut()) > g.wOut();
    }

    /** {@link #forward(ConvGeometry, Tensor, Tensor, Tensor)} with the column layout chosen by the caller. */
    static Tensor forward(ConvGeometry g, Tensor x, Tensor w, Tensor bias, Columns layout) {
        if (Kernels.REFERENCE_ONLY) {
            return Conv2dReference.forward(g, x, w, bias);
        }
        Tensor xc = x.contiguous();
        Tensor wc = w.contiguous();
        float[] b = bias == null ? null : bias.toArray();
        Tensor y = Tensor.empty(g.outputShape());
        float[] xd = xc.data();
        float[] wd = wc.data();
        float[] yd = y.data();
        int xo = xc.offset();
        int wo = wc.offset();
        int inSample = g.cIn() * g.h() * g.w();
        int hw = g.colCols();
        int rows = g.colRows();
        int cOutG = g.cOutG();
        // The weights are the A of every sample's product: packed once here, shared by all samples (not packed
        // where the one-row product reads them in place).
        boolean oneRow = cOutG == 1 && !isPointwise(g) && layout == Columns.WIDE;
        Gemm.PackedA[] weights = new Gemm.PackedA[g.groups()];
        for (int grp = 0; grp < g.groups() && !oneRow; grp++) {
            weights[grp] = Gemm.packA(false, cOutG, rows, wd, wo + grp * cOutG * rows, rows);
        }
        if (isPointwise(g)) {
            // A 1×1 convolution: the input already is the column matrix.
            Parallel.forRange(g.n(), (n0, n1) -> {
                for (int n = n0; n < n1; n++) {
                    for (int grp = 0; grp < g.groups(); grp++) {
                        // Y_g [C_out/G, HW] = W_g [C_out/G, C_in/G] · X_g [C_in/G, HW]
                        Gemm.PanelB xg = Gemm.rowsOf(xd, xo + n * inSample + grp * g.cInG() * hw, hw);
                        Gemm.sgemm(weights[grp], hw, 1f, xg, 0f, yd, (n * g.cOut() + grp * cOutG) * hw, hw);
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
        ShiftedWindows sw = new ShiftedWindows(g);
        if (layout == Columns.EXACT) {
            int per = ShiftedWindows.BLOCK;
            int cols = hw * per;
            int nr = Gemm.panelWidth();
            int chunk = Math.max(nr, RESULT_FLOATS / cOutG / nr * nr);    // columns per product
            Parallel.forRange(Math.ceilDiv(g.n(), per), (b0, b1) -> {
                for (int block = b0; block < b1; block++) {
                    int first = block * per;
                    int count = Math.min(per, g.n() - first);
                    for (int grp = 0; grp < g.groups(); grp++) {
                        float[] xi = sw.interleavedBuffer();
                        sw.padInterleaved(xd, xo + first * inSample, inSample, count, grp * g.cInG(), xi);
                        // Y_g [C_out/G, H_out·W_out·8] = W_g [C_out/G, rows] · col [rows, H_out·W_out·8], a range
                        // of columns at a time so that the result is still in cache when it is scattered.
                        for (int c0 = 0; c0 < cols; c0 += chunk) {
                            int n = Math.min(chunk, cols - c0);
                            float[] yi = sw.resultBuffer(cOutG, n);
                            Gemm.sgemm(weights[grp], n, 1f, sw.interleavedColumns(xi, c0), 0f, yi, 0, n);
                            sw.scatterInterleaved(yi, cOutG, n, c0 / per, count, yd, first, grp * cOutG, b);
                        }
                    }
                }
            });
            return y;
        }
        Parallel.forRange(g.n(), (n0, n1) -> {
            for (int n = n0; n < n1; n++) {
                for (int grp = 0; grp < g.groups(); grp++) {
                    float[] xp = sw.padded(xd, xo + n * inSample, grp * g.cInG());
                    float[] yw = sw.wideBuffer(cOutG);
                    // Y'_g [C_out/G, H_out·W_q] = W_g [C_out/G, rows] · col' [rows, H_out·W_q]
                    if (oneRow) {
                        singleRowProduct(wd, wo + grp * rows, rows, xp, sw.windowStarts, sw.wide, yw, true);
                    } else {
                        Gemm.sgemm(weights[grp], sw.wide, 1f, sw.columns(xp), 0f, yw, 0, sw.wide);
                    }
                    sw.compact(yw, cOutG, yd, (n * g.cOut() + grp * cOutG) * hw, b, grp * cOutG);
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
        // The geometry of a transposed convolution may carry output padding: rows and columns of the input that
        // the convolution never reads. The flipped convolution would have to produce them (as zeros), so such
        // geometries, like padding wider than the kernel's reach, take the general path.
        boolean exact = g.h() + 2 * g.padH() - g.dilH() * (g.kH() - 1) == g.hOut()
                && g.w() + 2 * g.padW() - g.dilW() * (g.kW() - 1) == g.wOut();
        if (!isPointwise(g) && g.strideH() == 1 && g.strideW() == 1 && exact
                && g.padH() <= g.dilH() * (g.kH() - 1) && g.padW() <= g.dilW() * (g.kW() - 1)) {
            // With stride 1 the input gradient is itself a convolution (Dumoulin and Visin 2016, "A guide to
            // convolution arithmetic", section 4.1): dy, padded by dil·(k − 1) − pad, convolved with the weights
            // flipped in space and with C_in and C_out swapped per group. One fused forward pass replaces the
            // GEMM into a column matrix and the col2im scatter.
            ConvGeometry flipped = new ConvGeometry(g.n(), g.cOut(), g.hOut(), g.wOut(), g.cIn(), g.kH(), g.kW(),
                    1, 1, g.dilH() * (g.kH() - 1) - g.padH(), g.dilW() * (g.kW() - 1) - g.padW(),
                    g.dilH(), g.dilW(), g.groups(), g.h(), g.w());
            Tensor wf = flippedWeight(g, w);
            Tensor dx = forward(flipped, dy, wf, null);
            Recycler.recycleNow(wf);
            return dx;
        }
        if (ChannelsLast.appliesToInputGradient(g)) {
            return ChannelsLast.backwardInput(g, dy.contiguous(), w.contiguous());
        }
        // Blocks of interleaved samples whenever they share out over the threads (the same bits): in one JVM,
        // batch 64, time interleaved/per-sample 0.84 (3×3 stride 2 32→32 28×28), 0.77 (64→64 14×14) and 0.64
        // (transposed 4×4 stride 2 64→64 7→14) on 1 thread, 0.93, 0.93 and 0.69 on 2.
        boolean blocks = !isPointwise(g) && g.n() > 0 && blocksShareOut(g, Parallel.threads());
        return backwardInput(g, dy, w, blocks ? Columns.EXACT : Columns.WIDE);
    }

    /**
     * The input gradient through a GEMM into the column matrix and col2im, on the given columns: one sample per
     * product ({@link Columns#WIDE}), or blocks of eight samples interleaved in the vector lanes
     * ({@link Columns#EXACT}), whose col2im adds a pixel's eight samples as one vector. The same bits either way.
     */
    static Tensor backwardInput(ConvGeometry g, Tensor dy, Tensor w, Columns layout) {
        Tensor dyc = dy.contiguous();
        Tensor wc = w.contiguous();
        // The interleaved form writes every element of dx (its blocks' scatters cover all samples, channels and
        // pixels), and so does a pointwise convolution's product (beta 0, one per sample and group); only the
        // per-sample col2im adds into dx, so only it starts from zeros.
        boolean writesAll = (layout == Columns.EXACT || isPointwise(g)) && g.n() > 0;
        Tensor dx = writesAll ? Tensor.empty(g.inputShape()) : Tensor.zeros(g.inputShape());
        // W_gᵀ is the A of every product: packed once here, shared by all samples.
        Gemm.PackedA[] weightsT = new Gemm.PackedA[g.groups()];
        for (int grp = 0; grp < g.groups(); grp++) {
            weightsT[grp] = Gemm.packA(true, g.colRows(), g.cOutG(), wc.data(),
                    wc.offset() + grp * g.cOutG() * g.colRows(), g.colRows());
        }
        if (layout == Columns.EXACT) {
            backwardInputInterleaved(g, dyc.data(), dyc.offset(), weightsT, dx.data());
        } else {
            backwardInputPerSample(g, dyc.data(), dyc.offset(), weightsT, dx.data());
        }
        return dx;
    }

    /**
     * dx from dy, one sample per product: a pointwise product straight into dx (every element written), or GEMM +
     * col2im (added into dx, zeros to start).
     */
    private static void backwardInputPerSample(ConvGeometry g, float[] dyd, int dyo, Gemm.PackedA[] weightsT,
                                               float[] dxd) {
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
                        Gemm.sgemm(weightsT[grp], hw, 1f, Gemm.rowsOf(dyd, dyOff, hw), 0f,
                                dxd, n * inSample + grp * g.cInG() * hw, hw);
                    } else {
                        // dcol [rows, HW] = W_gᵀ [rows, C_out/G] · dY_g [C_out/G, HW]
                        Gemm.sgemm(weightsT[grp], hw, 1f, Gemm.rowsOf(dyd, dyOff, hw), 0f, col, 0, hw);
                        Im2Col.col2im(g, col, dxd, n * inSample, grp * g.cInG());
                    }
                }
            }
        });
    }

    /**
     * dx (every element written) from dy for blocks of {@link Interleave#BLOCK} samples: per block and group, dY
     * interleaved ({@link Interleave#rows}), then
     * <pre>
     * dcol [rows, H_out·W_out·8] = W_gᵀ [rows, C_out/G] · dYi [C_out/G, H_out·W_out·8]
     * </pre>
     * one product for the block instead of one per sample, col2im with a vector add per pixel ({@link
     * Im2Col#col2imInterleaved}; the scalar col2im of the per-sample form was about a third of a stride-2 input
     * gradient), and the interleaved dx moved back into place ({@link Interleave#scatter}).
     */
    private static void backwardInputInterleaved(ConvGeometry g, float[] dyd, int dyo, Gemm.PackedA[] weightsT,
                                                 float[] dxd) {
        int per = Interleave.BLOCK;
        int inPixels = g.h() * g.w();
        int inSample = g.cIn() * inPixels;
        int hw = g.colCols();
        int cols = hw * per;
        int rows = g.colRows();
        int cOutG = g.cOutG();
        boolean vectors = !Kernels.REFERENCE_ONLY;
        Parallel.forRange(Math.ceilDiv(g.n(), per), (b0, b1) -> {
            for (int block = b0; block < b1; block++) {
                int first = block * per;
                int count = Math.min(per, g.n() - first);
                for (int grp = 0; grp < g.groups(); grp++) {
                    float[] dyi = INTERLEAVED_GRADIENT.floats(cOutG * cols);
                    Interleave.rows(dyd, dyo + (first * g.cOut() + grp * cOutG) * hw, g.cOut() * hw, count, cOutG, hw,
                            dyi, vectors);
                    float[] col = columns(rows * cols);
                    Gemm.sgemm(weightsT[grp], cols, 1f, Gemm.rowsOf(dyi, 0, cols), 0f, col, 0, cols);
                    float[] dxi = INTERLEAVED_INPUT.floats(g.cInG() * inPixels * per);
                    java.util.Arrays.fill(dxi, 0, g.cInG() * inPixels * per, 0f);
                    Im2Col.col2imInterleaved(g, col, dxi, vectors);
                    Interleave.scatter(dxi, inPixels * per, g.cInG(), inPixels, count, dxd,
                            first * inSample + grp * g.cInG() * inPixels, inPixels, inSample, null, 0, vectors);
                }
            }
        });
    }

    /** Floats of w' a task of {@link #flippedWeight} writes at least (a copy: tasks of a few microseconds). */
    static final int FLIP_TASK_FLOATS = 1 << 13;

    /**
     * w' [C_in, C_out/G, kH, kW] with {@code w'[g·C_in/G + c][o][p][q] = w[g·C_out/G + o][c][kH−1−p][kW−1−q]}:
     * the weights of the stride-1 input-gradient convolution. From the pool inside a recycler scope (every element
     * is written), so that its caller can give it back.
     */
    static Tensor flippedWeight(ConvGeometry g, Tensor w) {
        Tensor wc = w.contiguous();
        float[] src = wc.data();
        int so = wc.offset();
        int kH = g.kH();
        int kW = g.kW();
        int taps = kH * kW;
        int cInG = g.cInG();
        int cOutG = g.cOutG();
        Tensor flipped = Tensor.empty(g.cIn(), cOutG, kH, kW);
        float[] dst = flipped.data();
        // Runs of input channels (rows of w') per task: on one thread, this loop was about 2 ms of the 2-thread
        // training step, with the worker idle (JFR).
        Parallel.forRuns(g.cIn(), cOutG * taps, FLIP_TASK_FLOATS, (r0, r1) -> {
            for (int row = r0; row < r1; row++) {
                int grp = row / cInG;
                int c = row % cInG;
                for (int o = 0; o < cOutG; o++) {                          // dst written in order
                    int from = so + ((grp * cOutG + o) * cInG + c) * taps;
                    int to = (row * cOutG + o) * taps;
                    for (int t = 0; t < taps; t++) {
                        dst[to + taps - 1 - t] = src[from + t];
                    }
                }
            }
        });
        return flipped;
    }

    /**
     * dw = Σ_n dY_g[n] · col[n]ᵀ. A 1×1 convolution sums per-sample GEMMs over fixed sample blocks in block
     * order; every other geometry is one product over the whole batch ({@link #backwardWeightBatched}).
     */
    public static Tensor backwardWeight(ConvGeometry g, Tensor x, Tensor dy) {
        if (Kernels.REFERENCE_ONLY) {
            return Conv2dReference.backwardWeight(g, x, dy);
        }
        Tensor xc = x.contiguous();
        Tensor dyc = dy.contiguous();
        if (Winograd4.appliesToWeightGradient(g)) {
            return Winograd4.backwardWeight(g, xc, dyc);
        }
        if (Winograd.appliesToWeightGradient(g)) {
            return Winograd.backwardWeight(g, xc, dyc);
        }
        if (ChannelsLast.appliesToWeightGradient(g)) {
            return ChannelsLast.backwardWeight(g, xc, dyc);
        }
        float[] xd = xc.data();
        float[] dyd = dyc.data();
        int xo = xc.offset();
        int dyo = dyc.offset();
        if (!isPointwise(g)) {
            // Exact columns where the wide form wastes more than a tenth, stride 1: in one JVM, batch 64, 1 thread,
            // time exact/wide 0.83-0.85 at 7×7 and 0.92-0.97 at 14×14 (64 and 128 channels), but 1.07 for stride
            // 2 from 14×14 (its phases are laid out through a staging copy) and 1.10 at 28×28.
            boolean exact = g.cOutG() > 1 && wideWastes(g) && g.strideH() == 1 && g.strideW() == 1;
            return backwardWeight(g, xd, xo, dyd, dyo, exact ? Columns.EXACT : Columns.WIDE);
        }
        int inSample = g.cIn() * g.h() * g.w();
        int hw = g.colCols();
        int rows = g.colRows();
        int cOutG = g.cOutG();
        int wSize = g.cOut() * rows;
        int tasks = Parallel.taskCount(g.n(), SAMPLES_PER_TASK);
        float[] partials = new float[tasks * wSize];
        Parallel.forRange(tasks, (t0, t1) -> {
            for (int task = t0; task < t1; task++) {
                int pOff = task * wSize;
                int nEnd = Math.min(g.n(), (task + 1) * SAMPLES_PER_TASK);
                for (int n = task * SAMPLES_PER_TASK; n < nEnd; n++) {
                    for (int grp = 0; grp < g.groups(); grp++) {
                        // dW_g [C_out/G, C_in/G] += dY_g [C_out/G, HW] · X_gᵀ [HW, C_in/G]
                        Gemm.sgemm(false, true, cOutG, rows, hw, 1f, dyd, dyo + (n * g.cOut() + grp * cOutG) * hw, hw,
                                xd, xo + n * inSample + grp * g.cInG() * hw, hw, 1f, partials, pOff + grp * cOutG * rows,
                                rows);
                    }
                }
            }
        });
        float[] dw = new float[wSize];
        addInOrder(partials, tasks, wSize, dw);
        return Tensor.wrap(dw, g.weightShape());
    }

    /**
     * The weight gradient of a geometry that is not pointwise, on the given columns: {@link
     * #backwardWeightInterleaved} or {@link #backwardWeightBatched}. Unlike the forward's, this choice changes the
     * order of the sums, so it depends on the geometry alone, never on the thread count.
     */
    static Tensor backwardWeight(ConvGeometry g, float[] xd, int xo, float[] dyd, int dyo, Columns layout) {
        return layout == Columns.EXACT ? backwardWeightInterleaved(g, xd, xo, dyd, dyo)
                : backwardWeightBatched(g, xd, xo, dyd, dyo);
    }

    /**
     * The weight gradient on exact columns: per group and block of {@link ShiftedWindows#BLOCK} samples
     * interleaved in the vector lanes (the forward's layout, {@link ShiftedWindows#padInterleaved}),
     * <pre>
     * dWᵀ_g,block [rows, C_out/G] = col_block [rows, H_out·W_out·8] · dYt_block [H_out·W_out·8, C_out/G]
     * </pre>
     * through {@link GatherGemm}'s segmented form: segment i is output row i, whose run in row r of the column
     * matrix is the {@code W_out·8} floats of the interleaved images from {@code (base(r) + i·W_q)·8}, segments
     * {@code W_q·8} floats apart; dYt holds dY transposed to [pixel·8 + sample, channel] in 16-column slivers
     * ({@link ShiftedWindows#interleavedGradientSlivers}). K is exactly the block's pixels, with none of the wide
     * form's zero rows (14% of K at 14×14, 29% at 7×7). Blocks are fixed by the geometry, their partials added in
     * block order, so the result is the same on any number of threads; when there are fewer blocks than twice the
     * threads, the rows of dWᵀ are cut among tasks too (each task then lays out its block itself).
     */
    private static Tensor backwardWeightInterleaved(ConvGeometry g, float[] xd, int xo, float[] dyd, int dyo) {
        ShiftedWindows sw = new ShiftedWindows(g);
        int per = ShiftedWindows.BLOCK;
        int inSample = g.cIn() * g.h() * g.w();
        int hw = g.colCols();
        int rows = g.colRows();
        int cOutG = g.cOutG();
        int nr = Gemm.panelWidth();
        int slivers = Math.ceilDiv(cOutG, nr);
        int blocks = Math.ceilDiv(g.n(), per);
        int k = hw * per;
        int[] starts = sw.interleavedStarts();
        // Row cuts of four rows each at least (GatherGemm's tile height); they change no bits.
        int rowCuts = Math.clamp(Math.ceilDiv(2 * Parallel.threads(), Math.max(1, blocks)), 1, Math.max(1, rows / 4));
        int rowsPerCut = Math.ceilDiv(Math.ceilDiv(rows, rowCuts), 4) * 4;
        int wtSize = rows * cOutG;
        return weightGradientOfBlocks(g, blocks, (c0, o0, partials) ->
            Parallel.forRange(blocks * rowCuts, (t0, t1) -> {
                for (int task = t0; task < t1; task++) {
                    int block = task / rowCuts;
                    int r0 = (task % rowCuts) * rowsPerCut;
                    int r1 = Math.min(rows, r0 + rowsPerCut);
                    if (r0 >= r1) {
                        continue;
                    }
                    int first = block * per;
                    int count = Math.min(per, g.n() - first);
                    float[] xi = sw.interleavedBuffer();
                    sw.padInterleaved(xd, xo + first * inSample, inSample, count, c0, xi);
                    float[] dyt = BLOCK_GRADIENT.floats(slivers * k * nr);
                    sw.interleavedGradientSlivers(dyd, dyo + (first * g.cOut() + o0) * hw, cOutG, count, dyt);
                    int[] aRow = r0 == 0 ? starts : java.util.Arrays.copyOfRange(starts, r0, r1);
                    for (int sl = 0; sl < slivers; sl++) {
                        GatherGemm.sgemm(r1 - r0, Math.min(nr, cOutG - sl * nr), g.hOut(), g.wOut() * per, xi, aRow,
                                sw.wq * per, dyt, sl * k * nr, nr, 0f, partials, block * wtSize + r0 * cOutG + sl * nr,
                                cOutG);
                    }
                }
            }));
    }

    /**
     * Fills the partial sums dWᵀ_g,block [rows, C_out/G] of every block of one group (input channels from c0,
     * output channels from o0), one after another in {@code partials}.
     */
    @FunctionalInterface
    private interface BlockPartials {
        void fill(int c0, int o0, float[] partials);
    }

    /**
     * The scaffold both weight-gradient layouts share: per group, the blocks' partial sums (from {@code
     * partials}), then dWᵀ_g = Σ_block dWᵀ_g,block in block order and dW_g [C_out/G, rows] = (dWᵀ_g)ᵀ.
     */
    private static Tensor weightGradientOfBlocks(ConvGeometry g, int blocks, BlockPartials partials) {
        int rows = g.colRows();
        int cOutG = g.cOutG();
        int wtSize = rows * cOutG;
        float[] perBlock = new float[blocks * wtSize];                   // per block: dWᵀ_g [rows, C_out/G]
        float[] dw = new float[g.cOut() * rows];
        for (int grp = 0; grp < g.groups(); grp++) {
            float[] sum = new float[wtSize];                             // dWᵀ_g, zeros to start the sum
            partials.fill(grp * g.cInG(), grp * cOutG, perBlock);
            addInOrder(perBlock, blocks, wtSize, sum);
            transposeInto(sum, rows, cOutG, dw, grp * cOutG * rows);
        }
        return Tensor.wrap(dw, g.weightShape());
    }

    /** {@code dw[at + o·rows + r] = sum[r·cols + o]}: dWᵀ_g back to [C_out/G, rows], output channels split among tasks. */
    private static void transposeInto(float[] sum, int rows, int cols, float[] dw, int at) {
        Parallel.forRange(cols, (a0, a1) -> {
            for (int o = a0; o < a1; o++) {
                int dst = at + o * rows;
                for (int r = 0; r < rows; r++) {
                    dw[dst + r] = sum[r * cols + o];
                }
            }
        });
    }

    /**
     * The weight gradient with both operands read in place ({@link GatherGemm}'s segmented form): per group
     * and block of samples,
     * <pre>
     * dWᵀ_g,block [rows, C_out/G] = Σ_{n in block} col'_n [rows, wide] · dYt_n [wide, C_out/G]
     * </pre>
     * where the rows of col'_n are shifted windows of sample n's padded image ({@link ShiftedWindows}), the
     * block's padded images lie {@link ShiftedWindows#paddedSize} floats apart (rounded up to a cache line),
     * and dYt is dY transposed, sample after sample, with zero rows for the extra columns, in 16-column
     * slivers. A block's K runs over all of its samples, so a small image no longer pays a C update per sample
     * (K = 63 per sample at 7×7): blocks hold about {@link #BLOCK_COLUMNS} columns, but at most 1/{@link
     * #MIN_BLOCKS} of the batch, so that there are tasks for every thread (4 samples per block at 28×28, 8 at
     * 14×14 and 7×7 for a batch of 64). Each task owns one block: it pads its images and transposes its
     * gradient into its own buffers, which stay in cache, and writes the block's partial sum. The partials
     * are added in block order while dWᵀ is transposed back to [C_out, C_in/G, kH, kW]; the blocks depend on
     * the geometry alone, so the result is the same on any number of threads.
     */
    private static Tensor backwardWeightBatched(ConvGeometry g, float[] xd, int xo, float[] dyd, int dyo) {
        ShiftedWindows sw = new ShiftedWindows(g);
        int inSample = g.cIn() * g.h() * g.w();
        int hw = g.colCols();
        int rows = g.colRows();
        int cOutG = g.cOutG();
        int nr = Gemm.panelWidth();
        int slivers = Math.ceilDiv(cOutG, nr);
        int stride = Math.ceilDiv(sw.paddedSize(), CACHE_LINE_FLOATS) * CACHE_LINE_FLOATS;
        int perBlock = Math.clamp(Math.min(BLOCK_COLUMNS / sw.wide, g.n() / MIN_BLOCKS), 1, Math.max(1, g.n()));
        int blocks = Math.ceilDiv(g.n(), perBlock);
        int wtSize = rows * cOutG;
        return weightGradientOfBlocks(g, blocks, (c0, o0, partials) ->
            Parallel.forRange(blocks, (b0, b1) -> {
                for (int block = b0; block < b1; block++) {
                    int first = block * perBlock;
                    int samples = Math.min(perBlock, g.n() - first);
                    int k = samples * sw.wide;
                    float[] xp = BLOCK_PADDED.floats(samples * stride);
                    if (cOutG == 1) {
                        // One output channel: dy's wide row per sample, and one dot product per row of dWᵀ.
                        float[] dyw = BLOCK_GRADIENT.floats(k);
                        for (int s = 0; s < samples; s++) {
                            sw.padInto(xd, xo + (first + s) * inSample, c0, xp, s * stride);
                            java.util.Arrays.fill(xp, s * stride + sw.paddedSize(), (s + 1) * stride, 0f);
                            wideRow(dyd, dyo + ((first + s) * g.cOut() + o0) * hw, g.hOut(), g.wOut(), sw.wq, dyw,
                                    s * sw.wide);
                        }
                        singleColumnProduct(rows, samples, sw.wide, xp, sw.windowStarts, stride, dyw, partials,
                                block * wtSize, true);
                        continue;
                    }
                    float[] dyt = BLOCK_GRADIENT.floats(slivers * k * nr);
                    for (int s = 0; s < samples; s++) {
                        sw.padInto(xd, xo + (first + s) * inSample, c0, xp, s * stride);
                        java.util.Arrays.fill(xp, s * stride + sw.paddedSize(), (s + 1) * stride, 0f);
                        sw.gradientSlivers(dyd, dyo + ((first + s) * g.cOut() + o0) * hw, cOutG, dyt, k, s * sw.wide);
                    }
                    for (int sl = 0; sl < slivers; sl++) {
                        GatherGemm.sgemm(rows, Math.min(nr, cOutG - sl * nr), samples, sw.wide, xp, sw.windowStarts,
                                stride, dyt, sl * k * nr, nr, 0f, partials, block * wtSize + sl * nr, cOutG);
                    }
                }
            }));
    }

    /**
     * dy's plane {@code [hOut, wOut]} at {@code dy[off]} as a wide row of {@code hOut·wq} floats at {@code out[at]}:
     * output row i at {@code i·wq}, zeros in the {@code wq − wOut} extra columns (which the windows of the padded
     * input fill with pixels across the row's edge).
     */
    private static void wideRow(float[] dy, int off, int hOut, int wOut, int wq, float[] out, int at) {
        for (int i = 0; i < hOut; i++) {
            System.arraycopy(dy, off + i * wOut, out, at + i * wq, wOut);
            java.util.Arrays.fill(out, at + i * wq + wOut, at + (i + 1) * wq, 0f);
        }
    }

    /**
     * The weight gradient of a convolution with one output channel per group, one block of samples:
     * {@code out[outOff + r] = Σ_{s < samples} Σ_{k < wide} xp[s·stride + starts[r] + k] · dyw[s·wide + k]} for
     * each row r of the column matrix, a dot product of a shifted window with dy's wide row (zeros in the extra
     * columns). In the GEMM this product had one column of a 16-column sliver (6.5 ms for the U-Net's 32→1
     * output convolution at batch 64 on one thread). Four vector chains per row over (s, k) in order, added in a
     * fixed order, their lanes one by one, then the scalar tail: the same bits on any thread count and in every
     * run. With {@code vectors == false}, one
     * scalar chain (the reference for its test, to a tolerance).
     */
    static void singleColumnProduct(int rows, int samples, int wide, float[] xp, int[] starts, int stride,
                                    float[] dyw, float[] out, int outOff, boolean vectors) {
        int lanes = ROW.length();
        int vectorEnd = vectors ? wide - wide % (4 * lanes) : 0;
        for (int r = 0; r < rows; r++) {
            FloatVector a0 = FloatVector.zero(ROW);
            FloatVector a1 = FloatVector.zero(ROW);
            FloatVector a2 = FloatVector.zero(ROW);
            FloatVector a3 = FloatVector.zero(ROW);
            float tail = 0f;
            for (int s = 0; s < samples; s++) {
                int x0 = s * stride + starts[r];
                int d0 = s * wide;
                for (int k = 0; k < vectorEnd; k += 4 * lanes) {
                    a0 = FloatVector.fromArray(ROW, xp, x0 + k).fma(FloatVector.fromArray(ROW, dyw, d0 + k), a0);
                    a1 = FloatVector.fromArray(ROW, xp, x0 + k + lanes)
                            .fma(FloatVector.fromArray(ROW, dyw, d0 + k + lanes), a1);
                    a2 = FloatVector.fromArray(ROW, xp, x0 + k + 2 * lanes)
                            .fma(FloatVector.fromArray(ROW, dyw, d0 + k + 2 * lanes), a2);
                    a3 = FloatVector.fromArray(ROW, xp, x0 + k + 3 * lanes)
                            .fma(FloatVector.fromArray(ROW, dyw, d0 + k + 3 * lanes), a3);
                }
                for (int k = vectorEnd; k < wide; k++) {
                    tail = Math.fma(xp[x0 + k], dyw[d0 + k], tail);
                }
            }
            // The lanes added one by one, in order (a pinned training curve moved between runs with reduceLanes).
            out[outOff + r] = ReductionKernels.lanesInOrder(a0.add(a1).add(a2.add(a3))) + tail;
        }
    }

    /**
     * {@code into[i] += Σ_t partials[t·size + i]} for t = 0, 1, ... count − 1 in that order, the fixed order that
     * makes a sum of per-task partials the same on any number of threads: contiguous vector adds, the elements
     * cut into chunks across threads.
     */
    static void addInOrder(float[] partials, int count, int size, float[] into) {
        Parallel.forRange(Parallel.taskCount(size, SUM_GRAIN), (c0, c1) -> {
            int from = c0 * SUM_GRAIN;
            int len = Math.min(size, c1 * SUM_GRAIN) - from;
            for (int t = 0; t < count; t++) {
                ElementwiseKernels.binary(BinaryOp.ADD, into, from, partials, t * size + from, into, from, len);
            }
        });
    }

    /**
     * Channels per task of {@link #backwardBias}. With a task per channel, its planes lay C_out·H·W floats apart
     * and the sum waited on memory plane by plane: dy of 3×3 stride-2 32→32 28×28 at batch 64 (1.6 MB, read after
     * the weight gradient in a fwd+bwd), 0.12-0.15 ms on 1 thread against 0.056-0.059 with tasks of 8 channels.
     */
    static final int BIAS_CHANNELS = 8;

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
        // Tasks of BIAS_CHANNELS channels, each walking the samples in order and, per sample, its channels' planes,
        // which lie one after the other: one read stream per task instead of one per plane.
        Parallel.forRange(Math.ceilDiv(g.cOut(), BIAS_CHANNELS), (t0, t1) -> {
            int o0 = t0 * BIAS_CHANNELS;
            int o1 = Math.min(g.cOut(), t1 * BIAS_CHANNELS);
            for (int n = 0; n < g.n(); n++) {
                for (int o = o0; o < o1; o++) {
                    // One plane, summed on the Vector API (a scalar loop is one dependent add per element); db[o]
                    // adds the samples' sums in sample order from zero.
                    db[o] += ReductionKernels.sum(d, off + (n * g.cOut() + o) * hw, hw);
                }
            }
        });
        return Tensor.wrap(db, g.cOut());
    }
}
