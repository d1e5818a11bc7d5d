package dev.sfumato.tensor;

import dev.sfumato.tensor.kernels.Kernels;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.LongVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Dropout's scaled mask applied to a run of floats, {@code d[i] = x[i]·(keep_i·scale)}, where element i is kept when
 * its 24-bit uniform {@code Generator.bits(key, i) >>> 40} is at least {@code least} (= ⌈p·2^24⌉): the mask is a
 * function of the stream key and the index, so forward and backward draw the same one without storing it.
 *
 * <p>{@link #scalar} is the specification and the twin. {@link #vector} computes the same SplitMix64 hashes
 * (Steele, Lea and Flood, "Fast splittable pseudorandom number generators", OOPSLA 2014) eight at a time in
 * 64-bit lanes and turns them into a float mask of eight lanes: the same bits, since each element's hash, test
 * and product are those of the scalar loop. It is taken only where 512-bit long vectors are native (AVX-512,
 * whose {@code vpmullq} multiplies 64-bit lanes): on AVX2 there is no 64-bit multiply, C2 emulates it, and a
 * four-lane form measured only 1.6× the scalar loop (session 11's log).
 */
final class DropoutMask {

    private DropoutMask() {}

    private static final VectorSpecies<Long> L8 = LongVector.SPECIES_512;
    private static final VectorSpecies<Float> F8 = FloatVector.SPECIES_256;
    /** Whether {@link #apply} takes the vector form: eight 64-bit lanes in hardware, and no forced reference path. */
    static final boolean VECTORS = !Kernels.REFERENCE_ONLY && LongVector.SPECIES_PREFERRED.length() >= 8;

    /**
     * The least 24-bit draw n = {@code bits >>> 40} that keeps an element: {@code uniform(key, i) >= p} is n·2^-24
     * >= p, that is n >= ⌈p·2^24⌉ exactly (p as a float, as the uniform draws compare; p·2^24 is exact in double).
     */
    static long least(double p) {
        return (long) Math.ceil((double) (float) p * 0x1p24);
    }

    /** The kept elements' factor 1/(1 − p), as a float. */
    static float scale(double p) {
        return (float) (1 / (1 - p));
    }

    /**
     * 1 when element i of stream {@code key} is kept, else 0, without a branch: at p = 0.1 a branch mispredicted
     * on about every tenth element had taken half the time.
     */
    static long keep(long key, long i, long least) {
        return (least - 1 - (Generator.bits(key, i) >>> 40)) >>> 63;
    }

    /** {@code d[i] = x[xo + i]·(keep_i·scale)} for i in [from, to). */
    static void apply(float[] x, int xo, float[] d, int from, int to, long key, long least, float scale) {
        if (VECTORS) {
            vector(x, xo, d, from, to, key, least, scale);
        } else {
            scalar(x, xo, d, from, to, key, least, scale);
        }
    }

    /** The specification: one element at a time, the keep test without a branch. */
    static void scalar(float[] x, int xo, float[] d, int from, int to, long key, long least, float scale) {
        for (int i = from; i < to; i++) {
            d[i] = x[xo + i] * (keep(key, i, least) * scale);
        }
    }

    /**
     * Eight elements per step: z = key + (i + 1)·γ for the eight indices, SplitMix64's finaliser, the keep test on
     * the top 24 bits as a 0/1 long, converted exactly to a float and scaled. The tail takes the scalar loop.
     */
    static void vector(float[] x, int xo, float[] d, int from, int to, long key, long least, float scale) {
        LongVector lane = LongVector.zero(L8).addIndex(1);                            // 0, 1, ..., 7
        LongVector gamma = LongVector.broadcast(L8, Generator.GOLDEN_GAMMA);
        LongVector dropMax = LongVector.broadcast(L8, least - 1);                    // the largest draw dropped
        int i = from;
        for (; i <= to - 8; i += 8) {
            LongVector z = lane.add(i + 1L).mul(gamma).add(key);                        // key + (i + 1)·γ
            z = z.lanewise(VectorOperators.XOR, z.lanewise(VectorOperators.LSHR, 30)).mul(Generator.MIX_1);
            z = z.lanewise(VectorOperators.XOR, z.lanewise(VectorOperators.LSHR, 27)).mul(Generator.MIX_2);
            z = z.lanewise(VectorOperators.XOR, z.lanewise(VectorOperators.LSHR, 31));
            LongVector keep = dropMax.sub(z.lanewise(VectorOperators.LSHR, 40))
                    .lanewise(VectorOperators.LSHR, 63);                               // 1 when kept, else 0
            FloatVector mask = (FloatVector) keep.convertShape(VectorOperators.L2F, F8, 0);
            FloatVector.fromArray(F8, x, xo + i).mul(mask.mul(scale)).intoArray(d, i);
        }
        scalar(x, xo, d, i, to, key, least, scale);
    }
}
