package dev.sfumato.tensor.kernels;

import static dev.sfumato.tensor.kernels.Kernels.F;
import static dev.sfumato.tensor.kernels.Kernels.LANES;

import dev.sfumato.tensor.Parallel;
import jdk.incubator.vector.FloatVector;

/**
 * Single-precision general matrix multiply, blocked and vectorised; {@link GemmReference} is its
 * specification.
 *
 * <p>{@code C = alpha·op(A)·op(B) + beta·C}, all matrices row-major. op(A) is M×K: A is stored M×K (row
 * stride {@code lda >= K}) when {@code !transA}, else K×M ({@code lda >= M}). op(B) is K×N: B is stored
 * K×N ({@code ldb >= N}) when {@code !transB}, else N×K ({@code ldb >= K}). C is M×N with row stride
 * {@code ldc >= N}. {@code beta == 0} overwrites C (NaN in C is ignored, as in BLAS).
 *
 * <p>Trick: the GotoBLAS/BLIS loop nest (Goto and van de Geijn, "Anatomy of high-performance matrix
 * multiplication", TOMS 2008; Van Zee and van de Geijn, "BLIS", TOMS 2015). Panels of op(A) and op(B) are
 * copied ("packed") into contiguous buffers in the exact order the micro-kernel reads them, which
 * <ul>
 *   <li>turns every transpose combination into the same unit-stride stream, so the micro-kernel never
 *       sees a transpose and backward passes get A^T·B and A·B^T without copies of their own;</li>
 *   <li>keeps a KC×NR sliver of B in L1, an MC×KC block of A in L2 and a KC×NC panel of B in L3, so each
 *       loaded float is reused many times (cache blocking); KC = 512 beat 128 by about 35% in the
 *       prototype, and 256 or 384 did not beat it here;</li>
 *   <li>zero-pads the edges, so the micro-kernel always computes a full tile.</li>
 * </ul>
 * The micro-kernel keeps a 4×16 tile of C in eight vector registers (register blocking); per step of k
 * it loads two vectors of B, broadcasts four values of A and issues eight FMAs, written
 * {@code a.fma(b, acc)} (17-20% faster than mul + add). On AVX2 (16 vector registers) larger tiles (5×16,
 * 6×16) spill an accumulator to the stack in every iteration on JDK 25 C2, and a hand-unrolled 4×16 keeps a
 * range check in the loop; both were slower. Where the CPU has AVX-512, C2 allocates 32 registers and a 6×16
 * tile ({@link #MR}) fits: square products 512-2048 measured 96-106 against 76-100 GFLOP/s for 4×16 on a Zen 4
 * (one thread, two alternating rounds; the convolution shapes, whose packing weighs more, within ±5%), and a
 * last sliver of at most four rows takes the 4×16 kernel. The kernel stores its accumulators itself: straight
 * into C for a full tile when alpha = 1 and beta is 0 or 1 (C = T or C + T, the convolutions' case), else
 * into a per-thread scratch tile that {@link #updateC} merges into C (edges, other alpha and beta). A store
 * helper taking vectors was no longer inlined once the kernel grew, and the boxed vectors made it 2-5× slower.
 * Storing straight into C instead of through the tile made per-sample convolution products about 2% faster
 * and a K = 32 product (a stride-2 input gradient) 10% (one JVM, alternating, 1 thread; same bits).
 *
 * <p>Speed (BENCHMARKS.md has the tables against OpenBLAS): on a 2 vCPU Zen 4 (session 12, with the 6×16
 * tile) medians of 99-104 GFLOP/s on one thread for square 512-2048, 1.02-1.04× OpenBLAS's speed, and
 * 0.90-0.93× on two threads; the convolution shapes 0.94-1.01× and 0.92-1.10×. On the Zen 3 of sessions 1-11, which other builds
 * were loading (benchmarks/results/gemm.md), best single repetitions reached 66-70 GFLOP/s on one thread for
 * square 256-1024 and medians were 0.6-0.9× OpenBLAS.
 *
 * <p>Threads: C is cut into a grid of tasks whose shape depends only on M, N and K, and K is cut into
 * blocks whose length depends only on K. Every element of C therefore sees the same sequence of
 * floating-point operations on any number of threads, so results are bit-identical on 1 and N threads.
 */
public final class Gemm {

