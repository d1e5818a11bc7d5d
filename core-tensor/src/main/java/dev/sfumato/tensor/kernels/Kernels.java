package dev.sfumato.tensor.kernels;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Global switches of the kernel layer.
 *
 * <p>Setting the system property {@code sfumato.kernels=reference} makes every kernel take its plain-loop
 * reference twin instead of the Vector API path, so anyone can check a result without SIMD (as llama3.java
 * does with its vector bit size). The choice is read once, at class initialisation.
 */
public final class Kernels {

    /** True when {@code -Dsfumato.kernels=reference} forces the reference paths everywhere. */
    public static final boolean REFERENCE_ONLY =
            "reference".equalsIgnoreCase(System.getProperty("sfumato.kernels", "vector"));

    /**
     * The species every vectorised kernel uses: the preferred float shape of this CPU, capped at 256 bits.
     * On AVX2 machines the 512-bit species is emulated and 10-100x slower; a static final constant lets C2
     * fold the lane count into the loops.
     */
    public static final VectorSpecies<Float> F =
            FloatVector.SPECIES_PREFERRED.vectorBitSize() > 256 ? FloatVector.SPECIES_256 : FloatVector.SPECIES_PREFERRED;

    /** Lanes of {@link #F}: 8 on AVX2. */
    public static final int LANES = F.length();

    /**
     * Four floats and four doubles: the lanes of the kernels that compute in double (group norm's sums and
     * maps). Fixed at 128/256 bits, the widest double vector of AVX2.
     */
    static final VectorSpecies<Float> F4 = FloatVector.SPECIES_128;
    static final VectorSpecies<Double> D4 = DoubleVector.SPECIES_256;

    private Kernels() {}

    /** Four floats at {@code x[i]} as four doubles (exact; {@code vcvtps2pd}). */
    static DoubleVector widen(float[] x, int i) {
        return (DoubleVector) FloatVector.fromArray(F4, x, i).convertShape(VectorOperators.F2D, D4, 0);
    }

    /** Four doubles rounded to four floats (to nearest, as a {@code (float)} cast). */
    static FloatVector narrow(DoubleVector v) {
        return (FloatVector) v.convertShape(VectorOperators.D2F, F4, 0);
    }
}
