package dev.sfumato.nn.kernels;

import dev.sfumato.tensor.Parallel;
import dev.sfumato.tensor.Recycler;
import dev.sfumato.tensor.Tensor;
import dev.sfumato.tensor.kernels.Kernels;
import dev.sfumato.tensor.kernels.Scratch;
import dev.sfumato.tensor.kernels.Transpose;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntBinaryOperator;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.Vector;
import jdk.incubator.vector.VectorSpecies;

/**
 * Convolutions on channels-last images, channels in the vector lanes (the layout of oneDNN's direct kernels), so
 * that a stride needs no gather, no phase split and no wasted columns: the strided convolutions' three products,
 * and the weight gradient of stride-1 ones with 32 channels each way (where the lanes fill; see the
 * {@code appliesTo} rules, which {@link Conv2dKernels} follows).
 *
 * <p>Trick, forward: the output channels are the lanes, and x is read where it lies. The forward, transposed,
 * <pre>
 * Yᵀ [H_out·W_out, C_out] = col [H_out·W_out, kH·kW·C_in] · Wᵀ [kH·kW·C_in, C_out]
 * </pre>
 * is a product whose B is the weights reordered to (p, q, c) and cut into dense slivers once per call, and whose
 * A is never formed: output pixel (i, j) is a row that starts at its window's corner in the NCHW sample, x[0, s_h·i −
 * pad_h, s_w·j − pad_w], and step (p, q, c) reads x[c, ·+p, ·+q], {@code c·H·W + p·W + q} floats on, from a table
 * shared by every row ({@link #product}). The micro-kernel broadcasts one float of A per row and step anyway, so
 * reading it from x's planes costs what reading it from a channels-last copy did, and the copy (a transpose of the
 * whole input, its reads from memory in a phase of their own) is gone: the forward alone 8-13% faster on one thread
 * (stride-2 32→32 28×28 and 64→64 14×14). A stride costs nothing, no column is computed and dropped, and no panel is
 * packed per sample. Rows whose window reaches past the image form products of their own whose K lists only their
 * taps inside it ({@link #parts}: 9.3% of the FMAs of a 3×3 stride-2 convolution at 14×14; with no zero border to
 * read, no row lists a tap outside). Register transposes move the pixel-major result into NCHW
 * ({@link #fromChannelsLast}).
 *
 * <p>Trick, input gradient: dx(h, w) collects dy(i, j)·w(p, q) over the taps with {@code s_h·i + p − pad_h = h},
 * that is {@code p ≡ h + pad_h (mod s_h)}. The pixels of dx fall into s_h·s_w classes by (h + pad_h) mod s_h
 * and (w + pad_w) mod s_w, and within a class the taps are fixed: taps p = ρ, ρ + s, ... read dy rows i0, i0 − 1,
 * ... (i0 = (h + pad_h − ρ)/s). Read in increasing i from dy in place, as the forward reads x, each class is one
 * product of the same kind, with its own reordered weights, written straight into the class's pixels of a
 * channels-last dx: no column matrix and no col2im (the polyphase form of the transposed convolution; with stride 2
 * and a 3×3 kernel the classes have 4, 2, 2 and 1 taps). Its pixels whose taps reach past dy's edge are parts of
 * their own too.
 *
 * <p>Trick, weight gradient: per kernel tap, {@code dW_pq [C_out, C_in] = Σ_pixels dy ⊗ x}, an outer-product
 * sum in which only one of the two needs its channels contiguous (the lanes); the other is broadcast one float
 * at a time from its NCHW planes, where a stride costs nothing. So only the smaller of x and dy is copied
 * channels-last (dy for a strided convolution, a quarter of x's pixels at stride 2), and both are read through
 * per-tap tables of the pixels whose tap falls inside x
 * ({@link #backwardWeight(ConvGeometry, Tensor, Tensor, boolean, boolean)}).
 *
 * <p>The micro-kernels hold a tile of 4 rows × 16 channels in 256-bit registers, or 4 × 32 in 512-bit ones where the
 * CPU has them ({@link #WIDE}), 4 × 64 there where the channels come in multiples of 64 (the weight gradient also two
 * taps' 4 × 32 tiles at once, or 8 × 32 for a tap without a partner). Each element is the same chain of FMAs in the
 * same order (s, p) from zero either way, so the bits are the same on every machine and on any number of threads (tasks
 * are groups of samples, and the weight gradient adds its blocks' partial sums in block order). {@link Conv2dReference}
 * is the specification; the layout moves have scalar twins ({@code vectors == false}) and the two widths are held equal
 * bit for bit by the tests.
 */
final class ChannelsLast {

    /** Rows of the register tile, on either kernel. */
    static final int MR = 4;

    /** Channels on the K side of a product (input channels of the forward) below which its runs are too short. */
    static final int MIN_CHANNELS = 8;

    /**
     * Whether the 4 × 32 tile in 512-bit registers is used: with native 512-bit vectors (AVX-512), where it
     * halves the instructions per FMA. Measured on the forward's product alone (3×3 stride-2 shapes of the
     * U-Net, batch 64, one thread, Zen 4, whose FMA peak is 116 GFLOP/s): 105-110 GFLOP/s, against 96-104 for
     * a 6 × 32 tile (Zen 4 runs a 512-bit FMA in two halves, so eight accumulators already cover its latency)
     * and 91-93 for the 4 × 16 tile in 256-bit registers; a 6 × 16 tile there was slower still (83-87).
     */
    static final boolean WIDE = Kernels.NATIVE_512;

    private static final VectorSpecies<Float> F = Kernels.F;                 // 8 lanes
    private static final VectorSpecies<Float> Z = FloatVector.SPECIES_512;  // 16 lanes

    /**
     * The exact classes of {@link #F}'s and {@link #Z}'s vectors. The micro-kernels store each accumulator through
     * {@code ((FloatVector) Z_TYPE.cast(c)).intoArray(...)}, not {@code c.intoArray(...)}: the cast (free where
     * C2 already knows the class) tells C2 the exact class of a value it may otherwise know only as
     * {@code FloatVector} (a loop phi of intrinsics it inlined late). Without it, {@code intoArray} dispatches
     * through a call-site profile shared by every caller in the process, which the 256-bit kernels elsewhere fill
     * with other vector classes; C2 then keeps a real path for those, must materialise the accumulators as objects,
     * and allocated one per FMA in every kernel compiled after the profile filled (seen when two different 512-bit
     * kernels first ran in one process: the second took ten times as long, 30 instead of 3 ms for the stride-2
     * 64→64 14×14 forward, depending on which shape ran first).
     */
    private static final Class<? extends Vector<Float>> F_TYPE = F.vectorType();
    private static final Class<? extends Vector<Float>> Z_TYPE = Z.vectorType();

    private static final Scratch RESULT = new Scratch();
    private static final Scratch TILE = new Scratch();
    private static final Scratch BLOCK_IMAGES = new Scratch();

    /** toChannelsLast's table of pixel offsets (a new array per call was 4 MB of garbage per training step). */
    private static final Scratch PIXELS = new Scratch();

    private ChannelsLast() {}

    /** Columns of a B sliver, and of the register tile: 32 on the wide kernel, 16 on the narrow one. */
    static int width(boolean wide) {
        return wide ? 32 : 16;
    }

    /**
     * Columns of the slivers of a product with n columns: on the wide kernel 64 where n is a multiple of 64 (the
     * 4 × 64 tile, {@link #kernel4x64}), else 32; 16 on the narrow one.
     */
    static int sliverWidth(boolean wide, int n) {
        return wide && n % 64 == 0 ? 64 : width(wide);
    }

    /**
     * Channels in the vector lanes below which a product leaves too much of the 32-column tile empty: in one JVM
     * (batch 64, 3×3 stride 2 at 28×28, Zen 4), against the shifted-window paths, 16 channels in the lanes took
     * 1.15-1.43× as long and 8 channels up to 1.8×, while 32 took 0.67-0.92×.
     */
    static final int LANE_CHANNELS = 32;

    /** What every product here needs: one group, no dilation, a sample to compute (and vectors to use). */
    private static boolean eligible(ConvGeometry g) {
        return !Kernels.REFERENCE_ONLY && g.groups() == 1 && g.dilH() == 1 && g.dilW() == 1 && g.n() > 0;
    }

    private static boolean strided(ConvGeometry g) {
        return g.strideH() > 1 || g.strideW() > 1;
    }

    /**
     * Whether this path computes the forward: a stride above 1 (stride 1 has Winograd and the shifted windows,
     * which waste no column worth the layout change), {@link #LANE_CHANNELS} output channels (the lanes) and
     * {@link #MIN_CHANNELS} input channels.
     */
    static boolean appliesToForward(ConvGeometry g) {
        return eligible(g) && strided(g) && g.cOut() >= LANE_CHANNELS && g.cIn() >= MIN_CHANNELS;
    }

    /** Whether this path computes the input gradient: a stride above 1, {@link #LANE_CHANNELS} input channels. */
    static boolean appliesToInputGradient(ConvGeometry g) {
        return eligible(g) && strided(g) && g.cIn() >= LANE_CHANNELS && g.cOut() >= MIN_CHANNELS;
    }

    /**
     * Whether this path computes the weight gradient (where Winograd's does not, which its caller checks first):
     * {@link #LANE_CHANNELS} input channels, and with stride 1 as many output channels and a kernel larger than
     * 1×1. In one JVM (batch 64, 3×3 stride 1, 1 and 2 threads), against the shifted-window weight gradient:
     * 0.85-0.88 (32→32 and 32→64 at 28×28), 0.87-0.93 (at 14×14), 0.93 (64→32 28×28), 0.94-1.02 (96→32);
     * against Winograd's (64 channels each way and more) 1.2-1.6, so those stay there. (Measured with an earlier
     * form of this weight gradient, x always in the lanes and a chunk of pixels per call; the present form ran at
     * 0.89-0.96 of that one's time on every one of these shapes.)
     */
    static boolean appliesToWeightGradient(ConvGeometry g) {
        return eligible(g) && g.cIn() >= LANE_CHANNELS && g.cOut() >= MIN_CHANNELS
                && (strided(g) || (g.cOut() >= LANE_CHANNELS && g.kH() * g.kW() > 1));
    }

    /** y = conv2d(x, w) + b, x and w contiguous, b [C_out] or null: any geometry with one group and no dilation. */
    static Tensor forward(ConvGeometry g, Tensor x, Tensor w, float[] bias) {
        return forward(g, x, w, bias, true, WIDE);
    }