    /**
     * Rows of the register tile: 6 where the CPU has AVX-512 (C2 then has 32 vector registers, and twelve
     * accumulators, two vectors of B and the broadcasts fit without a spill), else 4 (AVX2's 16 registers; see the
     * class comment). The system property {@code sfumato.gemm.rows} (4 or 6) overrides it, for the tests of
     * both kernels and for measuring. The tile's height changes no value: every element of C is the same chain
     * of FMAs over k in either kernel.
     */
    static final int MR = tileRows();
    /** Columns of the register tile: two vectors. */
    static final int NR = 2 * LANES;
    /** Upper bound of the K block; the actual block is K split into equal parts no longer than this. */
    static final int KC = 512;
    /**
     * Rows of op(A) packed at a time (MC×KC floats stay in L2): a multiple of the tile's height, and at least 128,
     * so that a convolution's 128 output channels stay one block, which takes the small-M path of
     * {@link #blocked} (with 120 rows for the 6-row tile, M = 128 measured 8% slower than with the 4-row tile).
     */
    static final int MC = MR == 6 ? 132 : 128;
    /** Columns of op(B) packed at a time (KC×NC floats stay in L3). */
    static final int NC = 4096;
    /**
     * Largest op(A) of one small-M task (rows × K, in floats) that is packed whole, once, before the loops
     * over B panels start, so that the B panel can be cut to {@link #L2_PANEL} without re-packing A for
     * every panel. 512 Ki floats (2 MB) covers the conv shapes (64×576, 128×1152).
     */
    static final int A_ONCE_MAX = 1 << 19;
    /**
     * Floats of the KC×NC panel of op(B) when A is packed once: 128 KB, so the panel stays in the 512 KB L2
     * next to the A block instead of in L3. For the conv shapes (M = 64, N = 25088) this took GEMM from
     * about 30 to 40-55 GFLOP/s on one thread: with NC = 4096 the panel (288×4096 floats, 4.7 MB) was
     * written to and read back from L3, and packing it cost as much as the multiply.
     */
    static final int L2_PANEL = 1 << 15;
    /** Below this many multiply-adds a call runs on the calling thread only. */
    static final long PARALLEL_MIN_MNK = 1L << 20;
    /** Tasks the grid aims for when a call is large enough to split. */
    static final int TARGET_TASKS = 4;

    private Gemm() {}

    /** {@link #MR}: the system property {@code sfumato.gemm.rows} if set, else 6 with native 512-bit vectors, else 4. */
    private static int tileRows() {
        String p = System.getProperty("sfumato.gemm.rows");
        if (p == null || p.isBlank()) {
            return Kernels.NATIVE_512 ? 6 : 4;
        }
        return switch (p.trim()) {
            case "4" -> 4;
            case "6" -> 6;
            default -> throw new IllegalArgumentException(
                    "system property sfumato.gemm.rows must be 4 or 6 (rows of the GEMM register tile), got '" + p + "'");
        };
    }

    /** Per-thread packing buffers, grown on demand and reused, so steady-state calls allocate nothing. */
    private static final class Buffers {
        float[] a = new float[0];
        float[] b = new float[0];
        final float[] tile = new float[MR * NR];

        float[] a(int size) {
            if (a.length < size) {
                a = new float[size];
            }
            return a;
        }

        float[] b(int size) {
            if (b.length < size) {
                b = new float[size];
            }
            return b;
        }
    }

    private static final ThreadLocal<Buffers> BUFFERS = ThreadLocal.withInitial(Buffers::new);

    /**
     * C = alpha·op(A)·op(B) + beta·C, all row-major. op(A) is M×K: A is stored M×K (row stride lda >= K)
     * when !transA, else K×M (lda >= M). op(B) is K×N: B stored K×N (ldb >= N) when !transB, else N×K
     * (ldb >= K). C is M×N with row stride ldc >= N. beta == 0 means C is overwritten (NaN in C ignored,
     * like BLAS). Reference: {@link GemmReference#sgemm}.
     *
     * @throws IllegalArgumentException for negative sizes or offsets, a leading dimension smaller than its
     *     row, or an array too short for its matrix
     */
    public static void sgemm(boolean transA, boolean transB, int m, int n, int k, float alpha,
                             float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                             float beta, float[] c, int cOff, int ldc) {
        if (Kernels.REFERENCE_ONLY) {
            GemmReference.sgemm(transA, transB, m, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc);
            return;
        }
        GemmReference.checkArguments(transA, transB, m, n, k, a, aOff, lda, b, bOff, ldb, c, cOff, ldc);
        sgemm(transA, m, n, k, alpha, a, aOff, lda,
                (pc, kc, jc, nc, pb) -> packB(transB, b, bOff, ldb, pc, kc, jc, nc, pb), beta, c, cOff, ldc);
    }

    /**
     * Writes panels of op(B) in the packed layout of the micro-kernel. A caller whose B is implicit (the
     * columns of a convolution, which im2col would otherwise write out in full) packs it straight from its
     * source, so the panel is built in cache and never exists as a whole matrix.
     */
    @FunctionalInterface
    public interface PanelB {
        /**
         * Packs op(B)[pc:pc+kc, jc:jc+nc] into {@code pb} as NR-column slivers, each stored k-major:
         * {@code pb[jr*kc + p*NR + j] = op(B)[pc+p, jc+jr+j]} for jr a multiple of {@link #NR}, with the
         * columns past nc of the last sliver set to zero.
         */
        void pack(int pc, int kc, int jc, int nc, float[] pb);
    }

