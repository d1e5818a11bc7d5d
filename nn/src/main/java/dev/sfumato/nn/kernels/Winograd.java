package dev.sfumato.nn.kernels;

import dev.sfumato.tensor.Parallel;
import dev.sfumato.tensor.Recycler;
import dev.sfumato.tensor.Tensor;
import dev.sfumato.tensor.kernels.Gemm;
import dev.sfumato.tensor.kernels.Kernels;
import dev.sfumato.tensor.kernels.Scratch;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.Vector;
import jdk.incubator.vector.VectorSpecies;

/**
 * 3×3 stride-1 convolutions with padding 1 by Winograd's minimal filtering algorithm F(2×2, 3×3) (Lavin and
 * Gray 2016, "Fast Algorithms for Convolutional Neural Networks", section 4; Winograd 1980): each 2×2 tile of
 * the output is computed from a 4×4 tile d of the padded input as
 * <pre>
 * Y = Aᵀ [ Σ_c (G g_c Gᵀ) ⊙ (Bᵀ d_c B) ] A
 * </pre>
 * with 16 multiplications per tile and channel pair instead of the direct form's 36. Across a block of tiles the
 * sum over channels is, for each of the 16 positions ξ of the 4×4 transformed tile, one matrix product
 * <pre>
 * M_ξ [C_out, tiles] = U_ξ [C_out, C_in] · V_ξ [C_in, tiles]
 * </pre>
 * on the Vector API GEMM ({@link Gemm}), where U = G g Gᵀ are the transformed weights (once per call) and
 * V = Bᵀ d B the transformed input tiles. The transforms need only additions (and halvings of the weights,
 * exact in binary), so the GEMM's multiply-adds fall from 9·C_in·C_out to 4·C_in·C_out per output pixel: 2.25×
 * fewer, for transforms that stream the input and output four times.
 *
 * <p>Layout: blocks of {@link Interleave#BLOCK} samples interleaved in the vector lanes, as the exact-column
 * convolutions use them, so each vector of a transform holds one tile position of eight samples and every load
 * and store is a whole vector (no tile straddles a row end, no lane is a different tile). A task is one block
 * and a range of tile rows; it pads and interleaves the input rows it reads, then per chunk of its tile rows
 * ({@link #chunkRows}) transforms them, runs the 16 products and transforms back into an interleaved result that
 * {@link Interleave#scatter} moves into NCHW (adding the bias), all in buffers of its thread that stay in cache.
 * Tasks write disjoint outputs and each output's operations do not depend on the task split, so the bits are the
 * same on any number of threads.
 *
 * <p>Rounding differs from the direct form's: the transforms add up to four terms before and after the products,
 * so each output is a different float sum of the same terms, held by the tests to the same tolerance as the GEMM
 * paths. The twin with {@code vectors == false} does the same float operations one lane at a time, so the two
 * are equal bit for bit.
 */
final class Winograd {

    /** Samples per block, one per vector lane. */
    static final int BLOCK = Interleave.BLOCK;
    /** Positions of the transformed 4×4 tile: the number of products per task. */
    static final int POSITIONS = 16;
    /** Columns (tiles × samples) a task aims for: its products' B and C then stay in L2. */
    static final int TARGET_COLUMNS = 128;
    /** Input and output channels below which the direct path is kept (a single channel makes the transforms the cost). */
    static final int MIN_CHANNELS = 8;
    /**
     * Floats between the 16 positions' matrices beyond their size: one cache line. Without it the positions of a
     * 28×28 task lay 7 × 4 KB apart (64 channels × 112 columns), so the 16 streams a transform reads or writes
     * all fell into the same L1 set.
     */
    static final int SKEW = 16;

    private static final Scratch INPUT = new Scratch();
    private static final Scratch TRANSFORMED = new Scratch();
    private static final Scratch PRODUCTS = new Scratch();
    private static final Scratch RESULT = new Scratch();

    private Winograd() {}

    /** Whether F(2×2, 3×3) computes this convolution: 3×3, stride 1, padding 1, no dilation, one group, same size. */
    static boolean applies(ConvGeometry g) {
        return g.kH() == 3 && g.kW() == 3 && g.strideH() == 1 && g.strideW() == 1 && g.padH() == 1 && g.padW() == 1
                && g.dilH() == 1 && g.dilW() == 1 && g.groups() == 1 && g.hOut() == g.h() && g.wOut() == g.w()
                && g.cIn() >= MIN_CHANNELS && g.cOut() >= MIN_CHANNELS;
    }

    /**
     * Whether the weight gradient takes F(2×2, 3×3) too: where it {@link #applies}, with at least 64 channels
     * each way, and on images of at least 8×8 unless there are 8192 channel pairs or more. Its transforms move
     * four times the data of the image and the gradient, which only enough channel pairs pay for: measured in
     * one JVM, batch 64, 1 thread, time Winograd/GEMM path (medians of 16 pairs), 0.61-0.81 at 14×14 (64→64,
     * 96→64, 128→64, 128→128), 0.78-0.93 at 28×28 with 64 input channels (64→128, 64→64), 0.71 and 0.91 at 7×7
     * for 128→128 and 128→64; but 1.06-1.13 at 28×28 with 32 output channels (32→32, 64→32, 96→32), 0.98 for
     * 32→64 at 14×14 and 1.05 for 64→64 at 7×7, where 7 rows of 2×2 tiles cover 8.
     */
    static boolean appliesToWeightGradient(ConvGeometry g) {
        int pairs = g.cIn() * g.cOut();
        return applies(g) && Math.min(g.cIn(), g.cOut()) >= 64 && (Math.min(g.h(), g.w()) >= 8 || pairs >= 8192);
    }

    /** y = conv2d(x, w, padding=1) + b for a geometry that {@link #applies}; x and w contiguous. */
    static Tensor forward(ConvGeometry g, Tensor x, Tensor w, float[] bias) {
        return forward(g, x, w, bias, !Kernels.REFERENCE_ONLY);
    }

    /** {@link #forward}, with the transforms on vectors or, without {@code vectors}, one lane at a time. */
    static Tensor forward(ConvGeometry g, Tensor x, Tensor w, float[] bias, boolean vectors) {
        return forward(g, x, w, bias, vectors, vectors && directProducts(g.cIn()));
    }