    /**
     * {@link #forward(ConvGeometry, Tensor, Tensor, float[])} with the layout moves in vectors or one by one,
     * on the wide or the narrow kernel.
     */
    static Tensor forward(ConvGeometry g, Tensor x, Tensor w, float[] bias, boolean vectors, boolean wide) {
        int cIn = g.cIn();
        int cOut = g.cOut();
        int pixels = g.hOut() * g.wOut();
        int width = sliverWidth(wide, cOut);
        // Wᵀ[(p, q, c), o] = w[o, c, p, q]: row (p·kW + q)·C_in + c, column o
        int taps = g.kH() * g.kW();
        int[] rowAt = new int[taps * cIn];
        for (int tap = 0; tap < taps; tap++) {
            for (int c = 0; c < cIn; c++) {
                rowAt[tap * cIn + c] = c * taps + tap;
            }
        }
        float[] slivers = slivers(w.data(), w.offset(), rowAt, cIn * taps, cOut, width);
        // A task is a group of samples whose pixels together are rows of one product, so that the last tile of
        // 4 rows is not mostly waste at small sizes (7×7 = 49 pixels: 52 rows computed alone, 196 for 196 in a
        // group of 4).
        int per = samplesPerGroup(pixels, g.n());
        Part[] parts = forwardParts(g, per, slivers, width);
        Tensor y = Tensor.empty(g.outputShape());
        float[] xd = x.data();
        float[] yd = y.data();
        int inSample = cIn * g.h() * g.w();
        int outSample = cOut * pixels;
        Parallel.forRange(Math.ceilDiv(g.n(), per), (t0, t1) -> {
            float[] yt = RESULT.floats(per * outSample);
            for (int task = t0; task < t1; task++) {
                int first = task * per;
                int count = Math.min(per, g.n() - first);
                // Yᵀ [count·pixels, C_out] = col [count·pixels, kH·kW·C_in] · Wᵀ [kH·kW·C_in, C_out], by parts, A
                // read from x in place
                for (Part part : parts) {
                    product(wide, count * part.perSample(), cOut, part.aOff(), xd, part.aRow(),
                            x.offset() + first * inSample, part.slivers(), yt, part.cRow());
                }
                for (int s = 0; s < count; s++) {
                    fromChannelsLast(yt, s * outSample, pixels, cOut, bias, yd, (first + s) * outSample, vectors);
                }
            }
        });
        return y;
    }

    /**
     * The forward's product for a group of {@code count} samples, by {@link #parts}, reading x in place (NCHW). Row
     * (s, pixel): output pixel (i, j) of the group's sample s starts at its window's corner, x[s, 0, s_h·i − pad_h,
     * s_w·j − pad_w] (which may lie before the image: only its taps inside are read), and is row s·pixels + i·W_out +
     * j of the result. Its taps inside x are p in [pad_h − s_h·i, H − 1 + pad_h − s_h·i] (likewise q); with no zero
     * border to fall back on, every part is exact, also where it ends in a partial tile.
     */
    static Part[] forwardParts(ConvGeometry g, int count, float[] slivers, int width) {
        int plane = g.h() * g.w();
        int inSample = g.cIn() * plane;
        int pixels = g.hOut() * g.wOut();
        int[] spans = new int[4 * pixels];
        for (int i = 0; i < g.hOut(); i++) {
            for (int j = 0; j < g.wOut(); j++) {
                span(spans, i * g.wOut() + j, g.padH() - g.strideH() * i, g.h() - 1 + g.padH() - g.strideH() * i,
                        g.kH(), g.padW() - g.strideW() * j, g.w() - 1 + g.padW() - g.strideW() * j, g.kW());
            }
        }
        // Step (p, q, c) of a row reads x[c, ·+p, ·+q], c·H·W + p·W + q floats after the window's corner.
        return parts(new Runs(g.kH(), g.kW(), g.cIn(), plane, g.w()), count, pixels, spans,
                (sample, pixel) -> sample * inSample + (g.strideH() * (pixel / g.wOut()) - g.padH()) * g.w()
                        + g.strideW() * (pixel % g.wOut()) - g.padW(),
                (sample, pixel) -> (sample * pixels + pixel) * g.cOut(), slivers, g.cOut(), width);
    }

    /** Rows a task's product aims for: enough that its last partial tile costs little. */
    static final int GROUP_ROWS = 192;

    /** Samples per task: ⌈192 / pixels⌉, at most 8, and no more than there are. */
    static int samplesPerGroup(int pixels, int n) {
        return Math.clamp(Math.ceilDiv(GROUP_ROWS, Math.max(1, pixels)), 1, Math.min(8, Math.max(1, n)));
    }

    /** Index of B[row, col] in slivers of {@code width} columns, each {@code k} rows: [col / width][row][col % width]. */
    private static int sliverIndex(int col, int row, int k, int width) {
        return ((col / width) * k + row) * width + col % width;
    }

    /**
     * B in slivers of {@code width} columns ({@link #sliverIndex}), read from the weights in place: {@code B[row,
     * col] = w[wOff + rowAt[row] + col·colStride]} for the k = {@code rowAt.length} rows and n columns, the columns
     * of a partial last sliver zero. Written a sliver row at a time: the stores are contiguous, and the strided
     * reads of one row fall in the cache lines of the next (written element by element in the weights' order, with
     * a division per element, the 64→64 forward's slivers took 113-140 µs, serial before the parallel loop; this
     * order 25-55).
     */
    static float[] slivers(float[] w, int wOff, int[] rowAt, int colStride, int n, int width) {
        int k = rowAt.length;
        float[] b = new float[Math.ceilDiv(n, width) * width * k];
        for (int j0 = 0; j0 < n; j0 += width) {
            int cols = Math.min(width, n - j0);
            for (int row = 0; row < k; row++) {
                int dst = sliverIndex(j0, row, k, width);
                int src = wOff + rowAt[row] + j0 * colStride;
                for (int j = 0; j < cols; j++) {
                    b[dst + j] = w[src + j * colStride];
                }
            }
        }
        return b;
    }

    /** dx = conv2d's input gradient, dy and w contiguous: any geometry with one group and no dilation. */
    static Tensor backwardInput(ConvGeometry g, Tensor dy, Tensor w) {
        return backwardInput(g, dy, w, true, WIDE);
    }

    /**
     * {@link #backwardInput(ConvGeometry, Tensor, Tensor)} with the layout moves in vectors or one by one, on the
     * wide or the narrow kernel.
     */
    static Tensor backwardInput(ConvGeometry g, Tensor dy, Tensor w, boolean vectors, boolean wide) {
        int sh = g.strideH();
        int sw = g.strideW();
        int cIn = g.cIn();
        int cOut = g.cOut();
        int width = sliverWidth(wide, cIn);
        // Tasks are groups of samples, as in the forward; a class holds about 1/(s_h·s_w) of a sample's pixels.
        int per = samplesPerGroup(g.h() * g.w() / (sh * sw), g.n());
        int planeOut = g.hOut() * g.wOut();
        int outSample = cOut * planeOut;
        int inSample = g.h() * g.w() * cIn;
        float[] wd0 = w.data();
        int wo = w.offset();
        Part[][] classes = new Part[sh * sw][];                          // each class of dx's pixels by parts
        for (int rh = 0; rh < sh; rh++) {
            for (int rw = 0; rw < sw; rw++) {
                // Pixels h with (h + pad_h) mod s_h = rh (columns alike); their taps p = rh + s_h·t, t < mh.
                int mh = rh < g.kH() ? Math.ceilDiv(g.kH() - rh, sh) : 0;
                int mw = rw < g.kW() ? Math.ceilDiv(g.kW() - rw, sw) : 0;
                int h0 = Math.floorMod(rh - g.padH(), sh);
                int w0 = Math.floorMod(rw - g.padW(), sw);
                int rows = h0 < g.h() ? Math.ceilDiv(g.h() - h0, sh) : 0;
                int cols = w0 < g.w() ? Math.ceilDiv(g.w() - w0, sw) : 0;
                int pixels = rows * cols;
                // Class pixel (a, b) is dx pixel (h, x) = (h0 + s_h·a, w0 + s_w·b); its dy row of tap t = 0 is
                // i0 = (h + pad_h − rh)/s_h, and segment u of its run reads dy row i0 − (mh − 1) + u, columns
                // j0 − (mw − 1) .. j0: inside dy for u in [mh − 1 − i0, H_out − 1 − i0 + mh − 1] (likewise v). The
                // row starts at dy[·, 0, i0 − (mh − 1), j0 − (mw − 1)], which may lie outside dy: only its taps inside
                // are read.
                int[] spans = new int[4 * pixels];
                int[] aStart = new int[pixels];
                int[] cStart = new int[pixels];
                for (int a = 0; a < rows; a++) {
                    for (int b = 0; b < cols; b++) {
                        int h = h0 + a * sh;
                        int x = w0 + b * sw;
                        int i0 = (h + g.padH() - rh) / sh;
                        int j0 = (x + g.padW() - rw) / sw;
                        int pixel = a * cols + b;
                        span(spans, pixel, mh - 1 - i0, g.hOut() - 1 - i0 + mh - 1, mh, mw - 1 - j0,
                                g.wOut() - 1 - j0 + mw - 1, mw);
                        aStart[pixel] = (i0 - (mh - 1)) * g.wOut() + j0 - (mw - 1);
                        cStart[pixel] = (h * g.w() + x) * cIn;
                    }
                }
                // B[(u, v, o), c] = w[o, c, p_u, q_v] with p_u = rh + s_h·(mh − 1 − u): rows of dy in increasing i
                // meet the taps in decreasing p.
                int k = mh * mw * cOut;
                int[] rowAt = new int[k];
                for (int u = 0; u < mh; u++) {
                    int p = rh + sh * (mh - 1 - u);
                    for (int v = 0; v < mw; v++) {
                        int q = rw + sw * (mw - 1 - v);
                        for (int o = 0; o < cOut; o++) {
                            rowAt[(u * mw + v) * cOut + o] = (o * cIn * g.kH() + p) * g.kW() + q;   // w[o, 0, p, q]
                        }
                    }
                }
                float[] slivers = slivers(wd0, wo, rowAt, g.kH() * g.kW(), cIn, width);
                // Step (u, v, o) reads dy[o, ·+u, ·+v]: segments are rows of dy, taps its columns, channels its planes.
                Runs runs = new Runs(mh, mw, cOut, planeOut, g.wOut());
                IntBinaryOperator aRow = (sample, pixel) -> sample * outSample + aStart[pixel];
                IntBinaryOperator cRow = (sample, pixel) -> sample * inSample + cStart[pixel];
                classes[rh * sw + rw] = parts(runs, per, pixels, spans, aRow, cRow, slivers, cIn, width);
            }
        }
        Tensor dx = Tensor.empty(g.inputShape());
        float[] dyd = dy.data();
        float[] dxd = dx.data();
        Parallel.forRange(Math.ceilDiv(g.n(), per), (t0, t1) -> {
            float[] dxn = RESULT.floats(per * inSample);
            for (int task = t0; task < t1; task++) {
                int first = task * per;
                int count = Math.min(per, g.n() - first);
                for (Part[] parts : classes) {
                    // dXᵀ_class [count·pixels, C_in] = dy taps [count·pixels, taps·C_out] · B_class [taps·C_out, C_in],
                    // by parts, A read from dy in place (a class no tap reaches, a kernel narrower than the stride,
                    // has one part with K = 0: zeros)
                    for (Part part : parts) {
                        product(wide, count * part.perSample(), cIn, part.aOff(), dyd, part.aRow(),
                                dy.offset() + first * outSample, part.slivers(), dxn, part.cRow());
                    }
                }
                for (int s = 0; s < count; s++) {
                    fromChannelsLast(dxn, s * inSample, g.h() * g.w(), cIn, null, dxd, (first + s) * inSample, vectors);
                }
            }
        });
        return dx;
    }