    /**
     * The panels of a stored row-major B (K×N, row stride {@code ldb}, from {@code b[bOff]}), for the forms that
     * take a {@link PanelB}: the packing the stored form does for B, so a caller with A packed once
     * ({@link #packA}) and an ordinary B gets the same bits as {@link #sgemm(boolean, boolean, int, int, int,
     * float, float[], int, int, float[], int, int, float, float[], int, int) sgemm}.
     */
    public static PanelB rowsOf(float[] b, int bOff, int ldb) {
        return (pc, kc, jc, nc, pb) -> packBRows(b, bOff, ldb, pc, kc, jc, nc, pb);
    }

    /** Columns of the register tile, the sliver width a {@link PanelB} writes. */
    public static int panelWidth() {
        return NR;
    }

    /**
     * C = alpha·op(A)·op(B) + beta·C where op(B) (K×N) is supplied by {@code panels} rather than stored:
     * the same blocking, task grid and operation order as the stored form, so the two give the same bits
     * when the panels hold the same values. {@code panels} is called from worker threads, concurrently, for
     * disjoint column ranges, and must write nothing but {@code pb}. Arguments about A and C are not checked
     * here beyond what the stored form checks; callers own that.
     */
    public static void sgemm(boolean transA, int m, int n, int k, float alpha, float[] a, int aOff, int lda,
                             PanelB panels, float beta, float[] c, int cOff, int ldc) {
        if (m < 0 || n < 0 || k < 0) {
            throw new IllegalArgumentException("sgemm: sizes must be >= 0, got m=" + m + " n=" + n + " k=" + k);
        }
        run(m, n, k, alpha, transA, a, aOff, lda, null, panels, beta, c, cOff, ldc);
    }

    /**
     * op(A) packed once, in the layout the micro-kernel reads, for many products with the same A: a
     * convolution's weights are the A of one product per sample, and packing them for every sample cost as
     * much as a third of the product at 7×7. Layout: K block q (starting at pc = q·kc) holds MR-row slivers
     * of length kcb = min(kc, K − pc), sliver r/MR at {@code pc·roundUp(M, MR) + r·kcb}.
     */
    public static final class PackedA {
        final int m;
        final int k;
        final int mp;
        final float[] data;

        private PackedA(int m, int k, float[] data) {
            this.m = m;
            this.k = k;
            this.mp = roundUp(m, MR);
            this.data = data;
        }

        /** Start of the sliver holding row {@code row} (a multiple of MR) in the K block starting at pc. */
        int offset(int pc, int row, int kcb) {
            return pc * mp + row * kcb;
        }

        /** Rows of op(A). */
        public int rows() {
            return m;
        }

        /** Columns of op(A), the K of the products. */
        public int columns() {
            return k;
        }
    }

    /** Packs op(A) (M×K; stored as for {@link #sgemm}) once, for {@link #sgemm(PackedA, int, float, PanelB, float, float[], int, int)}. */
    public static PackedA packA(boolean transA, int m, int k, float[] a, int aOff, int lda) {
        if (m < 0 || k < 0) {
            throw new IllegalArgumentException("packA: sizes must be >= 0, got m=" + m + " k=" + k);
        }
        float[] data = new float[roundUp(m, MR) * k];
        if (m > 0 && k > 0) {
            packRows(transA, a, aOff, lda, 0, m, k, kBlock(k), data);
        }
        return new PackedA(m, k, data);
    }

    /**
     * C = alpha·A·op(B) + beta·C with A packed beforehand by {@link #packA} and op(B) (K×N) supplied by
     * {@code panels}: the same operations in the same order as the other forms, so the same bits.
     */
    public static void sgemm(PackedA a, int n, float alpha, PanelB panels, float beta, float[] c, int cOff, int ldc) {
        if (n < 0) {
            throw new IllegalArgumentException("sgemm: n must be >= 0, got " + n);
        }
        run(a.m, n, a.k, alpha, false, null, 0, 0, a, panels, beta, c, cOff, ldc);
    }

    /** The K block length: K cut into equal blocks no longer than KC (576 -> 2 x 288 rather than 512 + 64). */
    private static int kBlock(int k) {
        return ceilDiv(k, ceilDiv(k, KC));
    }