    /**
     * Input channels up to which the 16 products run on {@link #directProduct} rather than the GEMM (on CPUs with
     * 512-bit vectors). Their K is C_in, one block of the GEMM (KC = 512), so the two give the same bits; what the
     * GEMM adds is packing V into panels and U into slivers on every call. In one JVM (batch 64, the forward's time,
     * direct / GEMM, medians of 31 pairs alternating which runs first, 1 and 2 threads, Zen 4): 0.86-0.88 (32→32
     * 28×28), 0.84-0.87 (64→32 14×14 and 28×28), 0.92-0.94 (96→32 28×28), 0.88-0.92 (64→64 7×7), 0.92-0.93 (64→64
     * 14×14), 0.95-0.96 (64→64 28×28), 0.95-0.98 (96→64 14×14, 64→128 at 14×14 and 28×28), 0.94-0.99 (128→64 14×14),
     * 0.94-0.95 (128→128 7×7); but 1.02-1.03 for 128→128 at 14×14, and more channels were not measured, so the rule
     * stops at 128.
     */
    static final int DIRECT_MAX_CHANNELS = 128;

    /**
     * Whether the products take {@link #directProduct}: 512-bit vectors, at most {@link #DIRECT_MAX_CHANNELS} input
     * channels, and a task's columns a multiple of the narrowest tile's 8 (they are a multiple of {@link #BLOCK}).
     */
    static boolean directProducts(int cIn) {
        return ChannelsLast.WIDE && cIn <= DIRECT_MAX_CHANNELS && BLOCK % 8 == 0;
    }

    /**
     * {@link #forward}, the products on {@link #directProduct} or on the GEMM: the same bits either way (each
     * element one FMA chain over the input channels, in order, from zero).
     */
    static Tensor forward(ConvGeometry g, Tensor x, Tensor w, float[] bias, boolean vectors, boolean direct) {
        return forward(g, x, w, bias, vectors, direct, direct);
    }

    /**
     * Columns of the wide register tile of {@link #directProduct}: a chunk of whole tile rows whose columns are a
     * multiple of it fills every tile.
     */
    private static final int TILE_COLUMNS = 32;

    /**
     * Tile rows per chunk of a task: one when a tile row's columns fill whole 32-column register tiles (the
     * 7×7 images: 4 tiles × 8 samples) and the products are {@link #directProduct}'s, else all the task's rows.
     * A task of four tile rows at 7×7 keeps its padded copy's reuse (10 padded rows for 8 output rows, against 4
     * for 2 in a task of one row) while its transforms and products work on 32 columns at a time, whose V and M
     * (16 × 64 × 32 floats each at 64 channels, against 16 × 64 × 128) stay in L2. In one JVM (batch 64, 80
     * alternating pairs, Zen 4), median of chunked / whole: 64→64 7×7 0.96 on 1 thread and 0.94 on 2, 128→64 0.91
     * and 0.92, 64→128 0.94 and 0.91. Tasks of one tile row each instead (no chunks, the copy's reuse lost) took
     * 0.85-1.22 of the chunked tasks' time over six rounds, more on 1 thread. At 14×14 a tile row is 56 columns
     * (32 + 16 + 8 of the register tile): chunks of one row took 1.06-1.14 of the time of the task's 112 columns
     * (1 and 2 threads, 64→64 and 128→64), so the rule leaves the other sizes whole.
     */
    static int chunkRows(int tileRows, int tilesW, boolean chunked) {
        return chunked && (tilesW * BLOCK) % TILE_COLUMNS == 0 ? 1 : tileRows;
    }

    /**
     * {@link #forward}, the tasks' tile rows in chunks ({@link #chunkRows}) or whole: the same bits either way
     * (a tile's transforms and each element's FMA chain do not depend on which other tiles share the chunk).
     */
    static Tensor forward(ConvGeometry g, Tensor x, Tensor w, float[] bias, boolean vectors, boolean direct,
                          boolean chunked) {
        int n = g.n();
        int cIn = g.cIn();
        int cOut = g.cOut();
        int h = g.h();
        int wd = g.w();
        Tensor y = Tensor.empty(g.outputShape());
        if (n == 0) {
            return y;
        }
        float[] xd = x.data();
        int xo = x.offset();
        float[] yd = y.data();
        // U from the pool inside a recycler scope (every element is written), given back after the loop: a fresh
        // array per call was 12 MB of allocation per training step, zeroed on the calling thread.
        Tensor uTensor = Tensor.empty(POSITIONS * cOut * cIn);
        float[] u = uTensor.data();
        transformWeights(w.data(), w.offset(), cOut, cIn, vectors, u);
        Gemm.PackedA[] packed = direct ? null : packWeights(u, cOut, cIn);
        int tilesH = Math.ceilDiv(h, 2);
        int tilesW = Math.ceilDiv(wd, 2);
        int rowsPerTask = rowsPerTask(tilesH, tilesW);
        int chunks = Math.ceilDiv(tilesH, rowsPerTask);
        int inSample = cIn * h * wd;
        int outPlane = h * wd;
        int paddedW = 2 * tilesW + 2;                                     // one column of zeros left, 1-2 right
        Parallel.forRange(Math.ceilDiv(n, BLOCK) * chunks, (t0, t1) -> {
            for (int t = t0; t < t1; t++) {
                int first = (t / chunks) * BLOCK;
                int count = Math.min(BLOCK, n - first);
                int ti0 = (t % chunks) * rowsPerTask;
                int tileRows = Math.min(tilesH, ti0 + rowsPerTask) - ti0;
                int paddedRows = 2 * tileRows + 2;
                // d: the padded input rows [2·ti0 − 1, 2·ti0 + 2·tileRows + 1) of the block, interleaved.
                float[] d = INPUT.floats(cIn * paddedRows * paddedW * BLOCK);
                padRows(xd, xo + first * inSample, inSample, count, cIn, h, wd, 2 * ti0 - 1, paddedRows, paddedW, 1,
                        d, vectors);
                int row0 = 2 * ti0;
                int outRows = Math.min(h, row0 + 2 * tileRows) - row0;
                int pixels = outRows * wd;
                float[] yi = RESULT.floats(cOut * pixels * BLOCK);
                int rowsPerChunk = chunkRows(tileRows, tilesW, chunked);
                int most = rowsPerChunk * tilesW * BLOCK;                 // columns of the largest chunk
                int vStride = cIn * most + SKEW;
                int mStride = cOut * most + SKEW;
                float[] v = TRANSFORMED.floats(POSITIONS * vStride);
                float[] m = PRODUCTS.floats(POSITIONS * mStride);
                for (int i0 = 0; i0 < tileRows; i0 += rowsPerChunk) {
                    int rowsHere = Math.min(rowsPerChunk, tileRows - i0);
                    int cols = rowsHere * tilesW * BLOCK;
                    // V [16, C_in, cols] = Bᵀ d B per tile and channel
                    inputTransform(d, cIn, paddedRows, paddedW, i0, rowsHere, tilesW, v, cols, vStride, vectors);
                    // M_ξ [C_out, cols] = U_ξ [C_out, C_in] · V_ξ [C_in, cols], ξ = 0..15
                    for (int xi = 0; xi < POSITIONS; xi++) {
                        if (direct) {
                            directProduct(u, xi * cOut * cIn, cOut, cIn, v, xi * vStride, cols, m, xi * mStride);
                        } else {
                            Gemm.sgemm(packed[xi], cols, 1f, Gemm.rowsOf(v, xi * vStride, cols), 0f, m, xi * mStride,
                                    cols);
                        }
                    }
                    // Y = Aᵀ M A into the interleaved result
                    outputTransform(m, cOut, cols, mStride, i0, rowsHere, tilesW, outRows, wd, yi, pixels * BLOCK,
                            vectors);
                }
                // ... then into y [N, C_out, H, W] with the bias.
                Interleave.scatter(yi, pixels * BLOCK, cOut, pixels, count, yd, first * cOut * outPlane + row0 * wd,
                        outPlane, cOut * outPlane, bias, 0, vectors);
            }
        });
        Recycler.recycleNow(uTensor);
        return y;
    }