    /** Floats of x and dy a weight-gradient block aims for (512 KB: half of a Zen 4 core's L2). */
    static final int BLOCK_FLOATS = 1 << 17;
    /** Most samples in a weight-gradient block. */
    static final int MAX_BLOCK = 8;

    /** dw = conv2d's weight gradient, x and dy contiguous: any geometry with one group and no dilation. */
    static Tensor backwardWeight(ConvGeometry g, Tensor x, Tensor dy) {
        return backwardWeight(g, x, dy, true, WIDE);
    }

    /**
     * Whether the weight gradient puts dy's channels in the lanes (and x's planes in the rows) rather than x's:
     * where dy is the smaller of the two (strided convolutions: a quarter of x's pixels at stride 2; fewer output
     * than input channels), since the lanes' tensor is the one copied channels-last. In one JVM (batch 64, medians
     * of 41 pairs, 1 thread) against x in the lanes: 0.90-0.93 on the stride-2 shapes, 0.91-0.96 on 64→32 and
     * 96→32 at 28×28; 1.04-1.09 on 32→64, which keeps x in the lanes.
     */
    static boolean dyInLanes(ConvGeometry g) {
        return g.cOut() >= LANE_CHANNELS && g.cOut() * g.hOut() * g.wOut() < g.cIn() * g.h() * g.w();
    }

    /**
     * {@link #backwardWeight(ConvGeometry, Tensor, Tensor)} with the layout moves in vectors or one by one, on the
     * wide or the narrow kernel, the lanes chosen by {@link #dyInLanes}. Per kernel tap (p, q), over a block of
     * samples,
     * <pre>
     * dW_pq [C_out, C_in] = Σ_{n, i, j} dy[n, :, i, j] ⊗ x[n, :, s_h·i + p − pad_h, s_w·j + q − pad_w]
     * </pre>
     * over the pixels whose tap falls inside x (padding adds nothing). One of the two tensors is copied
     * channels-last without padding, and its channels are the lanes of B; the other stays NCHW, and its planes
     * are the rows of A, broadcast one float at a time (which needs no contiguous run, so any stride reads them
     * in place). Both are read through per-tap tables of the (sample, pixel) pairs, so the product's K is all
     * of a block's pixels: one chain of FMAs per element and one store per tile. Blocks hold the samples whose
     * x and dy fill about {@link #BLOCK_FLOATS} floats (fixed by the geometry), write private partial sums, and
     * the partials are added in block order, so the result is the same on any number of threads.
     */
    static Tensor backwardWeight(ConvGeometry g, Tensor x, Tensor dy, boolean vectors, boolean wide) {
        return backwardWeight(g, x, dy, vectors, wide, dyInLanes(g));
    }

    /** The weight gradient with dy's channels in the lanes ({@code dyLanes}) or x's, whichever the geometry. */
    static Tensor backwardWeight(ConvGeometry g, Tensor x, Tensor dy, boolean vectors, boolean wide,
                                 boolean dyLanes) {
        int cIn = g.cIn();
        int cOut = g.cOut();
        int taps = g.kH() * g.kW();
        int plane = g.h() * g.w();
        int pixels = g.hOut() * g.wOut();
        int inSample = cIn * plane;
        int outSample = cOut * pixels;
        // The product per tap: rows = the channels of the tensor left NCHW, lanes = those of the one moved.
        int rowCount = dyLanes ? cIn : cOut;
        int laneCount = dyLanes ? cOut : cIn;
        int rowPlane = dyLanes ? plane : pixels;
        int rowSample = dyLanes ? inSample : outSample;
        int laneSample = dyLanes ? outSample : inSample;
        Tensor rowTensor = dyLanes ? x : dy;
        Tensor laneTensor = dyLanes ? dy : x;
        int laneH = dyLanes ? g.hOut() : g.h();
        int laneW = dyLanes ? g.wOut() : g.w();
        int per = Math.clamp(BLOCK_FLOATS / (inSample + outSample), 1, MAX_BLOCK);
        int blocks = Math.ceilDiv(g.n(), per);
        int wSize = taps * cOut * cIn;
        int width = width(wide);
        // Per tap, the (sample, output pixel) pairs of a full block whose input pixel is inside x, in order: A's
        // offset (in a row plane of the block) and B's (a pixel of the channels-last block). Every sample has
        // the same number of them, so a shorter last block uses a prefix.
        int[][] aAt = new int[taps][];
        int[][] bAt = new int[taps][];
        int[] perSample = new int[taps];
        Parallel.forRange(taps, (tap0, tap1) -> {                      // 9 small tables, built on both threads
            for (int tap = tap0; tap < tap1; tap++) {
                int p = tap / g.kW();
                int q = tap % g.kW();
                int[] a = new int[per * pixels];
                int[] b = new int[per * pixels];
                int m = 0;
                for (int s = 0; s < per; s++) {
                    for (int i = 0; i < g.hOut(); i++) {
                        int h = g.strideH() * i + p - g.padH();
                        for (int j = 0; j < g.wOut(); j++) {
                            int w = g.strideW() * j + q - g.padW();
                            if (h < 0 || h >= g.h() || w < 0 || w >= g.w()) {
                                continue;
                            }
                            int xPixel = h * g.w() + w;
                            int yPixel = i * g.wOut() + j;
                            a[m] = s * rowSample + (dyLanes ? xPixel : yPixel);
                            b[m] = s * laneSample + (dyLanes ? yPixel : xPixel) * laneCount;
                            m++;
                        }
                    }
                }
                aAt[tap] = a;
                bAt[tap] = b;
                perSample[tap] = m / per;
            }
        });
        // Taps read in pairs on 32-lane slivers (weightKernel4x32Pair): a tap and the first later one whose table
        // lists the same output pixels with x a fixed distance further (partner, at shift). 3×3, stride 2,
        // padding 1, even sizes: q = 1 and 2 of each kernel row (one float apart), and q = 0 of rows 1 and 2 (one
        // row of x apart; q = 0 misses the first column, row 0 the first row), so 8 of the 9 taps go in pairs.
        // Only with x's planes as the rows (dy in the lanes).
        int[] partner = new int[taps];
        int[] shift = new int[taps];
        boolean[] second = new boolean[taps];
        java.util.Arrays.fill(partner, -1);
        for (int tap = 0; tap < taps && wide && dyLanes; tap++) {
            for (int u = tap + 1; u < taps && !second[tap] && partner[tap] < 0; u++) {
                if (!second[u] && perSample[u] == perSample[tap]) {
                    int d = constantShift(aAt[tap], bAt[tap], aAt[u], bAt[u], per * perSample[tap]);
                    if (d != 0) {
                        partner[tap] = u;
                        shift[tap] = d;
                        second[u] = true;
                    }
                }
            }
        }
        int[][] group = new int[taps][];                                 // the taps computed at tap: it and its partner
        for (int tap = 0; tap < taps; tap++) {
            group[tap] = partner[tap] < 0 ? new int[] {tap} : new int[] {tap, partner[tap]};
        }
        float[] rows = rowTensor.data();
        // Per block: [tap][row][lane], every element written; a pooled array (1.2 MB at 32 channels and 28×28).
        Tensor partialsTensor = Tensor.empty(blocks * wSize);
        float[] partials = partialsTensor.data();
        Parallel.forRange(blocks, (b0, b1) -> {
            // The moved block, and a tile's width of slack: a sliver past the last lane reads (and drops) floats
            // after the last pixel.
            float[] lanes = BLOCK_IMAGES.floats(per * laneSample + width);
            float[] tile = TILE.floats(MR * 64);
            for (int block = b0; block < b1; block++) {
                int first = block * per;
                int count = Math.min(per, g.n() - first);
                for (int s = 0; s < count; s++) {
                    toChannelsLast(laneTensor.data(), laneTensor.offset() + (first + s) * laneSample, laneCount,
                            laneH, laneW, 0, 0, laneH, laneW, lanes, s * laneSample, vectors);
                }
                int rows0 = rowTensor.offset() + first * rowSample;
                for (int tap = 0; tap < taps; tap++) {
                    if (second[tap]) {
                        continue;                                        // computed with its partner
                    }
                    int k = count * perSample[tap];
                    int[] both = group[tap];
                    // A tap without a partner on 32 lanes takes eight rows at a time while eight are left.
                    boolean eight = wide && both.length == 1 && laneCount == 32;
                    for (int r0 = 0, rowsNow; r0 < rowCount; r0 += rowsNow) {
                        rowsNow = eight && rowCount - r0 >= 2 * MR ? 2 * MR : MR;
                        // A tile past the last row repeats it and drops it.
                        int n = Math.min(MR, rowCount - r0);
                        int a0 = rows0 + r0 * rowPlane;
                        int a1 = rows0 + (r0 + Math.min(1, n - 1)) * rowPlane;
                        int a2 = rows0 + (r0 + Math.min(2, n - 1)) * rowPlane;
                        int a3 = rows0 + (r0 + Math.min(3, n - 1)) * rowPlane;
                        for (int l0 = 0; l0 < laneCount; ) {
                            // 64 lanes at a time on the wide kernel while 64 are left, then 32 (or 16 on the
                            // narrow one), the last sliver partial.
                            int step = wide && laneCount - l0 >= 64 ? 64 : width;
                            int cols = Math.min(step, laneCount - l0);
                            if (both.length == 2 && step == 32) {
                                // Both taps at once: rows 0-3 of the tile for tap, 4-7 for its partner.
                                weightKernel4x32Pair(k, aAt[tap], bAt[tap], shift[tap], rows, a0, a1, a2, a3, lanes, l0,
                                        tile);
                                for (int i = 0; i < 2; i++) {
                                    for (int t = 0; t < n; t++) {
                                        System.arraycopy(tile, (i * MR + t) * 32, partials,
                                                block * wSize + (both[i] * rowCount + r0 + t) * laneCount + l0, cols);
                                    }
                                }
                                l0 += step;
                                continue;
                            }
                            if (rowsNow == 2 * MR) {
                                weightKernel8x32(k, aAt[tap], bAt[tap], rows, a0, a1, a2, a3, a0 + MR * rowPlane,
                                        a1 + MR * rowPlane, a2 + MR * rowPlane, a3 + MR * rowPlane, lanes, l0, tile);
                                for (int t = 0; t < 2 * MR; t++) {
                                    System.arraycopy(tile, t * 32, partials,
                                            block * wSize + (tap * rowCount + r0 + t) * laneCount + l0, cols);
                                }
                                l0 += step;
                                continue;
                            }
                            for (int u : both) {
                                // dW_u[r0:r0+4, l0:l0+step] = Σ_m rows[a_t + aAt[m]] · lanes[bAt[m] + l0 ...]
                                if (step == 64) {
                                    weightKernel4x64(k, aAt[u], bAt[u], rows, a0, a1, a2, a3, lanes, l0, tile);
                                } else if (wide) {
                                    weightKernel4x32(k, aAt[u], bAt[u], rows, a0, a1, a2, a3, lanes, l0, tile);
                                } else {
                                    weightKernel4x16(k, aAt[u], bAt[u], rows, a0, a1, a2, a3, lanes, l0, tile);
                                }
                                for (int t = 0; t < n; t++) {
                                    System.arraycopy(tile, t * step, partials,
                                            block * wSize + (u * rowCount + r0 + t) * laneCount + l0, cols);
                                }
                            }
                            l0 += step;
                        }
                    }
                }
            }
        });
        float[] sum = new float[wSize];
        Conv2dKernels.addInOrder(partials, blocks, wSize, sum);
        Recycler.recycleNow(partialsTensor);
        float[] dw = new float[wSize];
        for (int t = 0; t < taps; t++) {
            for (int r = 0; r < rowCount; r++) {
                for (int l = 0; l < laneCount; l++) {
                    int o = dyLanes ? l : r;
                    int c = dyLanes ? r : l;
                    dw[(o * cIn + c) * taps + t] = sum[(t * rowCount + r) * laneCount + l];  // → [o][c][tap]
                }
            }
        }
        return Tensor.wrap(dw, g.weightShape());
    }