    private static void run(int m, int n, int k, float alpha, boolean transA, float[] a, int aOff, int lda,
                            PackedA packed, PanelB panels, float beta, float[] c, int cOff, int ldc) {
        if (m == 0 || n == 0) {
            return;
        }
        if (alpha == 0f || k == 0) {
            scale(m, n, beta, c, cOff, ldc);
            return;
        }
        int kc = kBlock(k);

        // Task grid over C, from the sizes only: halve the longer side until there are enough tasks.
        int gm = 1;
        int gn = 1;
        // No grid when the call would run inline anyway (one thread, or inside another parallel loop such as
        // a convolution's loop over samples): each task re-packs its panels, so a grid run inline costs only
        // time. Skipping it changes no bits, since every element's operations depend on the K blocks alone.
        if ((long) m * n * k >= PARALLEL_MIN_MNK && Parallel.canSplit()) {
            // A product whose op(A) is one block of rows but too large to pack once (64×25088, an input
            // gradient's A·Bᵀ) has every task pack all of op(A) again: one task per thread then, so that each
            // thread packs it once, as one thread does. With four tasks on two threads 64x25088x576 NT ran at
            // 0.82-0.85× OpenBLAS's speed against 0.92-0.95× on one thread.
            int target = packed == null && m <= MC && !packsAOnce(m, k)
                    ? Math.min(TARGET_TASKS, Parallel.threads()) : TARGET_TASKS;
            while (gm * gn < target) {
                boolean mCanSplit = m / (2 * gm) >= 4 * MR;
                boolean nCanSplit = n / (2 * gn) >= 4 * NR;
                if (mCanSplit && (m / gm >= n / gn || !nCanSplit)) {
                    gm *= 2;
                } else if (nCanSplit) {
                    gn *= 2;
                } else {
                    break;
                }
            }
        }
        int mt = roundUp(ceilDiv(m, gm), MR);
        int nt = roundUp(ceilDiv(n, gn), NR);
        int tasksM = ceilDiv(m, mt);
        int tasksN = ceilDiv(n, nt);
        if (tasksM * tasksN == 1) {
            blocked(transA, 0, m, 0, n, k, kc, alpha, a, aOff, lda, packed, panels, beta, c, cOff, ldc);
            return;
        }
        Parallel.forRange(tasksM * tasksN, (from, to) -> {
            for (int t = from; t < to; t++) {
                int i0 = (t / tasksN) * mt;
                int j0 = (t % tasksN) * nt;
                blocked(transA, i0, Math.min(m, i0 + mt), j0, Math.min(n, j0 + nt), k, kc,
                        alpha, a, aOff, lda, packed, panels, beta, c, cOff, ldc);
            }
        });
    }

    /** Whether a task of at most MC rows packs its rows of op(A) once, whole ({@link #A_ONCE_MAX}). */
    private static boolean packsAOnce(int rows, int k) {
        return (long) rows * k <= A_ONCE_MAX;
    }

    /** C[i0:i1, j0:j1] = alpha·op(A)[i0:i1, :]·op(B)[:, j0:j1] + beta·C[i0:i1, j0:j1], on this thread. */
    private static void blocked(boolean transA, int i0, int i1, int j0, int j1, int k, int kc,
                                float alpha, float[] a, int aOff, int lda, PackedA packed, PanelB panels,
                                float beta, float[] c, int cOff, int ldc) {
        Buffers buffers = BUFFERS.get();
        // Small M (at most one MC block, as in a convolution, where M is the output channels): pack this
        // task's rows of op(A) once, index them from row 0, and cut op(B) into panels that fit L2 (see
        // L2_PANEL), which no longer costs a re-packing of A per panel. The panel width changes no bits:
        // each element of C sees the same K blocks in the same order.
        boolean smallM = i1 - i0 <= MC;
        if (smallM && packed == null && packsAOnce(i1 - i0, k)) {
            packed = packTask(transA, a, aOff, lda, i0, i1, k, kc, buffers);
            cOff += i0 * ldc;
            i1 -= i0;
            i0 = 0;
        }
        int ncMax = smallM && packed != null ? Math.max(NR, Math.min(NC, L2_PANEL / kc / NR * NR)) : NC;
        float[] pa = packed != null ? packed.data : buffers.a(roundUp(Math.min(MC, i1 - i0), MR) * kc);
        float[] pb = buffers.b(kc * roundUp(Math.min(ncMax, j1 - j0), NR));
        for (int jc = j0; jc < j1; jc += ncMax) {
            int nc = Math.min(ncMax, j1 - jc);
            for (int pc = 0; pc < k; pc += kc) {
                int kcb = Math.min(kc, k - pc);
                panels.pack(pc, kcb, jc, nc, pb);
                // beta applies once, on the first K block; later blocks accumulate into C.
                float betaNow = pc == 0 ? beta : 1f;
                for (int ic = i0; ic < i1; ic += MC) {
                    int mc = Math.min(MC, i1 - ic);
                    int paOff = 0;
                    if (packed != null) {
                        paOff = packed.offset(pc, ic, kcb);
                    } else {
                        packA(transA, a, aOff, lda, ic, mc, pc, kcb, pa, 0);
                    }
                    macroKernel(mc, nc, kcb, pa, paOff, pb, alpha, betaNow, c, cOff + ic * ldc + jc, ldc, buffers.tile);
                }
            }
        }
    }