    /**
     * dW for a geometry that {@link #applies} (taken where it {@link #appliesToWeightGradient}), x and dy
     * contiguous, through the adjoints of the forward's transforms (the weight gradient is itself a minimal
     * filtering problem, F(3×3, 2×2), with the roles of the matrices exchanged). Per tile, M = U ⊙ V and
     * Y = Aᵀ M A, so
     * <pre>
     * ∂L/∂M = A dY Aᵀ,   ∂L/∂U_ξ [C_out, C_in] = Σ_tiles (A dY Aᵀ)_ξ [C_out, tiles] · V_ξᵀ [tiles, C_in],
     * dW = Gᵀ (∂L/∂U) G
     * </pre>
     * 16 products per 2×2 tile of dY and channel pair against the direct form's 36. Each task owns a block of
     * eight samples and one of its {@link #weightGradientParts}, walks that part's ranges of tile rows and
     * accumulates its own ∂L/∂U; the partials are added in (block, part) order: the same bits on any number of
     * threads.
     */
    static Tensor backwardWeight(ConvGeometry g, Tensor x, Tensor dy) {
        return backwardWeight(g, x, dy, !Kernels.REFERENCE_ONLY);
    }

    /** {@link #backwardWeight}, with the transforms on vectors or, without {@code vectors}, one lane at a time. */
    static Tensor backwardWeight(ConvGeometry g, Tensor x, Tensor dy, boolean vectors) {
        int n = g.n();
        int cIn = g.cIn();
        int cOut = g.cOut();
        int h = g.h();
        int wd = g.w();
        int tilesH = Math.ceilDiv(h, 2);
        int tilesW = Math.ceilDiv(wd, 2);
        int rowsPerTask = rowsPerTask(tilesH, tilesW);
        int chunks = Math.ceilDiv(tilesH, rowsPerTask);
        int inSample = cIn * h * wd;
        int outSample = cOut * h * wd;
        int paddedW = 2 * tilesW + 2;
        int blocks = Math.ceilDiv(n, BLOCK);
        int size = POSITIONS * cOut * cIn;                               // ∂L/∂U [16, C_out, C_in]
        float[] xd = x.data();
        int xo = x.offset();
        float[] dyd = dy.data();
        int dyo = dy.offset();
        int parts = weightGradientParts(chunks);
        Tensor partialsTensor = Tensor.empty(blocks * parts * size);     // every element written (beta 0 first)
        float[] partials = partialsTensor.data();
        Parallel.forRange(blocks * parts, (t0, t1) -> {
            for (int t = t0; t < t1; t++) {
                int block = t / parts;
                int part = t % parts;
                int first = block * BLOCK;
                int count = Math.min(BLOCK, n - first);
                int chunk0 = part * chunks / parts;                       // this part's ranges of tile rows
                int chunk1 = (part + 1) * chunks / parts;
                for (int chunk = chunk0; chunk < chunk1; chunk++) {
                    int ti0 = chunk * rowsPerTask;
                    int tileRows = Math.min(tilesH, ti0 + rowsPerTask) - ti0;
                    int cols = tileRows * tilesW * BLOCK;
                    int paddedRows = 2 * tileRows + 2;
                    float[] d = INPUT.floats(cIn * paddedRows * paddedW * BLOCK);
                    padRows(xd, xo + first * inSample, inSample, count, cIn, h, wd, 2 * ti0 - 1, paddedRows, paddedW,
                            1, d, vectors);
                    int vStride = cIn * cols + SKEW;
                    float[] v = TRANSFORMED.floats(POSITIONS * vStride);
                    inputTransform(d, cIn, paddedRows, paddedW, 0, tileRows, tilesW, v, cols, vStride, vectors);
                    // e: the block's dY rows [2·ti0, 2·ti0 + 2·tileRows), interleaved, zero past the image.
                    float[] e = RESULT.floats(cOut * 2 * tileRows * 2 * tilesW * BLOCK);
                    padRows(dyd, dyo + first * outSample, outSample, count, cOut, h, wd, 2 * ti0, 2 * tileRows,
                            2 * tilesW, 0, e, vectors);
                    int mStride = cOut * cols + SKEW;
                    float[] dm = PRODUCTS.floats(POSITIONS * mStride);
                    gradientTransform(e, cOut, tileRows, tilesW, dm, cols, mStride, vectors);
                    float beta = chunk == chunk0 ? 0f : 1f;
                    for (int xi = 0; xi < POSITIONS; xi++) {
                        // ∂L/∂U_ξ [C_out, C_in] += (A dY Aᵀ)_ξ [C_out, cols] · V_ξᵀ [cols, C_in]
                        Gemm.sgemm(false, true, cOut, cIn, cols, 1f, dm, xi * mStride, cols, v, xi * vStride, cols,
                                beta, partials, t * size + xi * cOut * cIn, cIn);
                    }
                }
            }
        });
        float[] du = new float[size];
        Conv2dKernels.addInOrder(partials, blocks * parts, size, du);
        Recycler.recycleNow(partialsTensor);
        return Tensor.wrap(weightsFromTransformed(du, cOut, cIn), g.weightShape());
    }

    /**
     * Parts a block's ranges of tile rows are split into, each a task with its own partial ∂L/∂U: two where
     * there are two ranges or more. With one task per block (8 tasks at batch 64) one thread of the 2-thread
     * training step had nothing to do for 10-13% of these loops' time (timed per loop: 0.7 of 5.9 ms per call at
     * 64→64 14×14, 2.9 of 23 ms at 64→64 28×28), the other finishing its last block alone; twice the partials
     * add 16 × C_out × C_in floats per block to the final sum (0.26 MB at 64 channels).
     */
    static int weightGradientParts(int chunks) {
        return Math.min(2, chunks);
    }