    /**
     * The distance d by which tap B's first {@code count} table entries list tap A's pixels in the same order with
     * x further ({@code aB = aA + d}, {@code bB = bA}), or 0 when they do not.
     */
    private static int constantShift(int[] aA, int[] bA, int[] aB, int[] bB, int count) {
        int d = count > 0 ? aB[0] - aA[0] : 0;
        for (int m = 0; m < count; m++) {
            if (aB[m] != aA[m] + d || bB[m] != bA[m]) {
                return 0;
            }
        }
        return d;
    }

    /**
     * Two taps' 4 × 32 tiles at once, for taps whose tables list the same pixels with x {@code d} floats apart
     * ({@link #constantShift}): {@link #weightKernel4x32}'s sums for the tap (rows 0-3 of {@code t}, 32 floats
     * apart) and for its partner (rows 4-7), each element the same FMA chain as the single tap's. Sixteen
     * accumulators; per step two vectors of B and two table reads serve sixteen FMAs, where two single-tap tiles
     * read them twice. On the stride-2 32→32 28×28 weight gradient's tables (one JVM, 4 samples, 1 thread, Zen 4):
     * 106-107 GFLOP/s against 93-96 for the single-tap tile; the whole weight gradient (batch 64, six of its nine
     * taps paired, those one float apart) 9-10% faster on 1 and 2 threads (four alternating pairs of JVMs each:
     * medians 3.01 → 2.72 ms and 1.47 → 1.33 ms). Pairing q = 0 of kernel rows 1 and 2 as well ({@code d} one row
     * of x; eight of the nine taps): that weight gradient alone, its x in cache, 2.99 → 2.50 ms on 1 thread; inside
     * a fwd+bwd, where each block's x comes from memory (the block's first tap waits for it), no change (9.65 ms
     * either way, alternating in one JVM).
     */
    private static void weightKernel4x32Pair(int k, int[] aAt, int[] bAt, int d, float[] a, int r0, int r1, int r2,
                                             int r3, float[] b, int l0, float[] t) {
        FloatVector c00 = FloatVector.zero(Z);
        FloatVector c01 = FloatVector.zero(Z);
        FloatVector c10 = FloatVector.zero(Z);
        FloatVector c11 = FloatVector.zero(Z);
        FloatVector c20 = FloatVector.zero(Z);
        FloatVector c21 = FloatVector.zero(Z);
        FloatVector c30 = FloatVector.zero(Z);
        FloatVector c31 = FloatVector.zero(Z);
        FloatVector d00 = FloatVector.zero(Z);
        FloatVector d01 = FloatVector.zero(Z);
        FloatVector d10 = FloatVector.zero(Z);
        FloatVector d11 = FloatVector.zero(Z);
        FloatVector d20 = FloatVector.zero(Z);
        FloatVector d21 = FloatVector.zero(Z);
        FloatVector d30 = FloatVector.zero(Z);
        FloatVector d31 = FloatVector.zero(Z);
        for (int m = 0; m < k; m++) {
            int bp = bAt[m] + l0;
            int ap = aAt[m];
            FloatVector b0 = FloatVector.fromArray(Z, b, bp);
            FloatVector b1 = FloatVector.fromArray(Z, b, bp + 16);
            FloatVector v0 = FloatVector.broadcast(Z, a[r0 + ap]);
            c00 = v0.fma(b0, c00);
            c01 = v0.fma(b1, c01);
            FloatVector u0 = FloatVector.broadcast(Z, a[r0 + ap + d]);
            d00 = u0.fma(b0, d00);
            d01 = u0.fma(b1, d01);
            FloatVector v1 = FloatVector.broadcast(Z, a[r1 + ap]);
            c10 = v1.fma(b0, c10);
            c11 = v1.fma(b1, c11);
            FloatVector u1 = FloatVector.broadcast(Z, a[r1 + ap + d]);
            d10 = u1.fma(b0, d10);
            d11 = u1.fma(b1, d11);
            FloatVector v2 = FloatVector.broadcast(Z, a[r2 + ap]);
            c20 = v2.fma(b0, c20);
            c21 = v2.fma(b1, c21);
            FloatVector u2 = FloatVector.broadcast(Z, a[r2 + ap + d]);
            d20 = u2.fma(b0, d20);
            d21 = u2.fma(b1, d21);
            FloatVector v3 = FloatVector.broadcast(Z, a[r3 + ap]);
            c30 = v3.fma(b0, c30);
            c31 = v3.fma(b1, c31);
            FloatVector u3 = FloatVector.broadcast(Z, a[r3 + ap + d]);
            d30 = u3.fma(b0, d30);
            d31 = u3.fma(b1, d31);
        }
        ((FloatVector) Z_TYPE.cast(c00)).intoArray(t, 0);
        ((FloatVector) Z_TYPE.cast(c01)).intoArray(t, 16);
        ((FloatVector) Z_TYPE.cast(c10)).intoArray(t, 32);
        ((FloatVector) Z_TYPE.cast(c11)).intoArray(t, 48);
        ((FloatVector) Z_TYPE.cast(c20)).intoArray(t, 64);
        ((FloatVector) Z_TYPE.cast(c21)).intoArray(t, 80);
        ((FloatVector) Z_TYPE.cast(c30)).intoArray(t, 96);
        ((FloatVector) Z_TYPE.cast(c31)).intoArray(t, 112);
        ((FloatVector) Z_TYPE.cast(d00)).intoArray(t, 128);
        ((FloatVector) Z_TYPE.cast(d01)).intoArray(t, 144);
        ((FloatVector) Z_TYPE.cast(d10)).intoArray(t, 160);
        ((FloatVector) Z_TYPE.cast(d11)).intoArray(t, 176);
        ((FloatVector) Z_TYPE.cast(d20)).intoArray(t, 192);
        ((FloatVector) Z_TYPE.cast(d21)).intoArray(t, 208);
        ((FloatVector) Z_TYPE.cast(d30)).intoArray(t, 224);
        ((FloatVector) Z_TYPE.cast(d31)).intoArray(t, 240);
    }