    /** Packs op(A)[i0:i1, :] once for a whole task, in the {@link PackedA} layout, into the thread's A buffer. */
    private static PackedA packTask(boolean transA, float[] a, int aOff, int lda, int i0, int i1, int k, int kc,
                                    Buffers buffers) {
        int m = i1 - i0;
        float[] data = buffers.a(roundUp(m, MR) * k);
        packRows(transA, a, aOff, lda, i0, m, k, kc, data);
        return new PackedA(m, k, data);
    }

    /** op(A)[i0:i0+m, :] into {@code data} in the {@link PackedA} layout: every K block of length kc in turn. */
    private static void packRows(boolean transA, float[] a, int aOff, int lda, int i0, int m, int k, int kc,
                                 float[] data) {
        int mp = roundUp(m, MR);
        for (int pc = 0; pc < k; pc += kc) {
            packA(transA, a, aOff, lda, i0, m, pc, Math.min(kc, k - pc), data, pc * mp);
        }
    }

    /**
     * Runs the micro-kernel over every MR×NR tile of one packed MC×KC block of A and KC×NC panel of B. With
     * alpha = 1 and beta 0 or 1 (every product of the convolutions, and every K block after the first), a full
     * tile goes from the registers straight into C: 1·T + 0·C is T and 1·T + 1·C is T + C exactly, so the bits
     * are those of the scratch tile and {@link #updateC}, which the other cases and the edge tiles still take.
     */
    private static void macroKernel(int mc, int nc, int kc, float[] pa, int paOff, float[] pb, float alpha,
                                    float beta, float[] c, int cBase, int ldc, float[] tile) {
        boolean direct = alpha == 1f && (beta == 0f || beta == 1f);
        for (int jr = 0; jr < nc; jr += NR) {
            int nr = Math.min(NR, nc - jr);
            for (int ir = 0; ir < mc; ir += MR) {
                int mr = Math.min(MR, mc - ir);
                // With six-row slivers, a last sliver of at most four rows (M = 64: 10 × 6 + 4) takes the four-row
                // kernel, which reads the first four rows of each step of the sliver.
                boolean six = MR == 6 && mr > 4;
                boolean intoC = direct && mr == (six ? 6 : 4) && nr == NR;
                float[] out = intoC ? c : tile;
                int outOff = intoC ? cBase + ir * ldc + jr : 0;
                int outLd = intoC ? ldc : NR;
                boolean accumulate = intoC && beta == 1f;
                if (six) {
                    microKernel6(kc, pa, paOff + ir * kc, pb, jr * kc, out, outOff, outLd, accumulate);
                } else {
                    microKernel(kc, pa, paOff + ir * kc, pb, jr * kc, out, outOff, outLd, accumulate);
                }
                if (!intoC) {
                    updateC(tile, mr, nr, alpha, beta, c, cBase + ir * ldc + jr, ldc);
                }
            }
        }
    }

    /**
     * T = Ap·Bp for one 4×NR register tile, stored into {@code c} from {@code ci} (row stride {@code ldc}), or
     * added to what is there when {@code accumulate}: Ap is the first four rows of an MR×kc sliver of A packed
     * k-major (all of it when MR is 4), Bp a kc×NR sliver of B packed k-major. The eight accumulators stay in
     * registers for the whole k loop; each step loads two vectors of B, broadcasts four values of A and issues
     * eight FMAs. The stores are written out here, not in a helper taking vectors (see the class comment).
     */
    private static void microKernel(int kc, float[] a, int ai, float[] b, int bi, float[] c, int ci, int ldc,
                                    boolean accumulate) {
        FloatVector c00 = FloatVector.zero(F);
        FloatVector c01 = FloatVector.zero(F);
        FloatVector c10 = FloatVector.zero(F);
        FloatVector c11 = FloatVector.zero(F);
        FloatVector c20 = FloatVector.zero(F);
        FloatVector c21 = FloatVector.zero(F);
        FloatVector c30 = FloatVector.zero(F);
        FloatVector c31 = FloatVector.zero(F);
        for (int p = 0; p < kc; p++) {
            int bp = bi + p * NR;
            int ap = ai + p * MR;
            FloatVector b0 = FloatVector.fromArray(F, b, bp);
            FloatVector b1 = FloatVector.fromArray(F, b, bp + LANES);
            FloatVector a0 = FloatVector.broadcast(F, a[ap]);
            c00 = a0.fma(b0, c00);
            c01 = a0.fma(b1, c01);
            FloatVector a1 = FloatVector.broadcast(F, a[ap + 1]);
            c10 = a1.fma(b0, c10);
            c11 = a1.fma(b1, c11);
            FloatVector a2 = FloatVector.broadcast(F, a[ap + 2]);
            c20 = a2.fma(b0, c20);
            c21 = a2.fma(b1, c21);
            FloatVector a3 = FloatVector.broadcast(F, a[ap + 3]);
            c30 = a3.fma(b0, c30);
            c31 = a3.fma(b1, c31);
        }
        int c1 = ci + ldc;
        int c2 = c1 + ldc;
        int c3 = c2 + ldc;
        if (accumulate) {
            c00 = c00.add(FloatVector.fromArray(F, c, ci));
            c01 = c01.add(FloatVector.fromArray(F, c, ci + LANES));
            c10 = c10.add(FloatVector.fromArray(F, c, c1));
            c11 = c11.add(FloatVector.fromArray(F, c, c1 + LANES));
            c20 = c20.add(FloatVector.fromArray(F, c, c2));
            c21 = c21.add(FloatVector.fromArray(F, c, c2 + LANES));
            c30 = c30.add(FloatVector.fromArray(F, c, c3));
            c31 = c31.add(FloatVector.fromArray(F, c, c3 + LANES));
        }
        c00.intoArray(c, ci);
        c01.intoArray(c, ci + LANES);
        c10.intoArray(c, c1);
        c11.intoArray(c, c1 + LANES);
        c20.intoArray(c, c2);
        c21.intoArray(c, c2 + LANES);
        c30.intoArray(c, c3);
        c31.intoArray(c, c3 + LANES);
    }

