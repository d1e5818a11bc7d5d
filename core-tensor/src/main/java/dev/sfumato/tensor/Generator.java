package dev.sfumato.tensor;

/**
 * A seeded, splittable, counter-based random number generator.
 *
 * <p>Each random tensor draws one 64-bit <em>stream key</em> from the generator; element {@code i} of the
 * tensor is then a pure function of {@code (key, i)} (the SplitMix64 finaliser of Steele, Lea and Flood
 * 2014, as used by {@link java.util.SplittableRandom}). Values therefore depend only on the seed, the
 * sequence of draws and the shape, never on how many threads fill the tensor.
 *
 * <p>Distributions: uniform floats in [0, 1) from the top 24 bits; normals by the Box–Muller transform on
 * pairs of 53-bit uniforms, computed in double.
 */
public final class Generator {

    static final long GOLDEN_GAMMA = 0x9E3779B97F4A7C15L;
    /** PyTorch's default seed, so that an unseeded program is still reproducible. */
    public static final long DEFAULT_SEED = 67280421310721L;

    private static final Generator GLOBAL = new Generator(DEFAULT_SEED);

    private long seed;
    private long counter;

    /** A generator whose draws depend only on {@code seed}. */
    public Generator(long seed) {
        this.seed = seed;
        this.counter = 0;
    }

    /** The process-wide default generator used when none is passed. */
    public static Generator global() {
        return GLOBAL;
    }

    /** Re-seeds the global generator, like {@code torch.manual_seed}. */
    public static void manualSeed(long seed) {
        GLOBAL.setState(new long[] {seed, 0});
    }

    /** Draws the key of a fresh stream. Each random tensor uses one. */
    public synchronized long nextStreamKey() {
        return mix64(seed + (++counter) * GOLDEN_GAMMA);
    }

    /** A new independent generator, seeded from this one's next stream key. */
    public Generator split() {
        return new Generator(nextStreamKey());
    }

    /** The state {@code [seed, counter]}, for checkpoints. */
    public synchronized long[] state() {
        return new long[] {seed, counter};
    }

    /** Restores a state returned by {@link #state()}. */
    public synchronized void setState(long[] state) {
        if (state == null || state.length != 2) {
            throw new IllegalArgumentException("Generator.setState: expected [seed, counter], got "
                    + (state == null ? "null" : state.length + " values"));
        }
        this.seed = state[0];
        this.counter = state[1];
    }

    /** 64 random bits for element {@code i} of stream {@code key}. */
    public static long bits(long key, long i) {
        return mix64(key + (i + 1) * GOLDEN_GAMMA);
    }

    /** Uniform float in [0, 1) for element {@code i} of stream {@code key}: 24 random bits. */
    public static float uniform(long key, long i) {
        return (bits(key, i) >>> 40) * 0x1.0p-24f;
    }

    /** Uniform double in [0, 1): 53 random bits. */
    public static double uniformDouble(long key, long i) {
        return (bits(key, i) >>> 11) * 0x1.0p-53;
    }

    /**
     * Standard normal for element {@code i} of stream {@code key}. Elements {@code 2j} and {@code 2j+1} are
     * the cosine and sine halves of one Box–Muller pair.
     */
    public static float normal(long key, long i) {
        long pair = i >>> 1;
        double u1 = ((bits(key, 2 * pair) >>> 11) + 1) * 0x1.0p-53; // (0, 1]: log is finite
        double u2 = (bits(key, 2 * pair + 1) >>> 11) * 0x1.0p-53;
        double r = Math.sqrt(-2.0 * Math.log(u1));
        double theta = 2.0 * Math.PI * u2;
        return (float) ((i & 1) == 0 ? r * Math.cos(theta) : r * Math.sin(theta));
    }

    /** The SplitMix64 / MurmurHash3 64-bit finaliser. */
    static long mix64(long z) {
        z = (z ^ (z >>> 30)) * MIX_1;
        z = (z ^ (z >>> 27)) * MIX_2;
        return z ^ (z >>> 31);
    }

    /** The multipliers of SplitMix64's finaliser (also used by {@link DropoutMask}'s vector form). */
    static final long MIX_1 = 0xBF58476D1CE4E5B9L;
    static final long MIX_2 = 0x94D049BB133111EBL;
}
