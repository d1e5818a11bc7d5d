package dev.sfumato.tensor.kernels;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * Global switches of the kernel layer.
 *
 * <p>Setting the system property {@code sfumato.kernels=reference} makes every kernel take its plain-loop
 * reference twin instead of the Vector API path, so anyone can check a result without SIMD (as llama3.java
 * does with its vector bit size). The choice is read once, at class initialisation.
 *
 * <p>Two ways C2 ends up allocating a vector object per operation (boxing), each of which made a kernel many times
 * slower here, and what the kernels do about them: a vector passed to or returned from a method that was not
 * inlined (see {@link #F4}); and an accumulator, a loop phi of vectors, stored with {@code intoArray} when C2 knows
 * its class only as {@code FloatVector}: {@code intoArray} then dispatches on a receiver profile that every caller
 * in the process shares, which kernels of other widths fill, and a kernel compiled after that keeps a real path
 * for the other classes and boxes its accumulators. The convolution micro-kernels ({@code ChannelsLast}, Winograd's
 * tiles, the one-row product) and {@link Transpose#transpose16} store through a cast to the species' exact class,
 * {@code ((FloatVector) S.vectorType().cast(acc)).intoArray(...)}, free where C2 knows the class already (session
 * 19: 10× the time for the channels-last kernels, depending on which convolution ran first in the JVM). The GEMM's
 * micro-kernels have not been seen to box (run after the convolutions, the same speed) and store as before.
 *
 * <p>A third way a kernel loses speed, without boxing: general-register pressure in its inner loop. x86-64 has 16
 * general registers, a few of them C2's own (the thread, the stack); array bases, row offsets, indices and the
 * loop's bounds share the rest. A kernel that walked K in a loop over segments around a loop over the run kept the
 * outer loop's values live, and C2 parked B's base in a vector register and moved it back every step (6-10% below
 * the same kernel with one loop over K and a table of A offsets; session 20, {@code ChannelsLast.Runs.offsets}).
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
     * Whether this CPU runs 512-bit vectors natively (AVX-512). The kernels that use 512-bit species (the GEMM's
     * 6-row tile, the convolutions' channels-last tiles, {@link Transpose#transpose16}) take them only then;
     * elsewhere the Vector API emulates them, 10-100x slower, and those kernels keep their 256-bit forms.
     */
    public static final boolean NATIVE_512 = FloatVector.SPECIES_PREFERRED.vectorBitSize() >= 512;

    /**
     * Four floats and four doubles: the lanes of the kernels that compute in double (group norm's sums and
     * maps). Fixed at 128/256 bits, the widest double vector of AVX2. Those kernels write the conversion
     * ({@code convertShape(F2D, D4, 0)}, exact, and {@code convertShape(D2F, F4, 0)}, one rounding) inside
     * their loops rather than call a helper that takes or returns a vector: when a compilation outgrows C2's
     * inlining budget (NodeCountInliningCutoff), C2 stops inlining our methods, and a vector that crosses a
     * call that was not inlined is boxed, which turned every four floats into an allocation (a training step
     * allocated 2.7 GB instead of 1.6 GB in one 2-thread run).
     */
    static final VectorSpecies<Float> F4 = FloatVector.SPECIES_128;
    static final VectorSpecies<Double> D4 = DoubleVector.SPECIES_256;

    private Kernels() {}
}