    /**
     * {@link #weightKernel4x32}'s sums for eight rows (channels of the tensor left NCHW) at once, rows 0-7 of
     * {@code t}, 32 floats apart: the tile of a tap with no partner on exactly 32 lanes ({@link #constantShift};
     * with 3×3, stride 2, padding 1 tap (0, 0), whose table skips the first output row and column; with stride 1,
     * x in the lanes, every tap). Sixteen accumulators, the shape of {@link #weightKernel4x32Pair}: per step two
     * vectors of B and two table reads serve sixteen FMAs, against eight on the 4 × 32 tile. Fwd+bwd, batch 64,
     * alternating in one JVM: stride-1 32→32 3.8% less time at 28×28 and 5.6% at 14×14 on 1 thread, 3.7% and 4.6%
     * on 2; stride-2 32→32 28×28 0.9-1.8% on 1 thread (three runs), 0-3.9% on 2. (Session 19 measured an 8 × 32
     * tile on a paired tap's tables at 85 GFLOP/s against 96.5 for 4 × 32; the pair kernel since does better still.)
     */
    private static void weightKernel8x32(int k, int[] aAt, int[] bAt, float[] a, int r0, int r1, int r2, int r3,
                                         int r4, int r5, int r6, int r7, float[] b, int l0, float[] t) {
        FloatVector c00 = FloatVector.zero(Z);
        FloatVector c01 = FloatVector.zero(Z);
        FloatVector c10 = FloatVector.zero(Z);
        FloatVector c11 = FloatVector.zero(Z);
        FloatVector c20 = FloatVector.zero(Z);
        FloatVector c21 = FloatVector.zero(Z);
        FloatVector c30 = FloatVector.zero(Z);
        FloatVector c31 = FloatVector.zero(Z);
        FloatVector c40 = FloatVector.zero(Z);
        FloatVector c41 = FloatVector.zero(Z);
        FloatVector c50 = FloatVector.zero(Z);
        FloatVector c51 = FloatVector.zero(Z);
        FloatVector c60 = FloatVector.zero(Z);
        FloatVector c61 = FloatVector.zero(Z);
        FloatVector c70 = FloatVector.zero(Z);
        FloatVector c71 = FloatVector.zero(Z);
        for (int m = 0; m < k; m++) {
            int bp = bAt[m] + l0;
            int ap = aAt[m];
            FloatVector b0 = FloatVector.fromArray(Z, b, bp);
            FloatVector b1 = FloatVector.fromArray(Z, b, bp + 16);
            FloatVector v0 = FloatVector.broadcast(Z, a[r0 + ap]);
            c00 = v0.fma(b0, c00);
            c01 = v0.fma(b1, c01);
            FloatVector v4 = FloatVector.broadcast(Z, a[r4 + ap]);
            c40 = v4.fma(b0, c40);
            c41 = v4.fma(b1, c41);
            FloatVector v1 = FloatVector.broadcast(Z, a[r1 + ap]);
            c10 = v1.fma(b0, c10);
            c11 = v1.fma(b1, c11);
            FloatVector v5 = FloatVector.broadcast(Z, a[r5 + ap]);
            c50 = v5.fma(b0, c50);
            c51 = v5.fma(b1, c51);
            FloatVector v2 = FloatVector.broadcast(Z, a[r2 + ap]);
            c20 = v2.fma(b0, c20);
            c21 = v2.fma(b1, c21);
            FloatVector v6 = FloatVector.broadcast(Z, a[r6 + ap]);
            c60 = v6.fma(b0, c60);
            c61 = v6.fma(b1, c61);
            FloatVector v3 = FloatVector.broadcast(Z, a[r3 + ap]);
            c30 = v3.fma(b0, c30);
            c31 = v3.fma(b1, c31);
            FloatVector v7 = FloatVector.broadcast(Z, a[r7 + ap]);
            c70 = v7.fma(b0, c70);
            c71 = v7.fma(b1, c71);
        }
        ((FloatVector) Z_TYPE.cast(c00)).intoArray(t, 0);
        ((FloatVector) Z_TYPE.cast(c01)).intoArray(t, 16);
        ((FloatVector) Z_TYPE.cast(c10)).intoArray(t, 32);
        ((FloatVector) Z_TYPE.cast(c11)).intoArray(t, 48);
        ((FloatVector) Z_TYPE.cast(c20)).intoArray(t, 64);
        ((FloatVector) Z_TYPE.cast(c21)).intoArray(t, 80);
        ((FloatVector) Z_TYPE.cast(c30)).intoArray(t, 96);
        ((FloatVector) Z_TYPE.cast(c31)).intoArray(t, 112);
        ((FloatVector) Z_TYPE.cast(c40)).intoArray(t, 128);
        ((FloatVector) Z_TYPE.cast(c41)).intoArray(t, 144);
        ((FloatVector) Z_TYPE.cast(c50)).intoArray(t, 160);
        ((FloatVector) Z_TYPE.cast(c51)).intoArray(t, 176);
        ((FloatVector) Z_TYPE.cast(c60)).intoArray(t, 192);
        ((FloatVector) Z_TYPE.cast(c61)).intoArray(t, 208);
        ((FloatVector) Z_TYPE.cast(c70)).intoArray(t, 224);
        ((FloatVector) Z_TYPE.cast(c71)).intoArray(t, 240);
    }

    /**
     * The weight gradient's 4 × 64 tile, for 64 lanes or more on 512-bit vectors: {@link #weightKernel4x32}'s sums
     * for 64 lanes, stored at {@code t[t·64 + j]}. Sixteen accumulators; per step four vectors of B (a pixel's 64
     * channels), four broadcasts of A and two table reads for sixteen FMAs, where the 4 × 32 tile has the same
     * broadcasts and reads for eight. Measured on the stride-2 64→64 14×14 weight gradient's products (one JVM,
     * batch 64, 1 thread, Zen 4): 106-111 GFLOP/s against 80-91 for two 4 × 32 tiles.
     */
    private static void weightKernel4x64(int k, int[] aAt, int[] bAt, float[] a, int r0, int r1, int r2, int r3,
                                         float[] b, int l0, float[] t) {
        FloatVector c00 = FloatVector.zero(Z);
        FloatVector c01 = FloatVector.zero(Z);
        FloatVector c02 = FloatVector.zero(Z);
        FloatVector c03 = FloatVector.zero(Z);
        FloatVector c10 = FloatVector.zero(Z);
        FloatVector c11 = FloatVector.zero(Z);
        FloatVector c12 = FloatVector.zero(Z);
        FloatVector c13 = FloatVector.zero(Z);
        FloatVector c20 = FloatVector.zero(Z);
        FloatVector c21 = FloatVector.zero(Z);
        FloatVector c22 = FloatVector.zero(Z);
        FloatVector c23 = FloatVector.zero(Z);
        FloatVector c30 = FloatVector.zero(Z);
        FloatVector c31 = FloatVector.zero(Z);
        FloatVector c32 = FloatVector.zero(Z);
        FloatVector c33 = FloatVector.zero(Z);
        for (int m = 0; m < k; m++) {
            int bp = bAt[m] + l0;
            int ap = aAt[m];
            FloatVector b0 = FloatVector.fromArray(Z, b, bp);
            FloatVector b1 = FloatVector.fromArray(Z, b, bp + 16);
            FloatVector b2 = FloatVector.fromArray(Z, b, bp + 32);
            FloatVector b3 = FloatVector.fromArray(Z, b, bp + 48);
            FloatVector v0 = FloatVector.broadcast(Z, a[r0 + ap]);
            c00 = v0.fma(b0, c00);
            c01 = v0.fma(b1, c01);
            c02 = v0.fma(b2, c02);
            c03 = v0.fma(b3, c03);
            FloatVector v1 = FloatVector.broadcast(Z, a[r1 + ap]);
            c10 = v1.fma(b0, c10);
            c11 = v1.fma(b1, c11);
            c12 = v1.fma(b2, c12);
            c13 = v1.fma(b3, c13);
            FloatVector v2 = FloatVector.broadcast(Z, a[r2 + ap]);
            c20 = v2.fma(b0, c20);
            c21 = v2.fma(b1, c21);
            c22 = v2.fma(b2, c22);
            c23 = v2.fma(b3, c23);
            FloatVector v3 = FloatVector.broadcast(Z, a[r3 + ap]);
            c30 = v3.fma(b0, c30);
            c31 = v3.fma(b1, c31);
            c32 = v3.fma(b2, c32);
            c33 = v3.fma(b3, c33);
        }
        ((FloatVector) Z_TYPE.cast(c00)).intoArray(t, 0);
        ((FloatVector) Z_TYPE.cast(c01)).intoArray(t, 16);
        ((FloatVector) Z_TYPE.cast(c02)).intoArray(t, 32);
        ((FloatVector) Z_TYPE.cast(c03)).intoArray(t, 48);
        ((FloatVector) Z_TYPE.cast(c10)).intoArray(t, 64);
        ((FloatVector) Z_TYPE.cast(c11)).intoArray(t, 80);
        ((FloatVector) Z_TYPE.cast(c12)).intoArray(t, 96);
        ((FloatVector) Z_TYPE.cast(c13)).intoArray(t, 112);
        ((FloatVector) Z_TYPE.cast(c20)).intoArray(t, 128);
        ((FloatVector) Z_TYPE.cast(c21)).intoArray(t, 144);
        ((FloatVector) Z_TYPE.cast(c22)).intoArray(t, 160);
        ((FloatVector) Z_TYPE.cast(c23)).intoArray(t, 176);
        ((FloatVector) Z_TYPE.cast(c30)).intoArray(t, 192);
        ((FloatVector) Z_TYPE.cast(c31)).intoArray(t, 208);
        ((FloatVector) Z_TYPE.cast(c32)).intoArray(t, 224);
        ((FloatVector) Z_TYPE.cast(c33)).intoArray(t, 240);
    }

    /**
     * The weight gradient's 4 × 32 tile: T[t, j] = Σ_{m < k} a[r_t + aAt[m]] · b[bAt[m] + l0 + j], one FMA chain
     * per element from zero over m, stored at {@code t[t·32 + j]}. Eight 512-bit accumulators; per step two
     * vectors of B (32 lanes of a pixel) and four broadcasts of A.
     */
    private static void weightKernel4x32(int k, int[] aAt, int[] bAt, float[] a, int r0, int r1, int r2, int r3,
                                         float[] b, int l0, float[] t) {
        FloatVector c00 = FloatVector.zero(Z);
        FloatVector c01 = FloatVector.zero(Z);
        FloatVector c10 = FloatVector.zero(Z);
        FloatVector c11 = FloatVector.zero(Z);
        FloatVector c20 = FloatVector.zero(Z);
        FloatVector c21 = FloatVector.zero(Z);
        FloatVector c30 = FloatVector.zero(Z);
        FloatVector c31 = FloatVector.zero(Z);
        for (int m = 0; m < k; m++) {
            int bp = bAt[m] + l0;
            int ap = aAt[m];
            FloatVector b0 = FloatVector.fromArray(Z, b, bp);
            FloatVector b1 = FloatVector.fromArray(Z, b, bp + 16);
            FloatVector v0 = FloatVector.broadcast(Z, a[r0 + ap]);
            c00 = v0.fma(b0, c00);
            c01 = v0.fma(b1, c01);
            FloatVector v1 = FloatVector.broadcast(Z, a[r1 + ap]);
            c10 = v1.fma(b0, c10);
            c11 = v1.fma(b1, c11);
            FloatVector v2 = FloatVector.broadcast(Z, a[r2 + ap]);
            c20 = v2.fma(b0, c20);
            c21 = v2.fma(b1, c21);
            FloatVector v3 = FloatVector.broadcast(Z, a[r3 + ap]);
            c30 = v3.fma(b0, c30);
            c31 = v3.fma(b1, c31);
        }
        ((FloatVector) Z_TYPE.cast(c00)).intoArray(t, 0);
        ((FloatVector) Z_TYPE.cast(c01)).intoArray(t, 16);
        ((FloatVector) Z_TYPE.cast(c10)).intoArray(t, 32);
        ((FloatVector) Z_TYPE.cast(c11)).intoArray(t, 48);
        ((FloatVector) Z_TYPE.cast(c20)).intoArray(t, 64);
        ((FloatVector) Z_TYPE.cast(c21)).intoArray(t, 80);
        ((FloatVector) Z_TYPE.cast(c30)).intoArray(t, 96);
        ((FloatVector) Z_TYPE.cast(c31)).intoArray(t, 112);
    }