    /**
     * dW [C_out, C_in, 3, 3] = Gᵀ (∂L/∂U) G per channel pair, the adjoint of {@link #transformWeights}:
     * <pre>
     *      | 1  1/2  1/2  0 |
     * Gᵀ = | 0  1/2 −1/2  0 |
     *      | 0  1/2  1/2  1 |
     * </pre>
     */
    static float[] weightsFromTransformed(float[] du, int cOut, int cIn) {
        float[] dw = new float[cOut * cIn * 9];
        int ps = cOut * cIn;
        Parallel.forRange(cOut, (k0, k1) -> {                            // output channels split among tasks
            float[] t = new float[12];
            for (int k = k0; k < k1; k++) {
                for (int c = 0; c < cIn; c++) {
                    int at = k * cIn + c;
                    for (int q = 0; q < 4; q++) {                         // t [3, 4] = Gᵀ dU
                        float u0 = du[q * ps + at];
                        float u1 = du[(4 + q) * ps + at];
                        float u2 = du[(8 + q) * ps + at];
                        float u3 = du[(12 + q) * ps + at];
                        t[q] = u0 + 0.5f * (u1 + u2);
                        t[4 + q] = 0.5f * (u1 - u2);
                        t[8 + q] = 0.5f * (u1 + u2) + u3;
                    }
                    int out = at * 9;
                    for (int r = 0; r < 3; r++) {                         // dW [3, 3] = t G
                        float t0 = t[4 * r];
                        float t1 = t[4 * r + 1];
                        float t2 = t[4 * r + 2];
                        float t3 = t[4 * r + 3];
                        dw[out + 3 * r] = t0 + 0.5f * (t1 + t2);
                        dw[out + 3 * r + 1] = 0.5f * (t1 - t2);
                        dw[out + 3 * r + 2] = 0.5f * (t1 + t2) + t3;
                    }
                }
            }
        });
        return dw;
    }

    /**
     * A dY Aᵀ for every 2×2 tile of the interleaved gradient rows {@code e} ({@code e[((k·2·tileRows + r)·2·tilesW
     * + col)·BLOCK + s]}) and output channel, into {@code dm[ξ·positionStride + k·cols + (i·tilesW + j)·BLOCK + s]},
     * with A = (Aᵀ)ᵀ: rows first (h = (g0, g0 + g1, g0 − g1, −g1) for the tile's rows g0, g1), then the same on
     * the two columns of each h_r.
     */
    static void gradientTransform(float[] e, int cOut, int tileRows, int tilesW, float[] dm, int cols,
                                  int positionStride, boolean vectors) {
        int rs = 2 * tilesW * BLOCK;
        for (int k = 0; k < cOut; k++) {
            for (int i = 0; i < tileRows; i++) {
                for (int j = 0; j < tilesW; j++) {
                    int at = ((k * 2 * tileRows + 2 * i) * 2 * tilesW + 2 * j) * BLOCK;
                    int out = k * cols + (i * tilesW + j) * BLOCK;
                    if (vectors) {
                        gradientTile(e, at, rs, dm, out, positionStride);
                    } else {
                        for (int s = 0; s < BLOCK; s++) {
                            gradientTileLane(e, at + s, rs, dm, out + s, positionStride);
                        }
                    }
                }
            }
        }
    }

    /** One tile, eight samples: h_r = (A g)_r, then (h_r Aᵀ)_q = h_r[0], h_r[0] + h_r[1], h_r[0] − h_r[1], −h_r[1]. */
    private static void gradientTile(float[] e, int at, int rs, float[] dm, int out, int ps) {
        FloatVector g00 = load(e, at);
        FloatVector g01 = load(e, at + BLOCK);
        FloatVector g10 = load(e, at + rs);
        FloatVector g11 = load(e, at + rs + BLOCK);
        for (int r = 0; r < 4; r++) {
            FloatVector a = r == 0 ? g00 : r == 1 ? g00.add(g10) : r == 2 ? g00.sub(g10) : g10.neg();
            FloatVector b = r == 0 ? g01 : r == 1 ? g01.add(g11) : r == 2 ? g01.sub(g11) : g11.neg();
            int o = out + 4 * r * ps;
            a.intoArray(dm, o);
            a.add(b).intoArray(dm, o + ps);
            a.sub(b).intoArray(dm, o + 2 * ps);
            b.neg().intoArray(dm, o + 3 * ps);
        }
    }

    /** {@link #gradientTile} for one lane: the same float operations in the same order. */
    private static void gradientTileLane(float[] e, int at, int rs, float[] dm, int out, int ps) {
        float g00 = e[at];
        float g01 = e[at + BLOCK];
        float g10 = e[at + rs];
        float g11 = e[at + rs + BLOCK];
        for (int r = 0; r < 4; r++) {
            float a = r == 0 ? g00 : r == 1 ? g00 + g10 : r == 2 ? g00 - g10 : -g10;
            float b = r == 0 ? g01 : r == 1 ? g01 + g11 : r == 2 ? g01 - g11 : -g11;
            int o = out + 4 * r * ps;
            dm[o] = a;
            dm[o + ps] = a + b;
            dm[o + 2 * ps] = a - b;
            dm[o + 3 * ps] = -b;
        }
    }

    /**
     * Tile rows per task: about {@link #TARGET_COLUMNS} columns, and an even number of tiles when the image has
     * more rows, so that the products' columns fill whole 16-wide register tiles.
     */
    static int rowsPerTask(int tilesH, int tilesW) {
        int rows = Math.max(1, TARGET_COLUMNS / (tilesW * BLOCK));
        if ((rows * tilesW) % 2 == 1 && rows < tilesH) {
            rows++;
        }
        return Math.min(rows, tilesH);
    }