    /**
     * {@link #microKernel} for a 6×NR tile (MR = 6): twelve accumulators, and per step two vectors of B, six
     * broadcasts of A and twelve FMAs, which keeps both FMA pipes busier than eight accumulators do (the FMA's
     * latency of four cycles times two pipes is eight independent chains, no slack). Measured on a 2 vCPU Zen 4
     * (AVX-512, so C2 allocates 32 vector registers), one JVM, B sliver in L1 and A block in L2, GFLOP/s of the
     * 4-row / 6-row kernel: 89-92 / 95-100 at kc = 64, 98-102 / 105-110 at kc = 128, 94-104 / 97-110 at kc = 256.
     * It repeats the 4-row kernel's lines for two more rows on purpose: a kernel parameterised by its height, or
     * one that shares a helper taking vectors, does not keep its accumulators in registers under C2.
     */
    private static void microKernel6(int kc, float[] a, int ai, float[] b, int bi, float[] c, int ci, int ldc,
                                     boolean accumulate) {
        FloatVector c00 = FloatVector.zero(F);
        FloatVector c01 = FloatVector.zero(F);
        FloatVector c10 = FloatVector.zero(F);
        FloatVector c11 = FloatVector.zero(F);
        FloatVector c20 = FloatVector.zero(F);
        FloatVector c21 = FloatVector.zero(F);
        FloatVector c30 = FloatVector.zero(F);
        FloatVector c31 = FloatVector.zero(F);
        FloatVector c40 = FloatVector.zero(F);
        FloatVector c41 = FloatVector.zero(F);
        FloatVector c50 = FloatVector.zero(F);
        FloatVector c51 = FloatVector.zero(F);
        for (int p = 0; p < kc; p++) {
            int bp = bi + p * NR;
            int ap = ai + p * 6;
            FloatVector b0 = FloatVector.fromArray(F, b, bp);
            FloatVector b1 = FloatVector.fromArray(F, b, bp + LANES);
            FloatVector a0 = FloatVector.broadcast(F, a[ap]);
            c00 = a0.fma(b0, c00);
            c01 = a0.fma(b1, c01);
            FloatVector a1 = FloatVector.broadcast(F, a[ap + 1]);
            c10 = a1.fma(b0, c10);
            c11 = a1.fma(b1, c11);
            FloatVector a2 = FloatVector.broadcast(F, a[ap + 2]);
            c20 = a2.fma(b0, c20);
            c21 = a2.fma(b1, c21);
            FloatVector a3 = FloatVector.broadcast(F, a[ap + 3]);
            c30 = a3.fma(b0, c30);
            c31 = a3.fma(b1, c31);
            FloatVector a4 = FloatVector.broadcast(F, a[ap + 4]);
            c40 = a4.fma(b0, c40);
            c41 = a4.fma(b1, c41);
            FloatVector a5 = FloatVector.broadcast(F, a[ap + 5]);
            c50 = a5.fma(b0, c50);
            c51 = a5.fma(b1, c51);
        }
        int c1 = ci + ldc;
        int c2 = c1 + ldc;
        int c3 = c2 + ldc;
        int c4 = c3 + ldc;
        int c5 = c4 + ldc;
        if (accumulate) {
            c00 = c00.add(FloatVector.fromArray(F, c, ci));
            c01 = c01.add(FloatVector.fromArray(F, c, ci + LANES));
            c10 = c10.add(FloatVector.fromArray(F, c, c1));
            c11 = c11.add(FloatVector.fromArray(F, c, c1 + LANES));
            c20 = c20.add(FloatVector.fromArray(F, c, c2));
            c21 = c21.add(FloatVector.fromArray(F, c, c2 + LANES));
            c30 = c30.add(FloatVector.fromArray(F, c, c3));
            c31 = c31.add(FloatVector.fromArray(F, c, c3 + LANES));
            c40 = c40.add(FloatVector.fromArray(F, c, c4));
            c41 = c41.add(FloatVector.fromArray(F, c, c4 + LANES));
            c50 = c50.add(FloatVector.fromArray(F, c, c5));
            c51 = c51.add(FloatVector.fromArray(F, c, c5 + LANES));
        }
        c00.intoArray(c, ci);
        c01.intoArray(c, ci + LANES);
        c10.intoArray(c, c1);
        c11.intoArray(c, c1 + LANES);
        c20.intoArray(c, c2);
        c21.intoArray(c, c2 + LANES);
        c30.intoArray(c, c3);
        c31.intoArray(c, c3 + LANES);
        c40.intoArray(c, c4);
        c41.intoArray(c, c4 + LANES);
        c50.intoArray(c, c5);
        c51.intoArray(c, c5 + LANES);
    }