    /** {@link #weightKernel4x32}'s sums for four rows and 16 lanes (tile rows 16 floats apart), in 256-bit registers. */
    private static void weightKernel4x16(int k, int[] aAt, int[] bAt, float[] a, int r0, int r1, int r2, int r3,
                                         float[] b, int l0, float[] t) {
        FloatVector c00 = FloatVector.zero(F);
        FloatVector c01 = FloatVector.zero(F);
        FloatVector c10 = FloatVector.zero(F);
        FloatVector c11 = FloatVector.zero(F);
        FloatVector c20 = FloatVector.zero(F);
        FloatVector c21 = FloatVector.zero(F);
        FloatVector c30 = FloatVector.zero(F);
        FloatVector c31 = FloatVector.zero(F);
        for (int m = 0; m < k; m++) {
            int bp = bAt[m] + l0;
            int ap = aAt[m];
            FloatVector b0 = FloatVector.fromArray(F, b, bp);
            FloatVector b1 = FloatVector.fromArray(F, b, bp + 8);
            FloatVector v0 = FloatVector.broadcast(F, a[r0 + ap]);
            c00 = v0.fma(b0, c00);
            c01 = v0.fma(b1, c01);
            FloatVector v1 = FloatVector.broadcast(F, a[r1 + ap]);
            c10 = v1.fma(b0, c10);
            c11 = v1.fma(b1, c11);
            FloatVector v2 = FloatVector.broadcast(F, a[r2 + ap]);
            c20 = v2.fma(b0, c20);
            c21 = v2.fma(b1, c21);
            FloatVector v3 = FloatVector.broadcast(F, a[r3 + ap]);
            c30 = v3.fma(b0, c30);
            c31 = v3.fma(b1, c31);
        }
        ((FloatVector) F_TYPE.cast(c00)).intoArray(t, 0);
        ((FloatVector) F_TYPE.cast(c01)).intoArray(t, 8);
        ((FloatVector) F_TYPE.cast(c10)).intoArray(t, 16);
        ((FloatVector) F_TYPE.cast(c11)).intoArray(t, 24);
        ((FloatVector) F_TYPE.cast(c20)).intoArray(t, 32);
        ((FloatVector) F_TYPE.cast(c21)).intoArray(t, 40);
        ((FloatVector) F_TYPE.cast(c30)).intoArray(t, 48);
        ((FloatVector) F_TYPE.cast(c31)).intoArray(t, 56);
    }

    /**
     * How a product's K walks A, an NCHW tensor read in place: {@code segments} rows of {@code taps} columns of
     * {@code chan} channel planes ({@code plane} floats each, rows {@code rowLength} apart). In the forward, kernel
     * rows, kernel columns and input channels over x; in an input-gradient class, rows of dy, its columns and output
     * channels. Step (seg, t, c) is B's row {@code (seg·taps + t)·chan + c} and reads A at {@code c·plane +
     * seg·rowLength + t} from a row's start ({@link #offsets}).
     */
    record Runs(int segments, int taps, int chan, int plane, int rowLength) {

        /**
         * A's offsets for the rows that read segments [lo, hi] and taps [tLo, tHi], one per step in the order of
         * B's rows. The kernels walk K in one loop through such a table rather than in a loop over segments around
         * a loop over the run: with the two loops C2 ran out of general registers in the inner one (the outer
         * loop's row starts, segment and stride stay live) and kept B's base in a vector register, moving it back
         * every step: 103-109 GFLOP/s on a synthetic product of the stride-2 shapes' sizes (1 thread, Zen 4, FMA
         * peak 116), against 113-116 with the table, which costs one int load per step (same bits). On the stride-2
         * convolutions (batch 64, three alternating pairs of JVMs, session 20): the forward 5-6% less time, the
         * fwd+bwd 3-11%.
         */
        int[] offsets(int lo, int hi, int tLo, int tHi) {
            int[] aOff = new int[Math.max(0, hi - lo + 1) * Math.max(0, tHi - tLo + 1) * chan];
            int m = 0;
            for (int seg = lo; seg <= hi; seg++) {
                for (int t = tLo; t <= tHi; t++) {
                    for (int c = 0; c < chan; c++) {
                        aOff[m++] = c * plane + seg * rowLength + t;
                    }
                }
            }
            return aOff;
        }
    }

    /**
     * Rows of a product that read the same taps, and the K of those taps only: A's offsets ({@link Runs#offsets}), B's
     * slivers for them, and the rows' starts in A and in C, sample by sample, {@code perSample} rows each: a group of
     * fewer samples reads a prefix of the tables.
     */
    record Part(int[] aOff, float[] slivers, int[] aRow, int[] cRow, int perSample) {}

    /**
     * Writes a pixel's taps inside the image into {@code spans[4·pixel ...]}: segments [lo, hi] and taps [tLo, tHi],
     * clipped to [0, segments) and [0, taps); none as [0, −1] and [0, −1].
     */
    static void span(int[] spans, int pixel, int lo, int hi, int segments, int tLo, int tHi, int taps) {
        lo = Math.max(0, lo);
        hi = Math.min(segments - 1, hi);
        tLo = Math.max(0, tLo);
        tHi = Math.min(taps - 1, tHi);
        boolean none = lo > hi || tLo > tHi;
        spans[4 * pixel] = none ? 0 : lo;
        spans[4 * pixel + 1] = none ? -1 : hi;
        spans[4 * pixel + 2] = none ? 0 : tLo;
        spans[4 * pixel + 3] = none ? -1 : tHi;
    }

    /**
     * A product's rows cut into parts by the taps they read inside the image, each part's K only those taps (A's
     * offsets from {@link Runs#offsets}, B's rows copied from the full slivers). A tap over the zero padding would add
     * an exact zero to its FMA chain (0·w + s = s for finite w), so leaving it out keeps every value: all bits but a
     * zero's sign (a chain at −0, which only a product under half the smallest subnormal leaves there, turned +0 at a
     * padding tap and now stays −0), and an infinite weight on a padding tap no longer makes NaN, as in {@link
     * Conv2dReference}, which skips the padding too. With 3×3, stride 2, padding 1 and even sizes, the first output row
     * skips kernel row 0 and the first column tap column 0: 9.3% of the forward's FMAs at 14×14 (7×7 outputs), 4.7% at
     * 28×28; the input gradient's classes skip their last dy row and column alike.
     *
     * <p>Rows are {@code count} samples × {@code pixels}, row (s, pixel) at A's {@code aRowOf(s, pixel)} and C's
     * {@code cRowOf(s, pixel)}, each part's rows in sample order, so that a group of fewer samples computes a prefix
     * of every part; a pixel's taps are {@code spans[4·pixel ...]} ({@link #span}). A is read in place (x, or dy),
     * with no zero border around it, so every row is in its own span's part, whatever tiles that leaves (a part may
     * end in a partial tile, whose missing rows repeat its last).
     */
    static Part[] parts(Runs runs, int count, int pixels, int[] spans, IntBinaryOperator aRowOf,
                        IntBinaryOperator cRowOf, float[] slivers, int n, int width) {
        int segs = runs.segments();
        int taps = runs.taps();
        List<Integer> keys = new ArrayList<>();                         // the parts' spans, in order of appearance
        List<Integer> firstPixel = new ArrayList<>();                   // a pixel of each, for its span
        keys.add(spanKey(0, segs - 1, 0, taps - 1, segs, taps));            // every tap: part 0
        firstPixel.add(-1);
        int[] partOf = new int[pixels];
        for (int pixel = 0; pixel < pixels; pixel++) {
            int key = spanKey(spans[4 * pixel], spans[4 * pixel + 1], spans[4 * pixel + 2], spans[4 * pixel + 3],
                    segs, taps);
            int at = keys.indexOf(key);
            if (at < 0) {
                at = keys.size();
                keys.add(key);
                firstPixel.add(pixel);
            }
            partOf[pixel] = at;
        }
        int[] rowsOf = new int[keys.size()];
        for (int pixel = 0; pixel < pixels; pixel++) {
            rowsOf[partOf[pixel]] += count;
        }

        int[][] aRow = new int[keys.size()][];
        int[][] cRow = new int[keys.size()][];
        for (int p = 0; p < keys.size(); p++) {
            aRow[p] = new int[rowsOf[p]];
            cRow[p] = new int[rowsOf[p]];
        }
        int[] filled = new int[keys.size()];
        for (int s = 0; s < count; s++) {
            for (int pixel = 0; pixel < pixels; pixel++) {
                int p = partOf[pixel];
                aRow[p][filled[p]] = aRowOf.applyAsInt(s, pixel);
                cRow[p][filled[p]] = cRowOf.applyAsInt(s, pixel);
                filled[p]++;
            }
        }
        List<Part> parts = new ArrayList<>();
        for (int p = 0; p < keys.size(); p++) {
            if (rowsOf[p] == 0) {
                continue;
            }
            if (p == 0) {
                parts.add(new Part(runs.offsets(0, segs - 1, 0, taps - 1), slivers, aRow[0], cRow[0],
                        rowsOf[0] / count));
                continue;
            }
            int at = 4 * firstPixel.get(p);
            parts.add(cut(runs, spans[at], spans[at + 1], spans[at + 2], spans[at + 3], slivers, n, width,
                    aRow[p], cRow[p], rowsOf[p] / count));
        }
        return parts.toArray(Part[]::new);
    }

    /** A span as one int: segments [lo, hi] of {@code segs}, taps [tLo, tHi] of {@code taps} (hi and tHi ≥ −1). */
    private static int spanKey(int lo, int hi, int tLo, int tHi, int segs, int taps) {
        return ((lo * (segs + 1) + hi + 1) * (taps + 1) + tLo) * (taps + 1) + tHi + 1;
    }

    /**
     * The part of the rows that read segments [lo, hi] and taps [tLo, tHi]: its K steps, in the full K's order,
     * are A's runs of those taps ({@code (tHi − tLo + 1)·chan} floats from tap tLo of each segment), and its B the
     * matching rows of the full slivers, copied a run at a time.
     */
    private static Part cut(Runs runs, int lo, int hi, int tLo, int tHi, float[] slivers, int n, int width,
                            int[] aRow, int[] cRow, int perSample) {
        int chan = runs.chan();
        int run = (tHi - tLo + 1) * chan;
        int k = Math.max(0, hi - lo + 1) * Math.max(0, run);
        int fullK = runs.segments() * runs.taps() * chan;
        float[] b = new float[Math.ceilDiv(n, width) * width * k];
        for (int seg = lo; seg <= hi && run > 0; seg++) {
            for (int jb = 0; jb < Math.ceilDiv(n, width); jb++) {
                System.arraycopy(slivers, (jb * fullK + (seg * runs.taps() + tLo) * chan) * width, b,
                        (jb * k + (seg - lo) * run) * width, run * width);
            }
        }
        return new Part(runs.offsets(lo, hi, tLo, tHi), b, aRow, cRow, perSample);
    }

