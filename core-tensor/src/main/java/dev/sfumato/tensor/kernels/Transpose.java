package dev.sfumato.tensor.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.Vector;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;

/**
 * The 8×8 and 16×16 transposes in vector registers, for kernels that change a layout: the GEMM's packing of a
 * transposed B, the convolutions' interleaving of eight samples into the vector lanes
 * ({@code dev.sfumato.nn.kernels.Interleave}), and their moves between NCHW and channels-last
 * ({@code dev.sfumato.nn.kernels.ChannelsLast}).
 */
public final class Transpose {

    private Transpose() {}

    /** Two-vector selections of the 8×8 transpose: index i < 8 is lane i of the first vector, 8 + i of the second. */
    private static final VectorShuffle<Float> UNPACK_LO = VectorShuffle.fromValues(Kernels.F, 0, 8, 1, 9, 4, 12, 5, 13);
    private static final VectorShuffle<Float> UNPACK_HI = VectorShuffle.fromValues(Kernels.F, 2, 10, 3, 11, 6, 14, 7, 15);
    private static final VectorShuffle<Float> PAIRS_LO = VectorShuffle.fromValues(Kernels.F, 0, 1, 8, 9, 4, 5, 12, 13);
    private static final VectorShuffle<Float> PAIRS_HI = VectorShuffle.fromValues(Kernels.F, 2, 3, 10, 11, 6, 7, 14, 15);
    private static final VectorShuffle<Float> HALVES_LO = VectorShuffle.fromValues(Kernels.F, 0, 1, 2, 3, 8, 9, 10, 11);
    private static final VectorShuffle<Float> HALVES_HI = VectorShuffle.fromValues(Kernels.F, 4, 5, 6, 7, 12, 13, 14, 15);

    /**
     * {@code dst[dOff + c·dStride + r] = src[sOff + r·sStride + c] (+ add)} for r, c < 8, storing only the
     * first {@code outRows} output rows c: an 8×8 block transposed in registers in the three stages of the
     * usual AVX form (interleave pairs of rows, then pairs of pairs, then 128-bit halves), each a two-vector
     * selection. Needs eight-lane vectors. It takes and returns no vectors, so that C2 never has to box one
     * when it does not inline it (see {@link Kernels}).
     */
    public static void transpose8(float[] src, int sOff, int sStride, float[] dst, int dOff, int dStride,
                                   int outRows, boolean add, float addend) {
        FloatVector r0 = FloatVector.fromArray(Kernels.F, src, sOff);
        FloatVector r1 = FloatVector.fromArray(Kernels.F, src, sOff + sStride);
        FloatVector r2 = FloatVector.fromArray(Kernels.F, src, sOff + 2 * sStride);
        FloatVector r3 = FloatVector.fromArray(Kernels.F, src, sOff + 3 * sStride);
        FloatVector r4 = FloatVector.fromArray(Kernels.F, src, sOff + 4 * sStride);
        FloatVector r5 = FloatVector.fromArray(Kernels.F, src, sOff + 5 * sStride);
        FloatVector r6 = FloatVector.fromArray(Kernels.F, src, sOff + 6 * sStride);
        FloatVector r7 = FloatVector.fromArray(Kernels.F, src, sOff + 7 * sStride);
        FloatVector t0 = r0.rearrange(UNPACK_LO, r1);                     // r00 r10 r01 r11 | r04 r14 r05 r15
        FloatVector t1 = r0.rearrange(UNPACK_HI, r1);                     // r02 r12 r03 r13 | r06 r16 r07 r17
        FloatVector t2 = r2.rearrange(UNPACK_LO, r3);
        FloatVector t3 = r2.rearrange(UNPACK_HI, r3);
        FloatVector t4 = r4.rearrange(UNPACK_LO, r5);
        FloatVector t5 = r4.rearrange(UNPACK_HI, r5);
        FloatVector t6 = r6.rearrange(UNPACK_LO, r7);
        FloatVector t7 = r6.rearrange(UNPACK_HI, r7);
        FloatVector u0 = t0.rearrange(PAIRS_LO, t2);                      // r00 r10 r20 r30 | r04 r14 r24 r34
        FloatVector u1 = t0.rearrange(PAIRS_HI, t2);                      // column 1 | column 5, rows 0-3
        FloatVector u2 = t1.rearrange(PAIRS_LO, t3);
        FloatVector u3 = t1.rearrange(PAIRS_HI, t3);
        FloatVector u4 = t4.rearrange(PAIRS_LO, t6);                      // rows 4-7
        FloatVector u5 = t4.rearrange(PAIRS_HI, t6);
        FloatVector u6 = t5.rearrange(PAIRS_LO, t7);
        FloatVector u7 = t5.rearrange(PAIRS_HI, t7);
        FloatVector c0 = u0.rearrange(HALVES_LO, u4);                     // column 0: r00 r10 ... r70
        FloatVector c1 = u1.rearrange(HALVES_LO, u5);
        FloatVector c2 = u2.rearrange(HALVES_LO, u6);
        FloatVector c3 = u3.rearrange(HALVES_LO, u7);
        FloatVector c4 = u0.rearrange(HALVES_HI, u4);
        FloatVector c5 = u1.rearrange(HALVES_HI, u5);
        FloatVector c6 = u2.rearrange(HALVES_HI, u6);
        FloatVector c7 = u3.rearrange(HALVES_HI, u7);
        if (add) {
            FloatVector a = FloatVector.broadcast(Kernels.F, addend);
            c0 = c0.add(a);
            c1 = c1.add(a);
            c2 = c2.add(a);
            c3 = c3.add(a);
            c4 = c4.add(a);
            c5 = c5.add(a);
            c6 = c6.add(a);
            c7 = c7.add(a);
        }
        c0.intoArray(dst, dOff);
        if (outRows > 1) c1.intoArray(dst, dOff + dStride);
        if (outRows > 2) c2.intoArray(dst, dOff + 2 * dStride);
        if (outRows > 3) c3.intoArray(dst, dOff + 3 * dStride);
        if (outRows > 4) c4.intoArray(dst, dOff + 4 * dStride);
        if (outRows > 5) c5.intoArray(dst, dOff + 5 * dStride);
        if (outRows > 6) c6.intoArray(dst, dOff + 6 * dStride);
        if (outRows > 7) c7.intoArray(dst, dOff + 7 * dStride);
    }