    /**
     * U_ξ = (G g Gᵀ)_ξ for every output channel k and input channel c, into {@code u} as 16 matrices
     * [C_out, C_in] one after the other ({@code u[(ξ·C_out + k)·C_in + c]}, every element written):
     * <pre>
     *     | 1    0    0   |
     * G = | 1/2  1/2  1/2 |      (Lavin and Gray, section 4)
     *     | 1/2 −1/2  1/2 |
     *     | 0    0    1   |
     * </pre>
     */
    static void transformWeights(float[] w, int wOff, int cOut, int cIn, boolean vectors, float[] u) {
        // Runs of output channels per task, as many as write TRANSFORM_TASK_FLOATS of u.
        Parallel.forRuns(cOut, POSITIONS * cIn, TRANSFORM_TASK_FLOATS, (k0, k1) -> {
            float[] t = new float[12];
            float[] rows = vectors ? WEIGHT_ROWS.floats(9 * cIn) : null;
            for (int k = k0; k < k1; k++) {
                int c = 0;
                if (vectors) {
                    // Output channel k's filters as nine rows of C_in floats, so that eight input channels are a
                    // vector and each of the 16 positions of U a contiguous store.
                    for (int ci = 0; ci < cIn; ci++) {
                        int g = wOff + (k * cIn + ci) * 9;
                        for (int j = 0; j < 9; j++) {
                            rows[j * cIn + ci] = w[g + j];
                        }
                    }
                    for (int bound = Kernels.F.loopBound(cIn); c < bound; c += BLOCK) {
                        weightTile(rows, c, cIn, u, k * cIn + c, cOut * cIn);
                    }
                }
                for (; c < cIn; c++) {
                    int g = wOff + (k * cIn + c) * 9;
                    for (int r = 0; r < 3; r++) {                         // t [3, 4] = g Gᵀ
                        float g0 = w[g + 3 * r];
                        float g1 = w[g + 3 * r + 1];
                        float g2 = w[g + 3 * r + 2];
                        t[4 * r] = g0;
                        t[4 * r + 1] = 0.5f * (g0 + g1 + g2);
                        t[4 * r + 2] = 0.5f * (g0 - g1 + g2);
                        t[4 * r + 3] = g2;
                    }
                    for (int q = 0; q < 4; q++) {                         // U [4, 4] = G t
                        float t0 = t[q];
                        float t1 = t[4 + q];
                        float t2 = t[8 + q];
                        u[(q * cOut + k) * cIn + c] = t0;
                        u[((4 + q) * cOut + k) * cIn + c] = 0.5f * (t0 + t1 + t2);
                        u[((8 + q) * cOut + k) * cIn + c] = 0.5f * (t0 - t1 + t2);
                        u[((12 + q) * cOut + k) * cIn + c] = t2;
                    }
                }
            }
        });
    }

    /**
     * {@link #transformWeights}'s one-channel loop for eight input channels at once: {@code rows[j·cIn + c]} is
     * tap j of channel c, and position ξ of U goes to {@code u[ξ·ps + at]}. Each lane does the scalar loop's
     * float operations in its order, so the bits are the same. The scalar loop, through a 12-float temporary and
     * 16 strided stores per channel pair, took 10.7 ms of a 1-thread U-Net training step at batch 64 (70 calls).
     */
    private static void weightTile(float[] rows, int c, int cIn, float[] u, int at, int ps) {
        FloatVector half = FloatVector.broadcast(Kernels.F, 0.5f);
        // t [3, 4] = g Gᵀ, row r from taps 3r, 3r + 1, 3r + 2 (written out: an array of vectors would be boxed).
        FloatVector a0 = load(rows, c);
        FloatVector a1 = load(rows, cIn + c);
        FloatVector a2 = load(rows, 2 * cIn + c);
        FloatVector b0 = load(rows, 3 * cIn + c);
        FloatVector b1 = load(rows, 4 * cIn + c);
        FloatVector b2 = load(rows, 5 * cIn + c);
        FloatVector c0 = load(rows, 6 * cIn + c);
        FloatVector c1 = load(rows, 7 * cIn + c);
        FloatVector c2 = load(rows, 8 * cIn + c);
        FloatVector a01 = half.mul(a0.add(a1).add(a2));
        FloatVector a02 = half.mul(a0.sub(a1).add(a2));
        FloatVector b01 = half.mul(b0.add(b1).add(b2));
        FloatVector b02 = half.mul(b0.sub(b1).add(b2));
        FloatVector c01 = half.mul(c0.add(c1).add(c2));
        FloatVector c02 = half.mul(c0.sub(c1).add(c2));
        // U [4, 4] = G t, column q from (t[q], t[4 + q], t[8 + q]) into positions q, 4 + q, 8 + q, 12 + q.
        // Written out: a helper taking vectors was not inlined here and boxed them (128 KB per 64→64 call).
        a0.intoArray(u, at);
        half.mul(a0.add(b0).add(c0)).intoArray(u, 4 * ps + at);
        half.mul(a0.sub(b0).add(c0)).intoArray(u, 8 * ps + at);
        c0.intoArray(u, 12 * ps + at);
        a01.intoArray(u, ps + at);
        half.mul(a01.add(b01).add(c01)).intoArray(u, 5 * ps + at);
        half.mul(a01.sub(b01).add(c01)).intoArray(u, 9 * ps + at);
        c01.intoArray(u, 13 * ps + at);
        a02.intoArray(u, 2 * ps + at);
        half.mul(a02.add(b02).add(c02)).intoArray(u, 6 * ps + at);
        half.mul(a02.sub(b02).add(c02)).intoArray(u, 10 * ps + at);
        c02.intoArray(u, 14 * ps + at);
        a2.intoArray(u, 3 * ps + at);
        half.mul(a2.add(b2).add(c2)).intoArray(u, 7 * ps + at);
        half.mul(a2.sub(b2).add(c2)).intoArray(u, 11 * ps + at);
        c2.intoArray(u, 15 * ps + at);
    }

    /** Per thread: one output channel's filters as nine rows of input channels ({@link #transformWeights}). */
    private static final Scratch WEIGHT_ROWS = new Scratch();

    /**
     * Floats of transformed or packed weights a parallel task writes at least. One task per output channel (or
     * per position) was a few microseconds of work each: in the 2-thread training step the two weight loops took
     * 14.6 ms per step against 15.3 on one thread (timed per loop, 144 calls per step).
     */
    static final int WEIGHT_TASK_FLOATS = 1 << 15;

    /**
     * Floats of U a task of the (vectorised) {@link #transformWeights} writes at least: tasks of
     * {@link #WEIGHT_TASK_FLOATS} left 64→64 in one task and 128→128 in eight.
     */
    static final int TRANSFORM_TASK_FLOATS = 1 << 13;

    /** The 16 matrices of {@link #transformWeights} packed as the A of the GEMM. */
    private static Gemm.PackedA[] packWeights(float[] u, int cOut, int cIn) {
        Gemm.PackedA[] packed = new Gemm.PackedA[POSITIONS];
        Parallel.forRuns(POSITIONS, cOut * cIn, WEIGHT_TASK_FLOATS, (x0, x1) -> {
            for (int xi = x0; xi < x1; xi++) {
                packed[xi] = Gemm.packA(false, cOut, cIn, u, xi * cOut * cIn, cIn);
            }
        });
        return packed;
    }