    /**
     * {@code c[cRow[i] + j] = Σ_{κ < K} a[aBase + aRow[i] + aOff[κ]] · B[κ, j]} for the m rows i and the n columns j, K
     * = {@code aOff.length} ({@link Runs#offsets}), B in slivers of {@link #sliverWidth} columns ({@link
     * #sliverIndex}). Each element is one FMA chain over κ from zero, on any kernel. The rows' starts are relative to a
     * task's first sample ({@code aBase}), so one table serves every group of samples.
     *
     * <p>{@link dev.sfumato.tensor.kernels.GatherGemm} computes the same kind of product (A rows through a table,
     * in segments), but cuts K into blocks whose partial sums it adds into C, has only the 4 × 16 tile, and writes
     * C's rows contiguously; here K stays one chain, so that the 512-bit tile gives the 256-bit one's bits, and C's
     * rows go through a table too (the input gradient's classes write into every s-th pixel).
     */
    static void product(boolean wide, int m, int n, int[] aOff, float[] a, int[] aRow, int aBase, float[] b,
                        float[] c, int[] cRow) {
        int width = sliverWidth(wide, n);
        int k = aOff.length;
        float[] tile = TILE.floats(MR * width);
        for (int j0 = 0; j0 < n; j0 += width) {
            int bOff = (j0 / width) * k * width;
            int cols = Math.min(width, n - j0);
            for (int i0 = 0; i0 < m; i0 += MR) {
                int rows = Math.min(MR, m - i0);
                // A tile past row m repeats row m − 1 and drops it.
                int r0 = aBase + aRow[i0];
                int r1 = aBase + aRow[i0 + Math.min(1, rows - 1)];
                int r2 = aBase + aRow[i0 + Math.min(2, rows - 1)];
                int r3 = aBase + aRow[i0 + Math.min(3, rows - 1)];
                // A whole tile is stored from the registers into its rows of C; a partial one through the scratch
                // tile, which is then copied.
                boolean whole = rows == MR && cols == width;
                float[] out = whole ? c : tile;
                int t0 = whole ? cRow[i0] + j0 : 0;
                int t1 = whole ? cRow[i0 + 1] + j0 : width;
                int t2 = whole ? cRow[i0 + 2] + j0 : 2 * width;
                int t3 = whole ? cRow[i0 + 3] + j0 : 3 * width;
                if (width == 64) {
                    kernel4x64(k, aOff, a, r0, r1, r2, r3, b, bOff, out, t0, t1, t2, t3);
                } else if (wide) {
                    kernel4x32(k, aOff, a, r0, r1, r2, r3, b, bOff, out, t0, t1, t2, t3);
                } else {
                    kernel4x16(k, aOff, a, r0, r1, r2, r3, b, bOff, out, t0, t1, t2, t3);
                }
                if (!whole) {
                    for (int t = 0; t < rows; t++) {
                        System.arraycopy(tile, t * width, c, cRow[i0 + t] + j0, cols);
                    }
                }
            }
        }
    }

    /**
     * The 4 × 32 tile: T[t, j] = Σ_{κ < k} a[r_t + aOff[κ]]·b[bi + κ·32 + j], stored at {@code out[t_t + j]}.
     * Eight 512-bit accumulators; per step one table read, two vectors of B, four broadcasts of A, eight FMAs.
     * Written out (not looped over the rows) so that C2 keeps the accumulators in registers.
     */
    private static void kernel4x32(int k, int[] aOff, float[] a, int r0, int r1, int r2, int r3,
                                   float[] b, int bi, float[] t, int t0, int t1, int t2, int t3) {
        FloatVector c00 = FloatVector.zero(Z);
        FloatVector c01 = FloatVector.zero(Z);
        FloatVector c10 = FloatVector.zero(Z);
        FloatVector c11 = FloatVector.zero(Z);
        FloatVector c20 = FloatVector.zero(Z);
        FloatVector c21 = FloatVector.zero(Z);
        FloatVector c30 = FloatVector.zero(Z);
        FloatVector c31 = FloatVector.zero(Z);
        for (int m = 0; m < k; m++) {
            int ak = aOff[m];
            int bp = bi + m * 32;
            FloatVector b0 = FloatVector.fromArray(Z, b, bp);
            FloatVector b1 = FloatVector.fromArray(Z, b, bp + 16);
            FloatVector v0 = FloatVector.broadcast(Z, a[r0 + ak]);
            c00 = v0.fma(b0, c00);
            c01 = v0.fma(b1, c01);
            FloatVector v1 = FloatVector.broadcast(Z, a[r1 + ak]);
            c10 = v1.fma(b0, c10);
            c11 = v1.fma(b1, c11);
            FloatVector v2 = FloatVector.broadcast(Z, a[r2 + ak]);
            c20 = v2.fma(b0, c20);
            c21 = v2.fma(b1, c21);
            FloatVector v3 = FloatVector.broadcast(Z, a[r3 + ak]);
            c30 = v3.fma(b0, c30);
            c31 = v3.fma(b1, c31);
        }
        ((FloatVector) Z_TYPE.cast(c00)).intoArray(t, t0);
        ((FloatVector) Z_TYPE.cast(c01)).intoArray(t, t0 + 16);
        ((FloatVector) Z_TYPE.cast(c10)).intoArray(t, t1);
        ((FloatVector) Z_TYPE.cast(c11)).intoArray(t, t1 + 16);
        ((FloatVector) Z_TYPE.cast(c20)).intoArray(t, t2);
        ((FloatVector) Z_TYPE.cast(c21)).intoArray(t, t2 + 16);
        ((FloatVector) Z_TYPE.cast(c30)).intoArray(t, t3);
        ((FloatVector) Z_TYPE.cast(c31)).intoArray(t, t3 + 16);
    }

    /**
     * The 4 × 64 tile, for products with a multiple of 64 columns on 512-bit vectors: {@link #kernel4x32}'s sums
     * for 64 columns. Sixteen accumulators; per step four vectors of B, four broadcasts of A, sixteen FMAs (half the
     * broadcasts per FMA). On the stride-2 64→64 14×14 forward's product (one JVM, batch 64, 1 thread, Zen 4):
     * 103 GFLOP/s against 100 for two 4 × 32 tiles (both with the former two loops over K).
     */
    private static void kernel4x64(int k, int[] aOff, float[] a, int r0, int r1, int r2, int r3,
                                   float[] b, int bi, float[] t, int t0, int t1, int t2, int t3) {
        FloatVector c00 = FloatVector.zero(Z);
        FloatVector c01 = FloatVector.zero(Z);
        FloatVector c02 = FloatVector.zero(Z);
        FloatVector c03 = FloatVector.zero(Z);
        FloatVector c10 = FloatVector.zero(Z);
        FloatVector c11 = FloatVector.zero(Z);
        FloatVector c12 = FloatVector.zero(Z);
        FloatVector c13 = FloatVector.zero(Z);
        FloatVector c20 = FloatVector.zero(Z);
        FloatVector c21 = FloatVector.zero(Z);
        FloatVector c22 = FloatVector.zero(Z);
        FloatVector c23 = FloatVector.zero(Z);
        FloatVector c30 = FloatVector.zero(Z);
        FloatVector c31 = FloatVector.zero(Z);
        FloatVector c32 = FloatVector.zero(Z);
        FloatVector c33 = FloatVector.zero(Z);
        for (int m = 0; m < k; m++) {
            int ak = aOff[m];
            int bp = bi + m * 64;
            FloatVector b0 = FloatVector.fromArray(Z, b, bp);
            FloatVector b1 = FloatVector.fromArray(Z, b, bp + 16);
            FloatVector b2 = FloatVector.fromArray(Z, b, bp + 32);
            FloatVector b3 = FloatVector.fromArray(Z, b, bp + 48);
            FloatVector v0 = FloatVector.broadcast(Z, a[r0 + ak]);
            c00 = v0.fma(b0, c00);
            c01 = v0.fma(b1, c01);
            c02 = v0.fma(b2, c02);
            c03 = v0.fma(b3, c03);
            FloatVector v1 = FloatVector.broadcast(Z, a[r1 + ak]);
            c10 = v1.fma(b0, c10);
            c11 = v1.fma(b1, c11);
            c12 = v1.fma(b2, c12);
            c13 = v1.fma(b3, c13);
            FloatVector v2 = FloatVector.broadcast(Z, a[r2 + ak]);
            c20 = v2.fma(b0, c20);
            c21 = v2.fma(b1, c21);
            c22 = v2.fma(b2, c22);
            c23 = v2.fma(b3, c23);
            FloatVector v3 = FloatVector.broadcast(Z, a[r3 + ak]);
            c30 = v3.fma(b0, c30);
            c31 = v3.fma(b1, c31);
            c32 = v3.fma(b2, c32);
            c33 = v3.fma(b3, c33);
        }
        ((FloatVector) Z_TYPE.cast(c00)).intoArray(t, t0);
        ((FloatVector) Z_TYPE.cast(c01)).intoArray(t, t0 + 16);
        ((FloatVector) Z_TYPE.cast(c02)).intoArray(t, t0 + 32);
        ((FloatVector) Z_TYPE.cast(c03)).intoArray(t, t0 + 48);
        ((FloatVector) Z_TYPE.cast(c10)).intoArray(t, t1);
        ((FloatVector) Z_TYPE.cast(c11)).intoArray(t, t1 + 16);
        ((FloatVector) Z_TYPE.cast(c12)).intoArray(t, t1 + 32);
        ((FloatVector) Z_TYPE.cast(c13)).intoArray(t, t1 + 48);
        ((FloatVector) Z_TYPE.cast(c20)).intoArray(t, t2);
        ((FloatVector) Z_TYPE.cast(c21)).intoArray(t, t2 + 16);
        ((FloatVector) Z_TYPE.cast(c22)).intoArray(t, t2 + 32);
        ((FloatVector) Z_TYPE.cast(c23)).intoArray(t, t2 + 48);
        ((FloatVector) Z_TYPE.cast(c30)).intoArray(t, t3);
        ((FloatVector) Z_TYPE.cast(c31)).intoArray(t, t3 + 16);
        ((FloatVector) Z_TYPE.cast(c32)).intoArray(t, t3 + 32);
        ((FloatVector) Z_TYPE.cast(c33)).intoArray(t, t3 + 48);
    }

