package dev.sfumato.nn.kernels;

import dev.sfumato.tensor.Parallel;
import dev.sfumato.tensor.Recycler;
import dev.sfumato.tensor.Tensor;
import dev.sfumato.tensor.kernels.Gemm;
import dev.sfumato.tensor.kernels.Kernels;
import dev.sfumato.tensor.kernels.Scratch;
import jdk.incubator.vector.FloatVector;

/**
 * The weight gradient of 3×3 stride-1 convolutions with padding 1 by Winograd's minimal filtering algorithm
 * F(2×2, 3×3) (Lavin and Gray 2016, "Fast Algorithms for Convolutional Neural Networks", section 4; Winograd 1980)
 * where {@link Winograd4}'s F(4×4, 3×3) does not take it (the small images), and the rule for where the Winograd
 * paths apply. The forward (and through it the input gradient, a flipped
 * convolution) takes F(4×4, 3×3) in {@link Winograd4}; this class was the forward's too until F(4×4, 3×3)
 * measured 9-18% less time per fwd+bwd (see {@link Conv2dKernels#forward}). In F(2×2, 3×3) each 2×2 tile of the
 * output comes from a 4×4 tile d of the padded input as
 * <pre>
 * Y = Aᵀ [ Σ_c (G g_c Gᵀ) ⊙ (Bᵀ d_c B) ] A
 * </pre>
 * with 16 multiplications per tile and channel pair instead of the direct form's 36, and the weight gradient runs
 * the adjoints of these transforms ({@link #backwardWeight}): per position ξ of the 4×4 transformed tile, one
 * product on the Vector API GEMM ({@link Gemm}) over a block's tiles,
 * <pre>
 * ∂L/∂U_ξ [C_out, C_in] = (A dY Aᵀ)_ξ [C_out, tiles] · V_ξᵀ [tiles, C_in],   V = Bᵀ d B
 * </pre>
 * so that the multiply-adds fall from 9·C_in·C_out to 4·C_in·C_out per output pixel, for transforms that stream
 * the input and the gradient four times (which only enough channel pairs pay for: {@link #appliesToWeightGradient}).
 *
 * <p>Layout: blocks of {@link Interleave#BLOCK} samples interleaved in the vector lanes, as the exact-column
 * convolutions use them, so each vector of a transform holds one tile position of eight samples and every load
 * and store is a whole vector (no tile straddles a row end, no lane is a different tile); {@link #padRows} makes
 * them, for {@link Winograd4} too. A task is one block and a range of tile rows, with its buffers in its thread's
 * scratch; tasks write their own partial sums, added in a fixed order, so the bits are the same on any number of
 * threads.
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

    /**
     * Whether the Winograd forward ({@link Winograd4}) computes this convolution: 3×3, stride 1, padding 1, no
     * dilation, one group, same size, and at least {@link #MIN_CHANNELS} channels each way.
     */
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

    /**
     * dW for a geometry that {@link #applies} (taken where it {@link #appliesToWeightGradient}), x and dy
     * contiguous, through the adjoints of the forward's transforms (the weight gradient is itself a minimal
     * filtering problem, F(3×3, 2×2), with the roles of the matrices exchanged). Per tile, M = U ⊙ V and
     * Y = Aᵀ M A, so
     * <pre>
     * ∂L/∂M = A dY Aᵀ,   ∂L/∂U_ξ [C_out, C_in] = Σ_tiles (A dY Aᵀ)_ξ [C_out, tiles] · V_ξᵀ [tiles, C_in],
     * dW = Gᵀ (∂L/∂U) G
     * </pre>
     * 16 products per 2×2 tile of dY and channel pair against the direct form's 36, over tasks as
     * {@link #weightGradient} makes them: the same bits on any number of threads.
     */
    static Tensor backwardWeight(ConvGeometry g, Tensor x, Tensor dy) {
        return backwardWeight(g, x, dy, !Kernels.REFERENCE_ONLY);
    }

    /** {@link #backwardWeight}, with the transforms on vectors or, without {@code vectors}, one lane at a time. */
    static Tensor backwardWeight(ConvGeometry g, Tensor x, Tensor dy, boolean vectors) {
        return weightGradient(g, x, dy, vectors, F2X2);
    }

    /**
     * What {@link #weightGradient} needs of one algorithm F(m×m, 3×3): the output tile's side m, the (m + 2)²
     * positions of the transformed tile, the tile rows of a range, and the three transforms' adjoint pieces.
     */
    interface WeightGradientScheme {
        /** Output pixels per tile side, m. */
        int tile();

        /** Positions of the transformed tile, (m + 2)². */
        int positions();

        /** Tile rows per range of a block (the products' K is their tiles × {@link #BLOCK}). */
        int rowsPerTask(int tilesH, int tilesW);

        /** V = Bᵀ d B of the range's tiles, {@code v[ξ·vStride + c·cols + tile·BLOCK + s]}. */
        void inputTransform(float[] d, int cIn, int paddedRows, int paddedW, int tileRows, int tilesW, float[] v,
                            int cols, int vStride, boolean vectors);

        /** ∂L/∂M = A dY Aᵀ of the range's tiles, {@code dm[ξ·mStride + k·cols + tile·BLOCK + s]}. */
        void gradientTransform(float[] e, int cOut, int tileRows, int tilesW, float[] dm, int cols, int mStride,
                               boolean vectors);

        /** dW = Gᵀ (∂L/∂U) G, from ∂L/∂U [positions, C_out, C_in] to [C_out, C_in, 3, 3]. */
        float[] weights(float[] du, int cOut, int cIn);
    }

    /** F(2×2, 3×3)'s pieces, this class's. */
    static final WeightGradientScheme F2X2 = new WeightGradientScheme() {
        @Override
        public int tile() {
            return 2;
        }

        @Override
        public int positions() {
            return POSITIONS;
        }

        @Override
        public int rowsPerTask(int tilesH, int tilesW) {
            return Winograd.rowsPerTask(tilesH, tilesW);
        }

        @Override
        public void inputTransform(float[] d, int cIn, int paddedRows, int paddedW, int tileRows, int tilesW,
                                   float[] v, int cols, int vStride, boolean vectors) {
            Winograd.inputTransform(d, cIn, paddedRows, paddedW, tileRows, tilesW, v, cols, vStride, vectors);
        }

        @Override
        public void gradientTransform(float[] e, int cOut, int tileRows, int tilesW, float[] dm, int cols,
                                      int mStride, boolean vectors) {
            Winograd.gradientTransform(e, cOut, tileRows, tilesW, dm, cols, mStride, vectors);
        }

        @Override
        public float[] weights(float[] du, int cOut, int cIn) {
            return weightsFromTransformed(du, cOut, cIn);
        }
    };

    /**
     * The weight gradient by one F(m×m, 3×3) ({@code scheme}: F(2×2, 3×3) here, F(4×4, 3×3) in {@link Winograd4}).
     * Each task owns a block of {@link #BLOCK} samples and one of its {@link #weightGradientParts}, walks that
     * part's ranges of tile rows (padding and interleaving the x rows and dY rows they read, transforming both)
     * and accumulates its own ∂L/∂U on the GEMM, the first range overwriting; the partials are added in (block,
     * part) order, so the bits are the same on any number of threads.
     */
    static Tensor weightGradient(ConvGeometry g, Tensor x, Tensor dy, boolean vectors, WeightGradientScheme scheme) {
        int n = g.n();
        int cIn = g.cIn();
        int cOut = g.cOut();
        int h = g.h();
        int wd = g.w();
        int m = scheme.tile();
        int positions = scheme.positions();
        int tilesH = Math.ceilDiv(h, m);
        int tilesW = Math.ceilDiv(wd, m);
        int rowsPerTask = scheme.rowsPerTask(tilesH, tilesW);
        int chunks = Math.ceilDiv(tilesH, rowsPerTask);
        int inSample = cIn * h * wd;
        int outSample = cOut * h * wd;
        int paddedW = m * tilesW + 2;
        int blocks = Math.ceilDiv(n, BLOCK);
        int size = positions * cOut * cIn;                               // ∂L/∂U [positions, C_out, C_in]
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
                    int paddedRows = m * tileRows + 2;
                    // d: the block's x rows [m·ti0 − 1, m·ti0 + m·tileRows + 1), padded and interleaved.
                    float[] d = INPUT.floats(cIn * paddedRows * paddedW * BLOCK);
                    padRows(xd, xo + first * inSample, inSample, count, cIn, h, wd, m * ti0 - 1, paddedRows, paddedW,
                            1, d, vectors);
                    int vStride = cIn * cols + SKEW;
                    float[] v = TRANSFORMED.floats(positions * vStride);
                    scheme.inputTransform(d, cIn, paddedRows, paddedW, tileRows, tilesW, v, cols, vStride, vectors);
                    // e: the block's dY rows [m·ti0, m·ti0 + m·tileRows), interleaved, zero past the image.
                    float[] e = RESULT.floats(cOut * m * tileRows * m * tilesW * BLOCK);
                    padRows(dyd, dyo + first * outSample, outSample, count, cOut, h, wd, m * ti0, m * tileRows,
                            m * tilesW, 0, e, vectors);
                    int mStride = cOut * cols + SKEW;
                    float[] dm = PRODUCTS.floats(positions * mStride);
                    scheme.gradientTransform(e, cOut, tileRows, tilesW, dm, cols, mStride, vectors);
                    float beta = chunk == chunk0 ? 0f : 1f;
                    for (int xi = 0; xi < positions; xi++) {
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
        return Tensor.wrap(scheme.weights(du, cOut, cIn), g.weightShape());
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
     * dW [C_out, C_in, 3, 3] = Gᵀ (∂L/∂U) G per channel pair, the adjoint of F(2×2, 3×3)'s weight
     * transform U = G g Gᵀ (G the transpose of the Gᵀ below):
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
    static void inputTransform(float[] d, int cIn, int paddedRows, int paddedW, int tileRows, int tilesW, float[] v,
                               int cols, int positionStride, boolean vectors) {
        int rs = paddedW * BLOCK;                                         // floats per padded row
        for (int c = 0; c < cIn; c++) {
            for (int i = 0; i < tileRows; i++) {
                int strip = ((c * paddedRows + 2 * i) * paddedW) * BLOCK;
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


    private static FloatVector load(float[] a, int at) {
        return FloatVector.fromArray(Kernels.F, a, at);
    }
}
