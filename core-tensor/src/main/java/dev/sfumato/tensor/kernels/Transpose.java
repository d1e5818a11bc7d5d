package dev.sfumato.tensor.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorShuffle;

/**
 * The 8×8 transpose in vector registers, for kernels that change a layout: the GEMM's packing of a transposed B,
 * and the convolutions' interleaving of eight samples into the vector lanes ({@code dev.sfumato.nn.kernels.Interleave}).
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
}