    /** C[0:mr, 0:nr] = alpha·T + beta·C for the MR×NR accumulator tile T; beta == 0 does not read C. */
    static void updateC(float[] t, int mr, int nr, float alpha, float beta, float[] c, int ci, int ldc) {
        if (nr == NR) {
            for (int i = 0; i < mr; i++, ci += ldc) {
                for (int j = 0; j < NR; j += LANES) {
                    FloatVector acc = FloatVector.fromArray(F, t, i * NR + j);
                    if (beta == 0f) {
                        acc.mul(alpha).intoArray(c, ci + j);
                    } else {
                        FloatVector old = FloatVector.fromArray(F, c, ci + j).mul(beta);
                        acc.fma(FloatVector.broadcast(F, alpha), old).intoArray(c, ci + j);
                    }
                }
            }
        } else {
            for (int i = 0; i < mr; i++, ci += ldc) {
                for (int j = 0; j < nr; j++) {
                    float acc = t[i * NR + j];
                    c[ci + j] = beta == 0f ? alpha * acc : Math.fma(acc, alpha, beta * c[ci + j]);
                }
            }
        }
    }

    /**
     * Packs op(A)[ic:ic+mc, pc:pc+kc] into {@code pa} from {@code paOff} as MR-row slivers, each stored k-major
     * ({@code pa[paOff + ir*kc + p*MR + i] = op(A)[ic+ir+i, pc+p]}), zero-padding the last sliver to MR rows.
     */
    private static void packA(boolean transA, float[] a, int aOff, int lda, int ic, int mc, int pc, int kc,
                              float[] pa, int paOff) {
        for (int ir = 0; ir < mc; ir += MR) {
            int rows = Math.min(MR, mc - ir);
            int dst = paOff + ir * kc;
            if (transA) {
                // A is K×M: the MR values of one k are adjacent.
                int src = aOff + pc * lda + ic + ir;
                for (int p = 0; p < kc; p++, src += lda) {
                    int d = dst + p * MR;
                    for (int i = 0; i < rows; i++) {
                        pa[d + i] = a[src + i];
                    }
                    for (int i = rows; i < MR; i++) {
                        pa[d + i] = 0f;
                    }
                }
            } else {
                // A is M×K: read each of the MR rows along k, write with stride MR.
                for (int i = 0; i < rows; i++) {
                    int src = aOff + (ic + ir + i) * lda + pc;
                    for (int p = 0; p < kc; p++) {
                        pa[dst + p * MR + i] = a[src + p];
                    }
                }
                for (int i = rows; i < MR; i++) {
                    for (int p = 0; p < kc; p++) {
                        pa[dst + p * MR + i] = 0f;
                    }
                }
            }
        }
    }

    /**
     * Packs op(B)[pc:pc+kc, jc:jc+nc] into {@code pb} as NR-column slivers, each stored k-major
     * ({@code pb[jr*kc + p*NR + j] = op(B)[pc+p, jc+jr+j]}), zero-padding the last sliver to NR columns.
     */
    private static void packB(boolean transB, float[] b, int bOff, int ldb, int pc, int kc, int jc, int nc,
                              float[] pb) {
        if (transB) {
            packBTransposed(b, bOff, ldb, pc, kc, jc, nc, pb);
        } else {
            packBRows(b, bOff, ldb, pc, kc, jc, nc, pb);
        }
    }