    /**
     * {@code d[((c·paddedRows + r)·paddedW + left + j)·BLOCK + s] = x[off + s·inSample + (c·H + row0 + r)·W + j]}
     * where image row {@code row0 + r} exists, zero elsewhere (the {@code left} columns of padding, those past
     * the image's width, rows past the image, lanes past {@code count}).
     */
    static void padRows(float[] x, int off, int inSample, int count, int cIn, int h, int w, int row0, int paddedRows,
                        int paddedW, int left, float[] d, boolean vectors) {
        int rowFloats = paddedW * BLOCK;
        for (int c = 0; c < cIn; c++) {
            for (int r = 0; r < paddedRows; r++) {
                int at = (c * paddedRows + r) * rowFloats;
                int i = row0 + r;
                if (i < 0 || i >= h) {
                    java.util.Arrays.fill(d, at, at + rowFloats, 0f);
                    continue;
                }
                java.util.Arrays.fill(d, at, at + left * BLOCK, 0f);
                Interleave.row(x, off + (c * h + i) * w, inSample, count, w, d, at + left * BLOCK, vectors);
                java.util.Arrays.fill(d, at + (left + w) * BLOCK, at + rowFloats, 0f);
            }
        }
    }

    /**
     * V = Bᵀ d B for every 4×4 tile of {@code d} (tiles 2 apart, {@code tileRows × tilesW} of them) and channel:
     * {@code v[ξ·positionStride + c·cols + (i·tilesW + j)·BLOCK + s]} with ξ = 4·row + column of the transformed tile and
     * <pre>
     *      | 1  0 −1  0 |
     * Bᵀ = | 0  1  1  0 |      (Lavin and Gray, section 4)
     *      | 0 −1  1  0 |
     *      | 0  1  0 −1 |
     * </pre>
     * Rows first (s_r = (Bᵀ d)_r), then the columns of each s_r.
     */
    static void inputTransform(float[] d, int cIn, int paddedRows, int paddedW, int firstRow, int tileRows, int tilesW,
                               float[] v, int cols, int positionStride, boolean vectors) {
        int rs = paddedW * BLOCK;                                         // floats per padded row
        for (int c = 0; c < cIn; c++) {
            for (int i = 0; i < tileRows; i++) {
                int strip = ((c * paddedRows + 2 * (firstRow + i)) * paddedW) * BLOCK;
                int out = c * cols + i * tilesW * BLOCK;
                if (vectors) {
                    inputStrip(d, strip, rs, tilesW, v, out, positionStride);
                    continue;
                }
                for (int j = 0; j < tilesW; j++) {
                    for (int s = 0; s < BLOCK; s++) {
                        inputTileLane(d, strip + 2 * j * BLOCK + s, rs, v, out + j * BLOCK + s, positionStride);
                    }
                }
            }
        }
    }

    /**
     * The tiles of one strip of four padded rows (from {@code at}), eight samples at a time: tile j's rows of
     * Bᵀ d are (d0 − d2, d1 + d2, d2 − d1, d1 − d3) over columns 2j..2j+3, so the row combinations of columns
     * 2j+2 and 2j+3 are those of the next tile's first two columns, and are carried to it rather than loaded and
     * computed again (8 loads and 8 row operations per tile instead of 16 and 16). Then per row s of Bᵀ d,
     * (s B) = s0 − s2, s1 + s2, s2 − s1, s1 − s3 into positions 4r..4r+3 of the tile's column. The same float
     * operations as {@link #inputTileLane}. Written out: a helper taking vectors is boxed when C2 declines to
     * inline it (see {@link Kernels}).
     */
    private static void inputStrip(float[] d, int at, int rs, int tilesW, float[] v, int out, int ps) {
        // Row combinations r = 0..3 of the tile's columns 0 and 1 (a*) and 2 and 3 (b*).
        FloatVector d1 = load(d, at + rs);
        FloatVector d2 = load(d, at + 2 * rs);
        FloatVector a00 = load(d, at).sub(d2);
        FloatVector a10 = d1.add(d2);
        FloatVector a20 = d2.sub(d1);
        FloatVector a30 = d1.sub(load(d, at + 3 * rs));
        d1 = load(d, at + rs + BLOCK);
        d2 = load(d, at + 2 * rs + BLOCK);
        FloatVector a01 = load(d, at + BLOCK).sub(d2);
        FloatVector a11 = d1.add(d2);
        FloatVector a21 = d2.sub(d1);
        FloatVector a31 = d1.sub(load(d, at + 3 * rs + BLOCK));
        for (int j = 0; j < tilesW; j++) {
            int c2 = at + (2 * j + 2) * BLOCK;
            d1 = load(d, c2 + rs);
            d2 = load(d, c2 + 2 * rs);
            FloatVector b00 = load(d, c2).sub(d2);
            FloatVector b10 = d1.add(d2);
            FloatVector b20 = d2.sub(d1);
            FloatVector b30 = d1.sub(load(d, c2 + 3 * rs));
            int c3 = c2 + BLOCK;
            d1 = load(d, c3 + rs);
            d2 = load(d, c3 + 2 * rs);
            FloatVector b01 = load(d, c3).sub(d2);
            FloatVector b11 = d1.add(d2);
            FloatVector b21 = d2.sub(d1);
            FloatVector b31 = d1.sub(load(d, c3 + 3 * rs));
            int o = out + j * BLOCK;
            // row r: s0 = a_r0, s1 = a_r1, s2 = b_r0, s3 = b_r1
            a00.sub(b00).intoArray(v, o);
            a01.add(b00).intoArray(v, o + ps);
            b00.sub(a01).intoArray(v, o + 2 * ps);
            a01.sub(b01).intoArray(v, o + 3 * ps);
            a10.sub(b10).intoArray(v, o + 4 * ps);
            a11.add(b10).intoArray(v, o + 5 * ps);
            b10.sub(a11).intoArray(v, o + 6 * ps);
            a11.sub(b11).intoArray(v, o + 7 * ps);
            a20.sub(b20).intoArray(v, o + 8 * ps);
            a21.add(b20).intoArray(v, o + 9 * ps);
            b20.sub(a21).intoArray(v, o + 10 * ps);
            a21.sub(b21).intoArray(v, o + 11 * ps);
            a30.sub(b30).intoArray(v, o + 12 * ps);
            a31.add(b30).intoArray(v, o + 13 * ps);
            b30.sub(a31).intoArray(v, o + 14 * ps);
            a31.sub(b31).intoArray(v, o + 15 * ps);
            a00 = b00;
            a10 = b10;
            a20 = b20;
            a30 = b30;
            a01 = b01;
            a11 = b11;
            a21 = b21;
            a31 = b31;
        }
    }

    /**
     * The two rows of a 4×4 tile that make row r of Bᵀ d: d0 − d2, d1 + d2, d2 − d1, d1 − d3 (row 1 a sum, the
     * others differences).
     */
    private static final int[] FIRST_ROW = {0, 1, 2, 1};
    private static final int[] SECOND_ROW = {2, 2, 1, 3};