    /** The 4 × 16 tile in 256-bit registers: {@link #kernel4x32}'s sums for four rows and 16 columns. */
    private static void kernel4x16(int k, int[] aOff, float[] a, int r0, int r1, int r2, int r3,
                                   float[] b, int bi, float[] t, int t0, int t1, int t2, int t3) {
        FloatVector c00 = FloatVector.zero(F);
        FloatVector c01 = FloatVector.zero(F);
        FloatVector c10 = FloatVector.zero(F);
        FloatVector c11 = FloatVector.zero(F);
        FloatVector c20 = FloatVector.zero(F);
        FloatVector c21 = FloatVector.zero(F);
        FloatVector c30 = FloatVector.zero(F);
        FloatVector c31 = FloatVector.zero(F);
        for (int m = 0; m < k; m++) {
            int ak = aOff[m];
            int bp = bi + m * 16;
            FloatVector b0 = FloatVector.fromArray(F, b, bp);
            FloatVector b1 = FloatVector.fromArray(F, b, bp + 8);
            FloatVector v0 = FloatVector.broadcast(F, a[r0 + ak]);
            c00 = v0.fma(b0, c00);
            c01 = v0.fma(b1, c01);
            FloatVector v1 = FloatVector.broadcast(F, a[r1 + ak]);
            c10 = v1.fma(b0, c10);
            c11 = v1.fma(b1, c11);
            FloatVector v2 = FloatVector.broadcast(F, a[r2 + ak]);
            c20 = v2.fma(b0, c20);
            c21 = v2.fma(b1, c21);
            FloatVector v3 = FloatVector.broadcast(F, a[r3 + ak]);
            c30 = v3.fma(b0, c30);
            c31 = v3.fma(b1, c31);
        }
        ((FloatVector) F_TYPE.cast(c00)).intoArray(t, t0);
        ((FloatVector) F_TYPE.cast(c01)).intoArray(t, t0 + 8);
        ((FloatVector) F_TYPE.cast(c10)).intoArray(t, t1);
        ((FloatVector) F_TYPE.cast(c11)).intoArray(t, t1 + 8);
        ((FloatVector) F_TYPE.cast(c20)).intoArray(t, t2);
        ((FloatVector) F_TYPE.cast(c21)).intoArray(t, t2 + 8);
        ((FloatVector) F_TYPE.cast(c30)).intoArray(t, t3);
        ((FloatVector) F_TYPE.cast(c31)).intoArray(t, t3 + 8);
    }

    /**
     * Width of the register transposes of the layout moves where they are vectors: 16 × 16 blocks in 512-bit
     * registers on AVX-512 ({@link Transpose#transpose16}: 0.55× the time of four 8 × 8 blocks), 8 × 8 elsewhere.
     */
    static final int MOVE_BLOCK = Kernels.NATIVE_512 ? 16 : 8;

    /**
     * {@code xn[((h + padT)·W_p + w + padL)·C + c] = x[xOff + (c·H + h)·W + w]}, zero in the border: one sample
     * [C, H, W] into a zero-padded channels-last buffer [H_p, W_p, C] (the bottom and right borders are what
     * H_p and W_p leave). Blocks of channels and pixels are transposed in registers; with {@code vectors == false}
     * the same values are copied one by one.
     */
    static void toChannelsLast(float[] x, int xOff, int c, int h, int w, int padT, int padL, int hp, int wp,
                               float[] xn, boolean vectors) {
        toChannelsLast(x, xOff, c, h, w, padT, padL, hp, wp, xn, 0, vectors ? MOVE_BLOCK : 0);
    }

    /** {@link #toChannelsLast(float[], int, int, int, int, int, int, int, int, float[], boolean)} into xn from xnOff. */
    static void toChannelsLast(float[] x, int xOff, int c, int h, int w, int padT, int padL, int hp, int wp,
                               float[] xn, int xnOff, boolean vectors) {
        toChannelsLast(x, xOff, c, h, w, padT, padL, hp, wp, xn, xnOff, vectors ? MOVE_BLOCK : 0);
    }

    /**
     * The move with register blocks of {@code block} channels (16, 8, or 0 for one float at a time; the tests run
     * all three). 16 × 16 blocks take 16 channels at 16 consecutive pixels of the plane, which may span rows:
     * each pixel's row of channels is stored at its own offset in the padded buffer (a table per call, in a
     * buffer of the thread), and the plane's last block overlaps the one before it. 8 × 8 blocks take 8 pixels of
     * a row. Channels the blocks leave over go one by one.
     */
    static void toChannelsLast(float[] x, int xOff, int c, int h, int w, int padT, int padL, int hp, int wp,
                               float[] xn, int xnOff, int block) {
        int rowFloats = wp * c;
        java.util.Arrays.fill(xn, xnOff, xnOff + padT * rowFloats, 0f);
        java.util.Arrays.fill(xn, xnOff + (padT + h) * rowFloats, xnOff + hp * rowFloats, 0f);
        for (int i = 0; i < h; i++) {
            int row = xnOff + (i + padT) * rowFloats;
            java.util.Arrays.fill(xn, row, row + padL * c, 0f);
            java.util.Arrays.fill(xn, row + (padL + w) * c, row + rowFloats, 0f);
        }
        int plane = h * w;
        int c16 = block == 16 && plane >= 16 ? c - c % 16 : 0;
        if (c16 > 0) {
            int[] at = PIXELS.ints(plane);                               // pixel k's channels in xn
            for (int i = 0; i < h; i++) {
                for (int j = 0; j < w; j++) {
                    at[i * w + j] = ((i + padT) * wp + j + padL) * c;
                }
            }
            // Sixteen channels at a time over the whole plane: sixteen sequential read streams (all the channels
            // of 16 pixels at a time, 32 streams at 32 channels, took 1.3-1.7× as long).
            for (int c0 = 0; c0 < c16; c0 += 16) {
                for (int k = 0; ; k += 16) {
                    k = Math.min(k, plane - 16);
                    // 16 channels × 16 pixels [c][k] → [k][c]
                    Transpose.transpose16(x, xOff + c0 * plane + k, plane, xn, xnOff + c0, at, k, null, 0);
                    if (k == plane - 16) {
                        break;
                    }
                }
            }
        }
        boolean blocks = block >= 8 && F.length() == 8;
        int c8 = blocks ? c16 + (c - c16) / 8 * 8 : c16;
        // Eight channels at a time over the whole image, so that the reads are eight sequential streams (a row
        // of all channels at a time, 32 streams at 32 channels, took 1.2-1.6× as long).
        for (int c0 = c16; c0 < c8; c0 += 8) {
            for (int i = 0; i < h; i++) {
                int src = xOff + c0 * h * w + i * w;
                int dst = xnOff + ((i + padT) * wp + padL) * c + c0;
                if (w < 8) {
                    // A row shorter than a vector (7×7): the eight floats read per channel run past it (into the
                    // next row), and only the row's own pixels are stored; the array's last rows go one by one.
                    if (src + 7 * h * w + 8 <= x.length) {
                        Transpose.transpose8(x, src, h * w, xn, dst, c, w, false, 0f);
                    } else {
                        for (int ch = c0; ch < c0 + 8; ch++) {
                            for (int j = 0; j < w; j++) {
                                xn[dst + j * c + ch - c0] = x[src + (ch - c0) * h * w + j];
                            }
                        }
                    }
                    continue;
                }
                for (int j = 0; ; j += 8) {
                    j = Math.min(j, w - 8);
                    // 8 channels × 8 pixels [c][w] → [w][c]
                    Transpose.transpose8(x, src + j, h * w, xn, dst + j * c, c, 8, false, 0f);
                    if (j == w - 8) {
                        break;
                    }
                }
            }
        }
        for (int ch = c8; ch < c; ch++) {
            for (int i = 0; i < h; i++) {
                int src = xOff + (ch * h + i) * w;
                int dst = xnOff + ((i + padT) * wp + padL) * c + ch;
                for (int j = 0; j < w; j++) {
                    xn[dst + j * c] = x[src + j];
                }
            }
        }
    }

    /**
     * The way back, with the bias: {@code y[yOff + o·P + k] = yt[k·C + o] + b[o]} for the P pixels k and the C
     * channels o ({@code b} null: no bias). Blocks of pixels and channels transposed in registers, the bias added
     * to the pixel rows first (its lanes are the channels); or one by one.
     */
    static void fromChannelsLast(float[] yt, int pixels, int c, float[] bias, float[] y, int yOff,
                                 boolean vectors) {
        fromChannelsLast(yt, 0, pixels, c, bias, y, yOff, vectors ? MOVE_BLOCK : 0);
    }

    /** {@link #fromChannelsLast(float[], int, int, float[], float[], int, boolean)} from yt at ytOff. */
    static void fromChannelsLast(float[] yt, int ytOff, int pixels, int c, float[] bias, float[] y, int yOff,
                                 boolean vectors) {
        fromChannelsLast(yt, ytOff, pixels, c, bias, y, yOff, vectors ? MOVE_BLOCK : 0);
    }

    /**
     * The way back with register blocks of {@code block} channels (16, 8 or 0, as {@link #toChannelsLast}): 16 ×
     * 16 blocks add the bias in registers (yt is left as it was), 8 × 8 ones to yt's rows first.
     */
    static void fromChannelsLast(float[] yt, int ytOff, int pixels, int c, float[] bias, float[] y, int yOff,
                                 int block) {
        int c16 = block == 16 && pixels >= 16 ? c - c % 16 : 0;
        if (c16 > 0) {
            int[] at = new int[16];                                      // channel j's plane, from channel o0's
            for (int j = 0; j < 16; j++) {
                at[j] = j * pixels;
            }
            for (int o0 = 0; o0 < c16; o0 += 16) {
                for (int k = 0; ; k += 16) {
                    k = Math.min(k, pixels - 16);
                    // 16 pixels × 16 channels [k][o] (+ b[o]) → [o][k]
                    Transpose.transpose16(yt, ytOff + k * c + o0, c, y, yOff + o0 * pixels + k, at, 0, bias, o0);
                    if (k == pixels - 16) {
                        break;
                    }
                }
            }
        }
        boolean blocks = block >= 8 && F.length() == 8 && pixels >= 8;
        int c8 = blocks ? c16 + (c - c16) / 8 * 8 : c16;
        if (bias != null && c8 > c16) {
            for (int k = 0; k < pixels; k++) {
                for (int o = c16; o < c8; o += 8) {
                    FloatVector.fromArray(F, yt, ytOff + k * c + o)
                            .add(FloatVector.fromArray(F, bias, o))
                            .intoArray(yt, ytOff + k * c + o);
                }
            }
        }
        for (int o = c16; o < c8; o += 8) {
            for (int k = 0; ; k += 8) {
                k = Math.min(k, pixels - 8);
                // 8 pixels × 8 channels [k][o] → [o][k]
                Transpose.transpose8(yt, ytOff + k * c + o, c, y, yOff + o * pixels + k, pixels, 8, false, 0f);
                if (k == pixels - 8) {
                    break;
                }
            }
        }
        for (int o = c8; o < c; o++) {
            float b = bias == null ? 0f : bias[o];
            for (int k = 0; k < pixels; k++) {
                y[yOff + o * pixels + k] = yt[ytOff + k * c + o] + b;
            }
        }
    }
}