    /**
     * packB for B stored K×N. Row by row, so B is read as long unit-stride streams that the hardware
     * prefetcher follows; sliver by sliver (NR floats from each of kc rows ldb apart) was latency-bound
     * and made the conv shapes (ldb = 25088) 25-30% slower.
     */
    private static void packBRows(float[] b, int bOff, int ldb, int pc, int kc, int jc, int nc, float[] pb) {
        for (int p = 0; p < kc; p++) {
            packPanelRow(b, bOff + (pc + p) * ldb + jc, p, kc, nc, pb);
        }
    }

    /**
     * Writes row p of a kc×nc panel of op(B) into {@code pb} in the {@link PanelB} layout, from the nc
     * contiguous floats at {@code src[srcOff]}: vector copies into each NR-wide sliver, the last sliver
     * zero-padded. The building block of every packer whose B rows are contiguous runs.
     */
    public static void packPanelRow(float[] src, int srcOff, int p, int kc, int nc, float[] pb) {
        int full = nc - nc % NR;
        int sliver = NR * kc;
        int d = p * NR;
        for (int jr = 0; jr < full; jr += NR, d += sliver) {
            FloatVector.fromArray(F, src, srcOff + jr).intoArray(pb, d);
            FloatVector.fromArray(F, src, srcOff + jr + LANES).intoArray(pb, d + LANES);
        }
        if (full < nc) {
            for (int j = 0; j < NR; j++) {
                pb[d + j] = full + j < nc ? src[srcOff + full + j] : 0f;
            }
        }
    }

    /**
     * packB for B stored N×K (op(B) = B^T). A full sliver (NR = 16 rows of B) is moved in 8×8 blocks transposed
     * in registers ({@link Transpose#transpose8}): eight vector loads along k from eight rows, eight vector stores
     * of eight columns each; the rest (a partial sliver, a tail of k, lanes other than eight) gathers one value
     * from each of the sliver's rows per k, which {@link #packBTransposedByGather} keeps as the twin. On the
     * input-gradient shape 64×25088×576 NT (one thread, Zen 4) the gathering packer had taken the product to
     * 0.71-0.76× OpenBLAS's speed.
     */
    private static void packBTransposed(float[] b, int bOff, int ldb, int pc, int kc, int jc, int nc,
                                        float[] pb) {
        if (LANES != 8) {
            packBTransposedByGather(b, bOff, ldb, pc, kc, jc, nc, pb, 0);
            return;
        }
        int fullSlivers = nc / NR * NR;
        int blocks = kc / 8 * 8;
        for (int jr = 0; jr < fullSlivers; jr += NR) {
            int src = bOff + (jc + jr) * ldb + pc;
            int dst = jr * kc;
            for (int p = 0; p < blocks; p += 8) {
                // rows jr..jr+7 of B (columns 0-7 of the sliver), then rows jr+8..jr+15 (columns 8-15)
                Transpose.transpose8(b, src + p, ldb, pb, dst + p * NR, NR, 8, false, 0f);
                Transpose.transpose8(b, src + 8 * ldb + p, ldb, pb, dst + p * NR + 8, NR, 8, false, 0f);
            }
            for (int p = blocks; p < kc; p++) {
                for (int j = 0; j < NR; j++) {
                    pb[dst + p * NR + j] = b[src + j * ldb + p];
                }
            }
        }
        packBTransposedByGather(b, bOff, ldb, pc, kc, jc, nc, pb, fullSlivers);
    }

    /**
     * packB for B stored N×K from sliver column {@code jr0} on: for each k, gather one value from each of the NR
     * rows of the sliver, so the packed sliver is written sequentially while NR row streams are read; columns past
     * nc are zero.
     */
    static void packBTransposedByGather(float[] b, int bOff, int ldb, int pc, int kc, int jc, int nc, float[] pb,
                                        int jr0) {
        for (int jr = jr0; jr < nc; jr += NR) {
            int cols = Math.min(NR, nc - jr);
            int src = bOff + (jc + jr) * ldb + pc;
            int dst = jr * kc;
            for (int p = 0; p < kc; p++) {
                int d = dst + p * NR;
                for (int j = 0; j < cols; j++) {
                    pb[d + j] = b[src + j * ldb + p];
                }
                for (int j = cols; j < NR; j++) {
                    pb[d + j] = 0f;
                }
            }
        }
    }

    /** C = beta·C, with beta == 0 writing zeros (the alpha == 0 or K == 0 case). */
    private static void scale(int m, int n, float beta, float[] c, int cOff, int ldc) {
        for (int i = 0; i < m; i++) {
            int row = cOff + i * ldc;
            for (int j = 0; j < n; j++) {
                c[row + j] = beta == 0f ? 0f : beta * c[row + j];
            }
        }
    }

    static int ceilDiv(int x, int y) {
        return (x + y - 1) / y;
    }

    static int roundUp(int x, int multiple) {
        return ceilDiv(x, multiple) * multiple;
    }
}