    /**
     * One tile, one lane: the row combinations of Bᵀ d, then the column combinations of (Bᵀ d) B; the twin of
     * {@link #inputStrip}, the same float operations in the same order.
     */
    private static void inputTileLane(float[] d, int at, int rs, float[] v, int out, int positionStride) {
        for (int r = 0; r < 4; r++) {
            int ra = at + FIRST_ROW[r] * rs;
            int rb = at + SECOND_ROW[r] * rs;
            float[] s = new float[4];
            for (int q = 0; q < 4; q++) {
                s[q] = r == 1 ? d[ra + q * BLOCK] + d[rb + q * BLOCK] : d[ra + q * BLOCK] - d[rb + q * BLOCK];
            }
            int o = out + 4 * r * positionStride;
            v[o] = s[0] - s[2];
            v[o + positionStride] = s[1] + s[2];
            v[o + 2 * positionStride] = s[2] - s[1];
            v[o + 3 * positionStride] = s[1] - s[3];
        }
    }

    /**
     * Y = Aᵀ M A for every tile and output channel, into the block's interleaved result
     * {@code yi[k·rowStride + (row·W + col)·BLOCK + s]} for the {@code outRows} output rows of the task (a tile
     * past the last row or column writes only what is inside), with
     * <pre>
     * Aᵀ = | 1  1  1  0 |      (Lavin and Gray, section 4)
     *      | 0  1 −1 −1 |
     * </pre>
     */
    static void outputTransform(float[] m, int cOut, int cols, int positionStride, int firstRow, int tileRows,
                                int tilesW, int outRows, int w, float[] yi, int rowStride, boolean vectors) {
        for (int k = 0; k < cOut; k++) {
            for (int i = 0; i < tileRows; i++) {
                int row = firstRow + i;                                   // the tile row in the task
                for (int j = 0; j < tilesW; j++) {
                    int at = k * cols + (i * tilesW + j) * BLOCK;
                    int rows = Math.min(2, outRows - 2 * row);
                    int columns = Math.min(2, w - 2 * j);
                    int out = k * rowStride + (2 * row * w + 2 * j) * BLOCK;
                    if (vectors) {
                        outputTile(m, at, positionStride, yi, out, w * BLOCK, rows, columns);
                    } else {
                        for (int s = 0; s < BLOCK; s++) {
                            outputTileLane(m, at + s, positionStride, yi, out + s, w * BLOCK, rows, columns);
                        }
                    }
                }
            }
        }
    }

    /**
     * One tile, eight samples: f_a = (Aᵀ M)_a, then y[a][b] = (f_a A)_b, for the rows and columns inside the
     * image: f[q] = m0[q] + m1[q] + m2[q] (a = 0) or m1[q] − m2[q] − m3[q] (a = 1), where m_r[q] = M at ξ = 4r + q;
     * y[a][0] = f0 + f1 + f2, y[a][1] = f1 − f2 − f3. The middle positions (4-11), which both rows use, are loaded
     * once (24 loads per tile → 16). Written out rather than through a helper taking vectors (see {@link Kernels}).
     */
    private static void outputTile(float[] m, int at, int ps, float[] yi, int out, int rowFloats, int rows,
                                   int columns) {
        FloatVector m4 = load(m, at + 4 * ps);
        FloatVector m5 = load(m, at + 5 * ps);
        FloatVector m6 = load(m, at + 6 * ps);
        FloatVector m7 = load(m, at + 7 * ps);
        FloatVector m8 = load(m, at + 8 * ps);
        FloatVector m9 = load(m, at + 9 * ps);
        FloatVector m10 = load(m, at + 10 * ps);
        FloatVector m11 = load(m, at + 11 * ps);
        FloatVector f0 = load(m, at).add(m4).add(m8);                     // a = 0
        FloatVector f1 = load(m, at + ps).add(m5).add(m9);
        FloatVector f2 = load(m, at + 2 * ps).add(m6).add(m10);
        FloatVector f3 = load(m, at + 3 * ps).add(m7).add(m11);
        f0.add(f1).add(f2).intoArray(yi, out);
        if (columns > 1) {
            f1.sub(f2).sub(f3).intoArray(yi, out + BLOCK);
        }
        if (rows > 1) {
            f0 = m4.sub(m8).sub(load(m, at + 12 * ps));                   // a = 1
            f1 = m5.sub(m9).sub(load(m, at + 13 * ps));
            f2 = m6.sub(m10).sub(load(m, at + 14 * ps));
            f3 = m7.sub(m11).sub(load(m, at + 15 * ps));
            int o = out + rowFloats;
            f0.add(f1).add(f2).intoArray(yi, o);
            if (columns > 1) {
                f1.sub(f2).sub(f3).intoArray(yi, o + BLOCK);
            }
        }
    }

    /** {@link #outputTile} for one lane: the same float operations in the same order. */
    private static void outputTileLane(float[] m, int at, int ps, float[] yi, int out, int rowFloats, int rows,
                                       int columns) {
        for (int a = 0; a < rows; a++) {
            float[] f = new float[4];
            for (int q = 0; q < 4; q++) {
                int p = at + q * ps;
                f[q] = a == 0 ? m[p] + m[p + 4 * ps] + m[p + 8 * ps] : m[p + 4 * ps] - m[p + 8 * ps] - m[p + 12 * ps];
            }
            int o = out + a * rowFloats;
            yi[o] = f[0] + f[1] + f[2];
            if (columns > 1) {
                yi[o + BLOCK] = f[1] - f[2] - f[3];
            }
        }
    }

    private static FloatVector load(float[] a, int at) {
        return FloatVector.fromArray(Kernels.F, a, at);
    }

    private static final VectorSpecies<Float> Z = FloatVector.SPECIES_512;   // 16 lanes
    private static final VectorSpecies<Float> Y = FloatVector.SPECIES_256;   // 8 lanes
    /** Their exact vector classes: the tiles store their accumulators through a cast to them (see {@code Kernels}). */
    private static final Class<? extends Vector<Float>> Z_TYPE = Z.vectorType();
    private static final Class<? extends Vector<Float>> Y_TYPE = Y.vectorType();