    private static final VectorSpecies<Float> Z = FloatVector.SPECIES_512;
    /** Z's exact vector class: the rows are stored through a cast to it (see {@link Kernels} on boxing). */
    private static final Class<? extends Vector<Float>> Z_TYPE = Z.vectorType();

    /**
     * The perfect shuffle's two halves, as lane indices into the pair (a, b) of 16-lane vectors: LO interleaves
     * a's lanes 0-7 with b's (a0 b0 a1 b1 ... a7 b7), HI their lanes 8-15.
     */
    private static final FloatVector SHUFFLE_LO = FloatVector.fromArray(Z, perfectShuffle(0), 0);
    private static final FloatVector SHUFFLE_HI = FloatVector.fromArray(Z, perfectShuffle(8), 0);

    private static float[] perfectShuffle(int from) {
        float[] lanes = new float[16];
        for (int i = 0; i < 8; i++) {
            lanes[2 * i] = from + i;                                      // lane from + i of the first vector
            lanes[2 * i + 1] = 16 + from + i;                             // the same lane of the second
        }
        return lanes;
    }

    /**
     * {@code dst[dOff + dAt[atOff + j] + r] = src[sOff + r·sStride + j] (+ addend[addOff + j])} for r, j < 16: a
     * 16×16 block transposed in 512-bit registers, each output row j stored at its own offset (pixels of
     * a padded image, or rows a stride apart), the optional addend (null: none) added to every input row first.
     *
     * <p>Sixteen rows are transposed by four rounds of the perfect shuffle: row pairs (i, i + 8) become rows
     * 2i and 2i + 1, interleaved (Stone 1971, "Parallel Processing with the Perfect Shuffle"); after log₂ 16
     * rounds row j holds column j. Each round is 16 two-vector selections (one {@code vpermt2ps} each on
     * AVX-512): 64 for 256 floats, against 96 for the four 8×8 blocks of {@link #transpose8}, which measured
     * 29 against 53 ns per 256 floats in L1 on Zen 4. Callers take it where {@link Kernels#NATIVE_512}, the 8×8
     * form elsewhere. Write-only to {@code dst}; takes and returns no vectors (see {@link #transpose8}).
     */
    public static void transpose16(float[] src, int sOff, int sStride, float[] dst, int dOff, int[] dAt, int atOff,
                                   float[] addend, int addOff) {
        FloatVector v0 = FloatVector.fromArray(Z, src, sOff);
        FloatVector v1 = FloatVector.fromArray(Z, src, sOff + sStride);
        FloatVector v2 = FloatVector.fromArray(Z, src, sOff + 2 * sStride);
        FloatVector v3 = FloatVector.fromArray(Z, src, sOff + 3 * sStride);
        FloatVector v4 = FloatVector.fromArray(Z, src, sOff + 4 * sStride);
        FloatVector v5 = FloatVector.fromArray(Z, src, sOff + 5 * sStride);
        FloatVector v6 = FloatVector.fromArray(Z, src, sOff + 6 * sStride);
        FloatVector v7 = FloatVector.fromArray(Z, src, sOff + 7 * sStride);
        FloatVector v8 = FloatVector.fromArray(Z, src, sOff + 8 * sStride);
        FloatVector v9 = FloatVector.fromArray(Z, src, sOff + 9 * sStride);
        FloatVector v10 = FloatVector.fromArray(Z, src, sOff + 10 * sStride);
        FloatVector v11 = FloatVector.fromArray(Z, src, sOff + 11 * sStride);
        FloatVector v12 = FloatVector.fromArray(Z, src, sOff + 12 * sStride);
        FloatVector v13 = FloatVector.fromArray(Z, src, sOff + 13 * sStride);
        FloatVector v14 = FloatVector.fromArray(Z, src, sOff + 14 * sStride);
        FloatVector v15 = FloatVector.fromArray(Z, src, sOff + 15 * sStride);
        if (addend != null) {
            FloatVector a = FloatVector.fromArray(Z, addend, addOff);
            v0 = v0.add(a);
            v1 = v1.add(a);
            v2 = v2.add(a);
            v3 = v3.add(a);
            v4 = v4.add(a);
            v5 = v5.add(a);
            v6 = v6.add(a);
            v7 = v7.add(a);
            v8 = v8.add(a);
            v9 = v9.add(a);
            v10 = v10.add(a);
            v11 = v11.add(a);
            v12 = v12.add(a);
            v13 = v13.add(a);
            v14 = v14.add(a);
            v15 = v15.add(a);
        }
        for (int round = 0; round < 4; round++) {                         // unrolled by C2 (constant trip count)
            FloatVector w0 = SHUFFLE_LO.selectFrom(v0, v8);
            FloatVector w1 = SHUFFLE_HI.selectFrom(v0, v8);
            FloatVector w2 = SHUFFLE_LO.selectFrom(v1, v9);
            FloatVector w3 = SHUFFLE_HI.selectFrom(v1, v9);
            FloatVector w4 = SHUFFLE_LO.selectFrom(v2, v10);
            FloatVector w5 = SHUFFLE_HI.selectFrom(v2, v10);
            FloatVector w6 = SHUFFLE_LO.selectFrom(v3, v11);
            FloatVector w7 = SHUFFLE_HI.selectFrom(v3, v11);
            FloatVector w8 = SHUFFLE_LO.selectFrom(v4, v12);
            FloatVector w9 = SHUFFLE_HI.selectFrom(v4, v12);
            FloatVector w10 = SHUFFLE_LO.selectFrom(v5, v13);
            FloatVector w11 = SHUFFLE_HI.selectFrom(v5, v13);
            FloatVector w12 = SHUFFLE_LO.selectFrom(v6, v14);
            FloatVector w13 = SHUFFLE_HI.selectFrom(v6, v14);
            FloatVector w14 = SHUFFLE_LO.selectFrom(v7, v15);
            FloatVector w15 = SHUFFLE_HI.selectFrom(v7, v15);
            v0 = w0;
            v1 = w1;
            v2 = w2;
            v3 = w3;
            v4 = w4;
            v5 = w5;
            v6 = w6;
            v7 = w7;
            v8 = w8;
            v9 = w9;
            v10 = w10;
            v11 = w11;
            v12 = w12;
            v13 = w13;
            v14 = w14;
            v15 = w15;
        }
        ((FloatVector) Z_TYPE.cast(v0)).intoArray(dst, dOff + dAt[atOff]);
        ((FloatVector) Z_TYPE.cast(v1)).intoArray(dst, dOff + dAt[atOff + 1]);
        ((FloatVector) Z_TYPE.cast(v2)).intoArray(dst, dOff + dAt[atOff + 2]);
        ((FloatVector) Z_TYPE.cast(v3)).intoArray(dst, dOff + dAt[atOff + 3]);
        ((FloatVector) Z_TYPE.cast(v4)).intoArray(dst, dOff + dAt[atOff + 4]);
        ((FloatVector) Z_TYPE.cast(v5)).intoArray(dst, dOff + dAt[atOff + 5]);
        ((FloatVector) Z_TYPE.cast(v6)).intoArray(dst, dOff + dAt[atOff + 6]);
        ((FloatVector) Z_TYPE.cast(v7)).intoArray(dst, dOff + dAt[atOff + 7]);
        ((FloatVector) Z_TYPE.cast(v8)).intoArray(dst, dOff + dAt[atOff + 8]);
        ((FloatVector) Z_TYPE.cast(v9)).intoArray(dst, dOff + dAt[atOff + 9]);
        ((FloatVector) Z_TYPE.cast(v10)).intoArray(dst, dOff + dAt[atOff + 10]);
        ((FloatVector) Z_TYPE.cast(v11)).intoArray(dst, dOff + dAt[atOff + 11]);
        ((FloatVector) Z_TYPE.cast(v12)).intoArray(dst, dOff + dAt[atOff + 12]);
        ((FloatVector) Z_TYPE.cast(v13)).intoArray(dst, dOff + dAt[atOff + 13]);
        ((FloatVector) Z_TYPE.cast(v14)).intoArray(dst, dOff + dAt[atOff + 14]);
        ((FloatVector) Z_TYPE.cast(v15)).intoArray(dst, dOff + dAt[atOff + 15]);
    }
}
