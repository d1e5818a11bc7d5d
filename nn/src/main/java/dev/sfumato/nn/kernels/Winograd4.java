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
 * The forward of 3×3 stride-1 convolutions with padding 1 (and, on the larger images, their weight gradient:
 * {@link #backwardWeight}) by Winograd's F(4×4, 3×3) (Lavin and Gray 2016, "Fast
 * Algorithms for Convolutional Neural Networks", section 5, eq. 13-15): each 4×4 tile of the output comes from a
 * 6×6 tile d of the padded input as
 * <pre>
 * Y = Aᵀ [ Σ_c (G g_c Gᵀ) ⊙ (Bᵀ d_c B) ] A
 * </pre>
 * with 36 multiplications per tile and channel pair where the direct form has 144 and {@link Winograd}'s F(2×2, 3×3)
 * 64 (four of its 16-multiplication tiles): the products' multiply-adds fall from 9 to 2.25 per output pixel and
 * channel pair (F(2×2, 3×3): 4). As there, across a block of tiles the sum over channels is, for each of the 36
 * positions ξ of the transformed tile, one matrix product
 * <pre>
 * M_ξ [C_out, tiles] = U_ξ [C_out, C_in] · V_ξ [C_in, tiles]
 * </pre>
 * with U = G g Gᵀ (once per call) and V = Bᵀ d B, on {@link #directProduct} where it applies or else on the
 * GEMM (the same bits: each element one FMA chain over the input channels from zero). The matrices, from the
 * interpolation points 0, ±1, ±2 and ∞:
 * <pre>
 *      | 4  0 −5  0  1  0 |        | 1/4    0     0   |
 *      | 0 −4 −4  1  1  0 |        | −1/6  −1/6  −1/6 |        | 1  1  1  1  1  0 |
 * Bᵀ = | 0  4 −4 −1  1  0 |    G = | −1/6   1/6  −1/6 |   Aᵀ = | 0  1 −1  2 −2  0 |
 *      | 0 −2 −1  2  1  0 |        | 1/24  1/12  1/6  |        | 0  1  1  4  4  0 |
 *      | 0  2 −1 −2  1  0 |        | 1/24 −1/12  1/6  |        | 0  1 −1  8 −8  1 |
 *      | 0  4  0 −5  0  1 |        | 0      0     1   |
 * </pre>
 * Their entries are larger than F(2×2, 3×3)'s, and so is the rounding error: against the direct-loop reference,
 * about 8× F(2×2, 3×3)'s largest error (8e-4 against 1.1e-4 on outputs up to 120 at 64→64 28×28, N(0, 1) data),
 * two orders of magnitude inside the tolerance the tests hold both to, that of the GEMM paths.
 *
 * <p>Layout and tasks as in {@link Winograd}: blocks of {@link Interleave#BLOCK} samples in the vector lanes, a task
 * one block and a range of tile rows (about {@link #TARGET_COLUMNS} columns), its padded rows, transformed tiles and
 * products in buffers of its thread. The products of a task run over groups of {@link #OUTPUT_GROUP} output
 * channels, each group transformed back before the next: V (in L2) is read once per group, and M holds one group. Each
 * transform applies a one-dimensional one along the columns and then along the rows, through a 6 × 6 tile of
 * vectors in a buffer of the thread ({@link #inputTile}, {@link #outputTile}; {@link #weightColumn}); with
 * {@code vectors == false} the same float operations run one lane at a time ({@link #inputColumn},
 * {@link #outputColumn}), so the two are equal bit for bit. The transforms use only additions, subtractions and
 * multiplications by constants (no FMA), in a fixed order.
 */
final class Winograd4 {

    /** Samples per block, one per vector lane. */
    static final int BLOCK = Interleave.BLOCK;
    /** Positions of the transformed 6×6 tile: the number of products per task and output group. */
    static final int POSITIONS = 36;
    /** Columns (tiles × samples) a task aims for: its V (36 × C_in × columns) then stays in L2. */
    static final int TARGET_COLUMNS = 32;
    /**
     * The products' columns are padded with zeros to a multiple of this, the wide register tile of
     * {@link #directProduct}. At 28×28 a task's tile row is 7 tiles of 8 samples, 56 columns, which ran as tiles of
     * 32, 16 and 8 at 77-83 GFLOP/s; padded to 64, the forward's time against F(2×2, 3×3)'s went from 0.83 to
     * 0.73-0.75 at 32→32 (64→64: 0.76 either way; one JVM, batch 64, 1 thread, alternating, two runs each).
     */
    static final int PAD_COLUMNS = 32;
    /** Output channels per group of products (see the class comment). */
    static final int OUTPUT_GROUP = 32;

    /**
     * Floats of transformed or packed weights a parallel task writes at least. One task per output channel (or
     * per position) was a few microseconds of work each: in the 2-thread training step the two weight loops took
     * 14.6 ms per step against 15.3 on one thread (timed per loop, 144 calls per step).
     */
    static final int WEIGHT_TASK_FLOATS = 1 << 15;

    /**
     * Floats of U a task of the (vectorised) {@link #transformWeights} writes at least: on F(2×2, 3×3)'s 16
     * positions, tasks of {@link #WEIGHT_TASK_FLOATS} had left 64→64 in one task and 128→128 in eight.
     */
    static final int TRANSFORM_TASK_FLOATS = 1 << 13;

    private static final Scratch INPUT = new Scratch();
    private static final Scratch TRANSFORMED = new Scratch();
    private static final Scratch PRODUCTS = new Scratch();
    private static final Scratch RESULT = new Scratch();
    /** A 6 × 6 tile of vectors between a transform's two passes. */
    private static final Scratch TILE = new Scratch();
    /** One output channel's filters as nine rows of input channels ({@link #transformWeights}). */
    private static final Scratch WEIGHT_ROWS = new Scratch();

    private Winograd4() {}

    /** Whether F(4×4, 3×3) computes this forward: where {@link Winograd#applies}. */
    static boolean applies(ConvGeometry g) {
        return Winograd.applies(g);
    }

    /** y = conv2d(x, w, padding=1) + b for a geometry that {@link #applies}; x and w contiguous. */
    static Tensor forward(ConvGeometry g, Tensor x, Tensor w, float[] bias) {
        boolean vectors = !Kernels.REFERENCE_ONLY;
        return forward(g, x, w, bias, vectors, vectors && directProducts(g.cIn()));
    }

    /**
     * {@link #forward(ConvGeometry, Tensor, Tensor, float[])} with the transforms on vectors or one lane at a time,
     * and the products on {@link #directProduct} or the GEMM: the same bits every way.
     */
    static Tensor forward(ConvGeometry g, Tensor x, Tensor w, float[] bias, boolean vectors, boolean direct) {
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
        Tensor uTensor = Tensor.empty(POSITIONS * cOut * cIn);          // U [36, C_out, C_in], every element written
        float[] u = uTensor.data();
        transformWeights(w.data(), w.offset(), cOut, cIn, vectors, u);
        int groups = Math.ceilDiv(cOut, OUTPUT_GROUP);
        Gemm.PackedA[] packed = direct ? null : packWeights(u, cOut, cIn, groups);
        int tilesH = Math.ceilDiv(h, 4);
        int tilesW = Math.ceilDiv(wd, 4);
        int rowsPerTask = Math.min(tilesH, Math.max(1, TARGET_COLUMNS / (tilesW * BLOCK)));
        int chunks = Math.ceilDiv(tilesH, rowsPerTask);
        int inSample = cIn * h * wd;
        int outPlane = h * wd;
        int paddedW = 4 * tilesW + 2;                                     // one column of zeros left, 1-4 right
        Parallel.forRange(Math.ceilDiv(n, BLOCK) * chunks, (t0, t1) -> {
            float[] tile = TILE.floats(POSITIONS * BLOCK);
            for (int t = t0; t < t1; t++) {
                int first = (t / chunks) * BLOCK;
                int count = Math.min(BLOCK, n - first);
                int ti0 = (t % chunks) * rowsPerTask;
                int tileRows = Math.min(tilesH, ti0 + rowsPerTask) - ti0;
                int paddedRows = 4 * tileRows + 2;
                // d: the padded input rows [4·ti0 − 1, 4·ti0 + 4·tileRows + 1) of the block, interleaved.
                float[] d = INPUT.floats(cIn * paddedRows * paddedW * BLOCK);
                Winograd.padRows(xd, xo + first * inSample, inSample, count, cIn, h, wd, 4 * ti0 - 1, paddedRows,
                        paddedW, 1, d, vectors);
                int row0 = 4 * ti0;
                int outRows = Math.min(h, row0 + 4 * tileRows) - row0;
                int pixels = outRows * wd;
                float[] yi = RESULT.floats(cOut * pixels * BLOCK);
                // The products' columns: the tiles' (samples in the lanes), and zeros up to a whole 32-column
                // register tile (28×28: 7 tiles of 8 samples, 56 → 64; see PAD_COLUMNS). The padding's products are
                // computed and dropped; zeros, rather than whatever the buffer last held, keep subnormal operands
                // (slow on some CPUs) out of them.
                int real = tileRows * tilesW * BLOCK;
                int cols = Math.ceilDiv(real, PAD_COLUMNS) * PAD_COLUMNS;
                int vStride = cIn * cols + Winograd.SKEW;
                float[] v = TRANSFORMED.floats(POSITIONS * vStride);
                // V [36, C_in, cols] = Bᵀ d B per tile and channel
                inputTransform(d, cIn, paddedRows, paddedW, tileRows, tilesW, v, cols, vStride, tile, vectors);
                for (int row = 0; row < POSITIONS * cIn && real < cols; row++) {
                    int at = (row / cIn) * vStride + (row % cIn) * cols;
                    java.util.Arrays.fill(v, at + real, at + cols, 0f);
                }
                int mStride = Math.min(OUTPUT_GROUP, cOut) * cols + Winograd.SKEW;
                float[] m = PRODUCTS.floats(POSITIONS * mStride);
                for (int grp = 0; grp < groups; grp++) {
                    int k0 = grp * OUTPUT_GROUP;
                    int kn = Math.min(OUTPUT_GROUP, cOut - k0);
                    // M_ξ [kn, cols] = U_ξ [k0 : k0 + kn, C_in] · V_ξ [C_in, cols], ξ = 0..35
                    for (int xi = 0; xi < POSITIONS; xi++) {
                        if (direct) {
                            directProduct(u, (xi * cOut + k0) * cIn, kn, cIn, v, xi * vStride, cols, m,
                                    xi * mStride);
                        } else {
                            Gemm.sgemm(packed[xi * groups + grp], cols, 1f, Gemm.rowsOf(v, xi * vStride, cols), 0f, m,
                                    xi * mStride, cols);
                        }
                    }
                    // Y = Aᵀ M A into the interleaved result, channels k0 .. k0 + kn
                    outputTransform(m, k0, kn, cols, mStride, tileRows, tilesW, outRows, wd, yi, pixels * BLOCK, tile,
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

    /** The products' A for the GEMM: U_ξ's rows of each output group, packed, at [ξ · groups + group]. */
    private static Gemm.PackedA[] packWeights(float[] u, int cOut, int cIn, int groups) {
        Gemm.PackedA[] packed = new Gemm.PackedA[POSITIONS * groups];
        Parallel.forRuns(POSITIONS * groups, OUTPUT_GROUP * cIn, WEIGHT_TASK_FLOATS, (p0, p1) -> {
            for (int p = p0; p < p1; p++) {
                int xi = p / groups;
                int k0 = (p % groups) * OUTPUT_GROUP;
                packed[p] = Gemm.packA(false, Math.min(OUTPUT_GROUP, cOut - k0), cIn, u, (xi * cOut + k0) * cIn, cIn);
            }
        });
        return packed;
    }

    // ---------------------------------------------------------------------------------------------------------
    // Weight gradient: the adjoints of the forward's transforms

    /**
     * Whether the weight gradient takes F(4×4, 3×3): where the forward does ({@link #applies}), on images of 28×28
     * or more, or of 14×14 or more with 64 channels or more each way. Its products' K is a range of tile rows of
     * a block (8 samples), and on small images the few tiles make the GEMMs short. Measured in one JVM, batch 64, 1
     * thread, the weight gradient alone, time against the path it replaces (medians of 60 calls alternating in
     * rounds of 10): 0.87 (32→32 28×28, the channels-last kernels), 0.75 (32→64 28×28), 0.67-0.68 (64→64 and
     * 64→128 28×28, F(2×2, 3×3)), 0.79 (64→64 14×14), 0.82 (64→128 14×14); but 0.95 (32→64 14×14), 1.14 (32→32
     * 14×14) and 1.04 (128→128 7×7, 32 columns per block), which keep theirs.
     */
    static boolean appliesToWeightGradient(ConvGeometry g) {
        int size = Math.min(g.h(), g.w());
        return applies(g) && (size >= 28 || size >= 14 && Math.min(g.cIn(), g.cOut()) >= 64);
    }

    /**
     * Columns a weight-gradient range of tile rows aims for: the K of its products (128 against 64: 0.79 against
     * 0.87 of the replaced path's time at 64→64 14×14, the same at 28×28).
     */
    static final int WEIGHT_GRADIENT_COLUMNS = 128;

    /** dW for a geometry that {@link #appliesToWeightGradient}, x and dy contiguous. */
    static Tensor backwardWeight(ConvGeometry g, Tensor x, Tensor dy) {
        return backwardWeight(g, x, dy, !Kernels.REFERENCE_ONLY);
    }

    /**
     * dW through the adjoints of the forward's transforms, as {@link Winograd#backwardWeight} does for F(2×2, 3×3):
     * <pre>
     * ∂L/∂M = A dY Aᵀ,   ∂L/∂U_ξ [C_out, C_in] = Σ_tiles (∂L/∂M)_ξ [C_out, tiles] · V_ξᵀ [tiles, C_in],
     * dW = Gᵀ (∂L/∂U) G
     * </pre>
     * 36 products per 4×4 tile of dY and channel pair against the direct form's 144, over the tasks of
     * {@link Winograd#weightGradient} (the same bits on any number of threads). With {@code vectors == false} the
     * transforms run one lane at a time, the same float operations.
     */
    static Tensor backwardWeight(ConvGeometry g, Tensor x, Tensor dy, boolean vectors) {
        return Winograd.weightGradient(g, x, dy, vectors, F4X4);
    }

    /** F(4×4, 3×3)'s pieces for {@link Winograd#weightGradient}. */
    private static final Winograd.WeightGradientScheme F4X4 = new Winograd.WeightGradientScheme() {
        @Override
        public int tile() {
            return 4;
        }

        @Override
        public int positions() {
            return POSITIONS;
        }

        @Override
        public int rowsPerTask(int tilesH, int tilesW) {
            return Math.min(tilesH, Math.max(1, WEIGHT_GRADIENT_COLUMNS / (tilesW * BLOCK)));
        }

        @Override
        public void inputTransform(float[] d, int cIn, int paddedRows, int paddedW, int tileRows, int tilesW,
                                   float[] v, int cols, int vStride, boolean vectors) {
            Winograd4.inputTransform(d, cIn, paddedRows, paddedW, tileRows, tilesW, v, cols, vStride,
                    TILE.floats(POSITIONS * BLOCK), vectors);
        }

        @Override
        public void gradientTransform(float[] e, int cOut, int tileRows, int tilesW, float[] dm, int cols,
                                      int mStride, boolean vectors) {
            Winograd4.gradientTransform(e, cOut, tileRows, tilesW, dm, cols, mStride, TILE.floats(POSITIONS * BLOCK),
                    vectors);
        }

        @Override
        public float[] weights(float[] du, int cOut, int cIn) {
            return weightsFromTransformed(du, cOut, cIn);
        }
    };

    /**
     * ∂L/∂M = A dY Aᵀ for every 4×4 tile of the interleaved gradient rows {@code e} ({@code e[((k·4·tileRows + r)·4·
     * tilesW + col)·BLOCK + s]}) and output channel, into {@code dm[ξ·positionStride + k·cols + (i·tilesW + j)·BLOCK
     * + s]}: each column of the tile through A into {@code tile}, then each row of that ({@link #gradientColumn}).
     */
    static void gradientTransform(float[] e, int cOut, int tileRows, int tilesW, float[] dm, int cols,
                                  int positionStride, float[] tile, boolean vectors) {
        int rs = 4 * tilesW * BLOCK;
        for (int k = 0; k < cOut; k++) {
            for (int i = 0; i < tileRows; i++) {
                for (int j = 0; j < tilesW; j++) {
                    int at = ((k * 4 * tileRows + 4 * i) * 4 * tilesW + 4 * j) * BLOCK;
                    int out = k * cols + (i * tilesW + j) * BLOCK;
                    if (vectors) {
                        gradientTile(e, at, rs, dm, out, positionStride, tile);
                        continue;
                    }
                    for (int s = 0; s < BLOCK; s++) {
                        for (int q = 0; q < 4; q++) {                     // tile[r][q] = (A g)[r][q]
                            gradientColumn(e, at + q * BLOCK + s, rs, tile, q * BLOCK, 6 * BLOCK);
                        }
                        for (int r = 0; r < 6; r++) {                     // ∂M[r][·] = (tile[r] Aᵀ)
                            gradientColumn(tile, 6 * r * BLOCK, BLOCK, dm, out + 6 * r * positionStride + s,
                                    positionStride);
                        }
                    }
                }
            }
        }
    }

    /**
     * (t0..t5) = A (g0..g3) for one lane, A = (Aᵀ)ᵀ, reading g_i at {@code src[at + i·stride]} and writing t_i at
     * {@code dst[to + i·dStride]}:
     * <pre>
     * t0 = g0,   t1,2 = (g0 + g2) ± (g1 + g3),   t3,4 = (g0 + 4·g2) ± (2·g1 + 8·g3),   t5 = g3
     * </pre>
     */
    private static void gradientColumn(float[] src, int at, int stride, float[] dst, int to, int dStride) {
        float g0 = src[at];
        float g1 = src[at + stride];
        float g2 = src[at + 2 * stride];
        float g3 = src[at + 3 * stride];
        float s02 = g0 + g2;
        float s13 = g1 + g3;
        float a = g0 + g2 * 4f;
        float b = g1 * 2f + g3 * 8f;
        dst[to] = g0;
        dst[to + dStride] = s02 + s13;
        dst[to + 2 * dStride] = s02 - s13;
        dst[to + 3 * dStride] = a + b;
        dst[to + 4 * dStride] = a - b;
        dst[to + 5 * dStride] = g3;
    }

    /** One tile, {@link #BLOCK} samples: both passes of {@link #gradientColumn} on vectors, the same operations. */
    private static void gradientTile(float[] e, int at, int rs, float[] dm, int out, int ps, float[] tile) {
        for (int q = 0; q < 4; q++) {                                     // tile[r][q] = (A g)[r][q]
            int src = at + q * BLOCK;
            FloatVector g0 = load(e, src);
            FloatVector g1 = load(e, src + rs);
            FloatVector g2 = load(e, src + 2 * rs);
            FloatVector g3 = load(e, src + 3 * rs);
            FloatVector s02 = g0.add(g2);
            FloatVector s13 = g1.add(g3);
            FloatVector a = g0.add(g2.mul(4f));
            FloatVector b = g1.mul(2f).add(g3.mul(8f));
            int to = q * BLOCK;
            g0.intoArray(tile, to);
            s02.add(s13).intoArray(tile, to + 6 * BLOCK);
            s02.sub(s13).intoArray(tile, to + 12 * BLOCK);
            a.add(b).intoArray(tile, to + 18 * BLOCK);
            a.sub(b).intoArray(tile, to + 24 * BLOCK);
            g3.intoArray(tile, to + 30 * BLOCK);
        }
        for (int r = 0; r < 6; r++) {                                     // ∂M[r][·] = (tile[r] Aᵀ)
            int src = 6 * r * BLOCK;
            FloatVector g0 = load(tile, src);
            FloatVector g1 = load(tile, src + BLOCK);
            FloatVector g2 = load(tile, src + 2 * BLOCK);
            FloatVector g3 = load(tile, src + 3 * BLOCK);
            FloatVector s02 = g0.add(g2);
            FloatVector s13 = g1.add(g3);
            FloatVector a = g0.add(g2.mul(4f));
            FloatVector b = g1.mul(2f).add(g3.mul(8f));
            int to = out + 6 * r * ps;
            g0.intoArray(dm, to);
            s02.add(s13).intoArray(dm, to + ps);
            s02.sub(s13).intoArray(dm, to + 2 * ps);
            a.add(b).intoArray(dm, to + 3 * ps);
            a.sub(b).intoArray(dm, to + 4 * ps);
            g3.intoArray(dm, to + 5 * ps);
        }
    }

    /**
     * dW [C_out, C_in, 3, 3] = Gᵀ (∂L/∂U) G per channel pair, the adjoint of {@link #transformWeights}: each column of
     * ∂L/∂U through Gᵀ, then each row of that ({@link #weightAdjoint}).
     */
    static float[] weightsFromTransformed(float[] du, int cOut, int cIn) {
        float[] dw = new float[cOut * cIn * 9];
        int ps = cOut * cIn;
        Parallel.forRange(cOut, (k0, k1) -> {
            float[] t = new float[18];                                    // t [3, 6] = Gᵀ ∂U
            for (int k = k0; k < k1; k++) {
                for (int c = 0; c < cIn; c++) {
                    int at = k * cIn + c;
                    for (int q = 0; q < 6; q++) {
                        weightAdjoint(du, q * ps + at, 6 * ps, t, q, 6);
                    }
                    for (int p = 0; p < 3; p++) {
                        weightAdjoint(t, 6 * p, 1, dw, at * 9 + 3 * p, 1);
                    }
                }
            }
        });
        return dw;
    }

    /**
     * (g0, g1, g2) = Gᵀ (u0..u5), reading u_i at {@code src[at + i·stride]} and writing g_i at {@code dst[to +
     * i·dStride]}:
     * <pre>
     * g0 = (u0/4 − (u1 + u2)/6) + (u3 + u4)/24,   g1 = (u2 − u1)/6 + (u3 − u4)/12,
     * g2 = ((u3 + u4) − (u1 + u2))/6 + u5
     * </pre>
     */
    private static void weightAdjoint(float[] src, int at, int stride, float[] dst, int to, int dStride) {
        float u0 = src[at];
        float u1 = src[at + stride];
        float u2 = src[at + 2 * stride];
        float u3 = src[at + 3 * stride];
        float u4 = src[at + 4 * stride];
        float u5 = src[at + 5 * stride];
        float p = u1 + u2;
        float q = u3 + u4;
        dst[to] = u0 * 0.25f - p * (1f / 6f) + q * (1f / 24f);
        dst[to + dStride] = (u2 - u1) * (1f / 6f) + (u3 - u4) * (1f / 12f);
        dst[to + 2 * dStride] = (q - p) * (1f / 6f) + u5;
    }

    // ---------------------------------------------------------------------------------------------------------
    // Weights: U = G g Gᵀ

    /**
     * U_ξ = (G g Gᵀ)_ξ for every output channel k and input channel c, into {@code u[(ξ·C_out + k)·C_in + c]}, ξ =
     * 6·row + column of the transformed tile: first t = g Gᵀ (each kernel row through G), then U = G t (each column
     * of t through G), {@link #weightColumn} both times. Vectors take eight input channels at once from output
     * channel k's filters laid out as nine rows of C_in floats; the channels left over, and all of them without
     * {@code vectors}, go one by one through the same float operations.
     */
    static void transformWeights(float[] w, int wOff, int cOut, int cIn, boolean vectors, float[] u) {
        int lanes = Kernels.F.length();
        Parallel.forRuns(cOut, POSITIONS * cIn, TRANSFORM_TASK_FLOATS, (k0, k1) -> {
            float[] rows = WEIGHT_ROWS.floats(9 * cIn);
            float[] t = new float[18 * lanes];                           // t [3, 6] of vectors (or floats)
            int ps = cOut * cIn;
            for (int k = k0; k < k1; k++) {
                // Output channel k's filters as nine rows of C_in floats: tap j of channel c at rows[j·C_in + c].
                for (int c = 0; c < cIn; c++) {
                    int g = wOff + (k * cIn + c) * 9;
                    for (int j = 0; j < 9; j++) {
                        rows[j * cIn + c] = w[g + j];
                    }
                }
                int c = 0;
                if (vectors) {
                    for (int bound = Kernels.F.loopBound(cIn); c < bound; c += lanes) {
                        for (int p = 0; p < 3; p++) {                     // t[p] = G g[p] (row p of g Gᵀ)
                            weightColumn(rows, 3 * p * cIn + c, cIn, t, 6 * p * lanes, lanes, true);
                        }
                        for (int q = 0; q < 6; q++) {                     // U[·, q] = G t[·, q]
                            weightColumn(t, q * lanes, 6 * lanes, u, q * ps + k * cIn + c, 6 * ps, true);
                        }
                    }
                }
                for (; c < cIn; c++) {
                    for (int p = 0; p < 3; p++) {
                        weightColumn(rows, 3 * p * cIn + c, cIn, t, 6 * p, 1, false);
                    }
                    for (int q = 0; q < 6; q++) {
                        weightColumn(t, q, 6, u, q * ps + k * cIn + c, 6 * ps, false);
                    }
                }
            }
        });
    }

    /**
     * (u0..u5) = G (g0, g1, g2), reading g_i at {@code src[at + i·stride]} and writing u_i at {@code dst[to +
     * i·dStride]}, on vectors of {@link Kernels#F} or one float:
     * <pre>
     * u0 = g0/4,  u1,2 = −((g0 + g2) ± g1)/6,  u3,4 = (g0/24 + g2/6) ± g1/12,  u5 = g2
     * </pre>
     */
    private static void weightColumn(float[] src, int at, int stride, float[] dst, int to, int dStride,
                                     boolean vectors) {
        if (vectors) {
            FloatVector g0 = load(src, at);
            FloatVector g1 = load(src, at + stride);
            FloatVector g2 = load(src, at + 2 * stride);
            FloatVector p = g0.add(g2);
            FloatVector q = g0.mul(1f / 24f).add(g2.mul(1f / 6f));
            FloatVector r = g1.mul(1f / 12f);
            g0.mul(0.25f).intoArray(dst, to);
            p.add(g1).mul(-1f / 6f).intoArray(dst, to + dStride);
            p.sub(g1).mul(-1f / 6f).intoArray(dst, to + 2 * dStride);
            q.add(r).intoArray(dst, to + 3 * dStride);
            q.sub(r).intoArray(dst, to + 4 * dStride);
            g2.intoArray(dst, to + 5 * dStride);
            return;
        }
        float g0 = src[at];
        float g1 = src[at + stride];
        float g2 = src[at + 2 * stride];
        float p = g0 + g2;
        float q = g0 * (1f / 24f) + g2 * (1f / 6f);
        float r = g1 * (1f / 12f);
        dst[to] = g0 * 0.25f;
        dst[to + dStride] = (p + g1) * (-1f / 6f);
        dst[to + 2 * dStride] = (p - g1) * (-1f / 6f);
        dst[to + 3 * dStride] = q + r;
        dst[to + 4 * dStride] = q - r;
        dst[to + 5 * dStride] = g2;
    }

    // ---------------------------------------------------------------------------------------------------------
    // Input: V = Bᵀ d B

    /**
     * V = Bᵀ d B for every 6×6 tile of {@code d} (tiles 4 apart, {@code tileRows × tilesW} of them) and channel:
     * {@code v[ξ·positionStride + c·cols + (i·tilesW + j)·BLOCK + s]}. Per tile, each column of d through Bᵀ into
     * {@code tile}, then each row of that through Bᵀ into V ({@link #inputColumn}).
     */
    static void inputTransform(float[] d, int cIn, int paddedRows, int paddedW, int tileRows, int tilesW, float[] v,
                               int cols, int positionStride, float[] tile, boolean vectors) {
        int rs = paddedW * BLOCK;                                         // floats per padded row
        for (int c = 0; c < cIn; c++) {
            for (int i = 0; i < tileRows; i++) {
                for (int j = 0; j < tilesW; j++) {
                    int at = ((c * paddedRows + 4 * i) * paddedW + 4 * j) * BLOCK;
                    int out = c * cols + (i * tilesW + j) * BLOCK;
                    if (vectors) {
                        inputTile(d, at, rs, v, out, positionStride, tile);
                        continue;
                    }
                    for (int s = 0; s < BLOCK; s++) {
                        for (int q = 0; q < 6; q++) {                     // tile[r][q] = (Bᵀ d)[r][q]
                            inputColumn(d, at + q * BLOCK + s, rs, tile, q * BLOCK, 6 * BLOCK);
                        }
                        for (int r = 0; r < 6; r++) {                     // V[r][·] = (tile[r] B)
                            inputColumn(tile, 6 * r * BLOCK, BLOCK, v, out + 6 * r * positionStride + s,
                                    positionStride);
                        }
                    }
                }
            }
        }
    }

    /**
     * (t0..t5) = Bᵀ (d0..d5) for one lane, reading d_i at {@code src[at + i·stride]} and writing t_i at {@code dst[to
     * + i·dStride]}:
     * <pre>
     * t0 = (4·d0 + d4) − 5·d2,   t1,2 = (d4 − 4·d2) ± (d3 − 4·d1),   t3,4 = (d4 − d2) ± 2·(d3 − d1),
     * t5 = (4·d1 + d5) − 5·d3
     * </pre>
     */
    private static void inputColumn(float[] src, int at, int stride, float[] dst, int to, int dStride) {
        float d0 = src[at];
        float d1 = src[at + stride];
        float d2 = src[at + 2 * stride];
        float d3 = src[at + 3 * stride];
        float d4 = src[at + 4 * stride];
        float d5 = src[at + 5 * stride];
        float a = d4 - d2 * 4f;
        float b = d3 - d1 * 4f;
        float c = d4 - d2;
        float e = (d3 - d1) * 2f;
        dst[to] = d0 * 4f + d4 - d2 * 5f;
        dst[to + dStride] = a + b;
        dst[to + 2 * dStride] = a - b;
        dst[to + 3 * dStride] = c + e;
        dst[to + 4 * dStride] = c - e;
        dst[to + 5 * dStride] = d1 * 4f + d5 - d3 * 5f;
    }

    /**
     * One tile, {@link #BLOCK} samples: both passes of {@link #inputColumn} on vectors in one method, the same float
     * operations in the same order. (Through a call per column that C2 did not inline, as the one-lane twin does,
     * the input transform took 0.34 ms of a 1.6 ms forward at 32→32 14×14; written out, 0.21.)
     */
    private static void inputTile(float[] d, int at, int rs, float[] v, int out, int ps, float[] tile) {
        for (int q = 0; q < 6; q++) {                                     // tile[r][q] = (Bᵀ d)[r][q]
            int src = at + q * BLOCK;
            FloatVector d0 = load(d, src);
            FloatVector d1 = load(d, src + rs);
            FloatVector d2 = load(d, src + 2 * rs);
            FloatVector d3 = load(d, src + 3 * rs);
            FloatVector d4 = load(d, src + 4 * rs);
            FloatVector d5 = load(d, src + 5 * rs);
            FloatVector a = d4.sub(d2.mul(4f));
            FloatVector b = d3.sub(d1.mul(4f));
            FloatVector c = d4.sub(d2);
            FloatVector e = d3.sub(d1).mul(2f);
            int to = q * BLOCK;
            d0.mul(4f).add(d4).sub(d2.mul(5f)).intoArray(tile, to);
            a.add(b).intoArray(tile, to + 6 * BLOCK);
            a.sub(b).intoArray(tile, to + 12 * BLOCK);
            c.add(e).intoArray(tile, to + 18 * BLOCK);
            c.sub(e).intoArray(tile, to + 24 * BLOCK);
            d1.mul(4f).add(d5).sub(d3.mul(5f)).intoArray(tile, to + 30 * BLOCK);
        }
        for (int r = 0; r < 6; r++) {                                     // V[r][·] = (tile[r] B)
            int src = 6 * r * BLOCK;
            FloatVector d0 = load(tile, src);
            FloatVector d1 = load(tile, src + BLOCK);
            FloatVector d2 = load(tile, src + 2 * BLOCK);
            FloatVector d3 = load(tile, src + 3 * BLOCK);
            FloatVector d4 = load(tile, src + 4 * BLOCK);
            FloatVector d5 = load(tile, src + 5 * BLOCK);
            FloatVector a = d4.sub(d2.mul(4f));
            FloatVector b = d3.sub(d1.mul(4f));
            FloatVector c = d4.sub(d2);
            FloatVector e = d3.sub(d1).mul(2f);
            int to = out + 6 * r * ps;
            d0.mul(4f).add(d4).sub(d2.mul(5f)).intoArray(v, to);
            a.add(b).intoArray(v, to + ps);
            a.sub(b).intoArray(v, to + 2 * ps);
            c.add(e).intoArray(v, to + 3 * ps);
            c.sub(e).intoArray(v, to + 4 * ps);
            d1.mul(4f).add(d5).sub(d3.mul(5f)).intoArray(v, to + 5 * ps);
        }
    }

    // ---------------------------------------------------------------------------------------------------------
    // Output: Y = Aᵀ M A

    /**
     * Y = Aᵀ M A for every tile and the output channels k0 .. k0 + kn (M holds only those: {@code m[ξ·positionStride
     * + (k − k0)·cols + tile·BLOCK + s]}), into the block's interleaved result {@code yi[k·rowStride + (row·W +
     * col)·BLOCK + s]} for the {@code outRows} output rows of the task (a tile past the last row or column writes
     * only what is inside). Per tile, each column of M through Aᵀ into {@code tile}, then each row of that through
     * Aᵀ into Y ({@link #outputColumn}).
     */
    static void outputTransform(float[] m, int k0, int kn, int cols, int positionStride, int tileRows, int tilesW,
                                int outRows, int w, float[] yi, int rowStride, float[] tile, boolean vectors) {
        int rowFloats = w * BLOCK;
        for (int k = 0; k < kn; k++) {
            for (int i = 0; i < tileRows; i++) {
                int rows = Math.min(4, outRows - 4 * i);
                for (int j = 0; j < tilesW; j++) {
                    int columns = Math.min(4, w - 4 * j);
                    int at = k * cols + (i * tilesW + j) * BLOCK;
                    int out = (k0 + k) * rowStride + (4 * i * w + 4 * j) * BLOCK;
                    if (vectors) {
                        outputTile(m, at, positionStride, yi, out, rowFloats, rows, columns, tile);
                        continue;
                    }
                    for (int s = 0; s < BLOCK; s++) {
                        for (int q = 0; q < 6; q++) {                     // tile[a][q] = (Aᵀ M)[a][q]
                            outputColumn(m, at + q * positionStride + s, 6 * positionStride, tile, q * BLOCK,
                                    6 * BLOCK, 4);
                        }
                        for (int a = 0; a < rows; a++) {                  // Y[a][·] = (tile[a] A)
                            outputColumn(tile, 6 * a * BLOCK, BLOCK, yi, out + a * rowFloats + s, BLOCK, columns);
                        }
                    }
                }
            }
        }
    }

    /**
     * The first {@code count} of (y0..y3) = Aᵀ (m0..m5) for one lane, reading m_i at {@code src[at + i·stride]} and
     * writing y_i at {@code dst[to + i·dStride]}:
     * <pre>
     * y0 = (m0 + (m1 + m2)) + (m3 + m4),   y1 = (m1 − m2) + 2·(m3 − m4),   y2 = (m1 + m2) + 4·(m3 + m4),
     * y3 = ((m1 − m2) + 8·(m3 − m4)) + m5
     * </pre>
     */
    private static void outputColumn(float[] src, int at, int stride, float[] dst, int to, int dStride, int count) {
        float m1 = src[at + stride];
        float m2 = src[at + 2 * stride];
        float m3 = src[at + 3 * stride];
        float m4 = src[at + 4 * stride];
        float s12 = m1 + m2;
        float d12 = m1 - m2;
        float s34 = m3 + m4;
        float d34 = m3 - m4;
        dst[to] = src[at] + s12 + s34;
        if (count > 1) {
            dst[to + dStride] = d12 + d34 * 2f;
        }
        if (count > 2) {
            dst[to + 2 * dStride] = s12 + s34 * 4f;
        }
        if (count > 3) {
            dst[to + 3 * dStride] = d12 + d34 * 8f + src[at + 5 * stride];
        }
    }

    /**
     * One tile, {@link #BLOCK} samples: both passes of {@link #outputColumn} on vectors in one method, the same float
     * operations in the same order; the first pass always makes the four rows of Aᵀ M, the second writes the
     * {@code rows} × {@code columns} outputs inside the image.
     */
    private static void outputTile(float[] m, int at, int ps, float[] yi, int out, int rowFloats, int rows,
                                   int columns, float[] tile) {
        for (int q = 0; q < 6; q++) {                                     // tile[a][q] = (Aᵀ M)[a][q]
            int src = at + q * ps;
            FloatVector m1 = load(m, src + 6 * ps);
            FloatVector m2 = load(m, src + 12 * ps);
            FloatVector m3 = load(m, src + 18 * ps);
            FloatVector m4 = load(m, src + 24 * ps);
            FloatVector s12 = m1.add(m2);
            FloatVector d12 = m1.sub(m2);
            FloatVector s34 = m3.add(m4);
            FloatVector d34 = m3.sub(m4);
            int to = q * BLOCK;
            load(m, src).add(s12).add(s34).intoArray(tile, to);
            d12.add(d34.mul(2f)).intoArray(tile, to + 6 * BLOCK);
            s12.add(s34.mul(4f)).intoArray(tile, to + 12 * BLOCK);
            d12.add(d34.mul(8f)).add(load(m, src + 30 * ps)).intoArray(tile, to + 18 * BLOCK);
        }
        for (int a = 0; a < rows; a++) {                                  // Y[a][·] = (tile[a] A)
            int src = 6 * a * BLOCK;
            FloatVector m1 = load(tile, src + BLOCK);
            FloatVector m2 = load(tile, src + 2 * BLOCK);
            FloatVector m3 = load(tile, src + 3 * BLOCK);
            FloatVector m4 = load(tile, src + 4 * BLOCK);
            FloatVector s12 = m1.add(m2);
            FloatVector d12 = m1.sub(m2);
            FloatVector s34 = m3.add(m4);
            FloatVector d34 = m3.sub(m4);
            int to = out + a * rowFloats;
            load(tile, src).add(s12).add(s34).intoArray(yi, to);
            if (columns > 1) {
                d12.add(d34.mul(2f)).intoArray(yi, to + BLOCK);
            }
            if (columns > 2) {
                s12.add(s34.mul(4f)).intoArray(yi, to + 2 * BLOCK);
            }
            if (columns > 3) {
                d12.add(d34.mul(8f)).add(load(tile, src + 5 * BLOCK)).intoArray(yi, to + 3 * BLOCK);
            }
        }
    }

    // ---------------------------------------------------------------------------------------------------------
    // Products: M_ξ = U_ξ · V_ξ without the GEMM

    /**
     * Input channels up to which the products run on {@link #directProduct} rather than the GEMM (on CPUs with
     * 512-bit vectors). Their K is C_in, one block of the GEMM (KC = 512), so the two give the same bits; what the
     * GEMM adds is packing V into panels and U into slivers on every call. Measured on F(2×2, 3×3)'s forward, whose
     * 16 products per task were the same kind as the 36 here, in one JVM (batch 64, the forward's time,
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

    private static final VectorSpecies<Float> Z = FloatVector.SPECIES_512;   // 16 lanes
    private static final VectorSpecies<Float> Y = FloatVector.SPECIES_256;   // 8 lanes
    /** Their exact vector classes: the tiles store their accumulators through a cast to them (see {@code Kernels}). */
    private static final Class<? extends Vector<Float>> Z_TYPE = Z.vectorType();
    private static final Class<? extends Vector<Float>> Y_TYPE = Y.vectorType();

    /**
     * One of the 36 products without the GEMM: {@code M[k, j] = Σ_c U[k, c] · V[c, j]}, U at {@code u[uOff + k·C_in
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

    private static FloatVector load(float[] a, int at) {
        return FloatVector.fromArray(Kernels.F, a, at);
    }
}