    /**
     * One of the 16 products without the GEMM: {@code M[k, j] = Σ_c U[k, c] · V[c, j]}, U at {@code u[uOff + k·C_in
     * + c]} (as {@link #transformWeights} leaves it), V's rows ({@code cols} floats, a multiple of 8) read in place
     * as the lanes, M written at {@code m[mOff + k·cols + j]}. Tiles of 4 output channels × 32, 16 or 8 columns;
     * each element is one FMA chain over c from zero, as in the GEMM (K = C_in is one block there), so the bits
     * are the GEMM's. No panel is packed: V's rows are already contiguous in the columns.
     */
    static void directProduct(float[] u, int uOff, int cOut, int cIn, float[] v, int vOff, int cols, float[] m,
                              int mOff) {
        int rows4 = cOut - cOut % 4;
        for (int j = 0; j < cols; ) {
            int width = cols - j >= 32 ? 32 : cols - j >= 16 ? 16 : 8;
            for (int k = 0; k < rows4; k += 4) {
                int a = uOff + k * cIn;
                int c = mOff + k * cols + j;
                switch (width) {
                    case 32 -> tile4x32(u, a, cIn, v, vOff + j, cols, m, c);
                    case 16 -> tile4x16(u, a, cIn, v, vOff + j, cols, m, c);
                    default -> tile4x8(u, a, cIn, v, vOff + j, cols, m, c);
                }
            }
            for (int k = rows4; k < cOut; k++) {
                for (int j8 = j; j8 < j + width; j8 += 8) {                   // the last rows, one at a time
                    FloatVector acc = FloatVector.zero(Y);
                    for (int p = 0; p < cIn; p++) {
                        acc = FloatVector.broadcast(Y, u[uOff + k * cIn + p])
                                .fma(FloatVector.fromArray(Y, v, vOff + p * cols + j8), acc);
                    }
                    acc.intoArray(m, mOff + k * cols + j8);
                }
            }
            j += width;
        }
    }

    /**
     * Four rows of U (from {@code a}, {@code k} floats apart) times 32 columns of V (from {@code b}, rows
     * {@code ld} apart) into M (from {@code c}, rows {@code ld} apart): eight 512-bit accumulators, per step two
     * vectors of V and four broadcasts of U. Written out so that C2 keeps the accumulators in registers.
     */
    private static void tile4x32(float[] u, int a, int k, float[] v, int b, int ld, float[] m, int c) {
        FloatVector c00 = FloatVector.zero(Z);
        FloatVector c01 = FloatVector.zero(Z);
        FloatVector c10 = FloatVector.zero(Z);
        FloatVector c11 = FloatVector.zero(Z);
        FloatVector c20 = FloatVector.zero(Z);
        FloatVector c21 = FloatVector.zero(Z);
        FloatVector c30 = FloatVector.zero(Z);
        FloatVector c31 = FloatVector.zero(Z);
        for (int p = 0; p < k; p++) {
            int bp = b + p * ld;
            FloatVector b0 = FloatVector.fromArray(Z, v, bp);
            FloatVector b1 = FloatVector.fromArray(Z, v, bp + 16);
            FloatVector u0 = FloatVector.broadcast(Z, u[a + p]);
            c00 = u0.fma(b0, c00);
            c01 = u0.fma(b1, c01);
            FloatVector u1 = FloatVector.broadcast(Z, u[a + k + p]);
            c10 = u1.fma(b0, c10);
            c11 = u1.fma(b1, c11);
            FloatVector u2 = FloatVector.broadcast(Z, u[a + 2 * k + p]);
            c20 = u2.fma(b0, c20);
            c21 = u2.fma(b1, c21);
            FloatVector u3 = FloatVector.broadcast(Z, u[a + 3 * k + p]);
            c30 = u3.fma(b0, c30);
            c31 = u3.fma(b1, c31);
        }
        ((FloatVector) Z_TYPE.cast(c00)).intoArray(m, c);
        ((FloatVector) Z_TYPE.cast(c01)).intoArray(m, c + 16);
        ((FloatVector) Z_TYPE.cast(c10)).intoArray(m, c + ld);
        ((FloatVector) Z_TYPE.cast(c11)).intoArray(m, c + ld + 16);
        ((FloatVector) Z_TYPE.cast(c20)).intoArray(m, c + 2 * ld);
        ((FloatVector) Z_TYPE.cast(c21)).intoArray(m, c + 2 * ld + 16);
        ((FloatVector) Z_TYPE.cast(c30)).intoArray(m, c + 3 * ld);
        ((FloatVector) Z_TYPE.cast(c31)).intoArray(m, c + 3 * ld + 16);
    }

    /** {@link #tile4x32} for 16 columns: four 512-bit accumulators. */
    private static void tile4x16(float[] u, int a, int k, float[] v, int b, int ld, float[] m, int c) {
        FloatVector c0 = FloatVector.zero(Z);
        FloatVector c1 = FloatVector.zero(Z);
        FloatVector c2 = FloatVector.zero(Z);
        FloatVector c3 = FloatVector.zero(Z);
        for (int p = 0; p < k; p++) {
            FloatVector b0 = FloatVector.fromArray(Z, v, b + p * ld);
            c0 = FloatVector.broadcast(Z, u[a + p]).fma(b0, c0);
            c1 = FloatVector.broadcast(Z, u[a + k + p]).fma(b0, c1);
            c2 = FloatVector.broadcast(Z, u[a + 2 * k + p]).fma(b0, c2);
            c3 = FloatVector.broadcast(Z, u[a + 3 * k + p]).fma(b0, c3);
        }
        ((FloatVector) Z_TYPE.cast(c0)).intoArray(m, c);
        ((FloatVector) Z_TYPE.cast(c1)).intoArray(m, c + ld);
        ((FloatVector) Z_TYPE.cast(c2)).intoArray(m, c + 2 * ld);
        ((FloatVector) Z_TYPE.cast(c3)).intoArray(m, c + 3 * ld);
    }

    /** {@link #tile4x32} for 8 columns: four 256-bit accumulators. */
    private static void tile4x8(float[] u, int a, int k, float[] v, int b, int ld, float[] m, int c) {
        FloatVector c0 = FloatVector.zero(Y);
        FloatVector c1 = FloatVector.zero(Y);
        FloatVector c2 = FloatVector.zero(Y);
        FloatVector c3 = FloatVector.zero(Y);
        for (int p = 0; p < k; p++) {
            FloatVector b0 = FloatVector.fromArray(Y, v, b + p * ld);
            c0 = FloatVector.broadcast(Y, u[a + p]).fma(b0, c0);
            c1 = FloatVector.broadcast(Y, u[a + k + p]).fma(b0, c1);
            c2 = FloatVector.broadcast(Y, u[a + 2 * k + p]).fma(b0, c2);
            c3 = FloatVector.broadcast(Y, u[a + 3 * k + p]).fma(b0, c3);
        }
        ((FloatVector) Y_TYPE.cast(c0)).intoArray(m, c);
        ((FloatVector) Y_TYPE.cast(c1)).intoArray(m, c + ld);
        ((FloatVector) Y_TYPE.cast(c2)).intoArray(m, c + 2 * ld);
        ((FloatVector) Y_TYPE.cast(c3)).intoArray(m, c + 3 * ld);
    }
}
