package dev.sfumato.diffusion.schedule;

import dev.sfumato.tensor.Tensor;

import java.util.Arrays;

/**
 * The variance schedule β_t of a diffusion model and the tables derived from it, all in double.
 *
 * <p>The math (Ho et al. 2020, eq. 4, 6, 7): α_t = 1 − β_t, ᾱ_t = Π_{s≤t} α_s, q(x_t | x_0) =
 * N(√ᾱ_t x_0, (1 − ᾱ_t) I), and the posterior q(x_{t−1} | x_t, x_0) = N(μ̃_t, β̃_t I) with
 * μ̃_t = coef1 · x_0 + coef2 · x_t and β̃_t = β_t (1 − ᾱ_{t−1}) / (1 − ᾱ_t).
 *
 * <p>Shapes and indexing: every table has length T and is indexed by the 0-based timestep t = 0..T−1 (the
 * paper's step t+1), exactly as the reference code indexes its numpy arrays; ᾱ_{−1} = 1. Accessors return
 * copies. Each table is computed with the same operations in the same order as {@code improved-diffusion}'s
 * {@code GaussianDiffusion.__init__} (which repeats the original {@code diffusion_utils_2.py}), so the
 * values agree with numpy to the last bit or two.
 *
 * <p>Factories: {@link #linear(int)} (β from 1e-4 to 0.02, Ho et al. 2020 §4), {@link #cosine(int)}
 * (Nichol &amp; Dhariwal 2021, eq. 17, s = 0.008, β ≤ 0.999), and {@link #fromBetas(double[])}.
 */
public final class NoiseSchedule {

    /** Ho et al. 2020, §4: β_1 = 1e-4 rising linearly to β_T = 0.02 (for T = 1000). */
    public static final double LINEAR_BETA_START = 1e-4;
    public static final double LINEAR_BETA_END = 0.02;
    /** Nichol &amp; Dhariwal 2021, §3.2: the offset s that keeps β_0 from being tiny. */
    public static final double COSINE_S = 0.008;
    /** Nichol &amp; Dhariwal 2021, §3.2: β is clipped here to avoid a singularity at t = T. */
    public static final double COSINE_MAX_BETA = 0.999;

    private final int numTimesteps;
    private final double[] betas;
    private final double[] alphas;
    private final double[] alphaBar;
    private final double[] alphaBarPrev;
    private final double[] sqrtAlphaBar;
    private final double[] sqrtOneMinusAlphaBar;
    private final double[] logOneMinusAlphaBar;
    private final double[] sqrtRecipAlphaBar;
    private final double[] sqrtRecipM1AlphaBar;
    private final double[] posteriorVariance;
    private final double[] posteriorLogVarianceClipped;
    private final double[] posteriorMeanCoef1;
    private final double[] posteriorMeanCoef2;

    private NoiseSchedule(double[] betas) {
        int n = betas.length;
        this.numTimesteps = n;
        this.betas = betas;
        this.alphas = new double[n];
        this.alphaBar = new double[n];
        this.alphaBarPrev = new double[n];
        this.sqrtAlphaBar = new double[n];
        this.sqrtOneMinusAlphaBar = new double[n];
        this.logOneMinusAlphaBar = new double[n];
        this.sqrtRecipAlphaBar = new double[n];
        this.sqrtRecipM1AlphaBar = new double[n];
        this.posteriorVariance = new double[n];
        this.posteriorLogVarianceClipped = new double[n];
        this.posteriorMeanCoef1 = new double[n];
        this.posteriorMeanCoef2 = new double[n];

        double product = 1.0; // ᾱ_{−1} = 1: the empty product
        for (int t = 0; t < n; t++) {
            alphas[t] = 1.0 - betas[t];
            alphaBarPrev[t] = product;
            product *= alphas[t]; // the same left-to-right order as np.cumprod
            alphaBar[t] = product;

            // Ho et al. 2020, eq. 4: q(x_t | x_0) = N(√ᾱ_t x_0, (1 − ᾱ_t) I).
            sqrtAlphaBar[t] = Math.sqrt(alphaBar[t]);
            sqrtOneMinusAlphaBar[t] = Math.sqrt(1.0 - alphaBar[t]);
            logOneMinusAlphaBar[t] = Math.log(1.0 - alphaBar[t]);
            // x_0 = x_t / √ᾱ_t − √(1/ᾱ_t − 1) ε, the inverse of eq. 4 used by predictX0FromEps.
            sqrtRecipAlphaBar[t] = Math.sqrt(1.0 / alphaBar[t]);
            sqrtRecipM1AlphaBar[t] = Math.sqrt(1.0 / alphaBar[t] - 1.0);

            // Ho et al. 2020, eq. 7: β̃_t = β_t (1 − ᾱ_{t−1}) / (1 − ᾱ_t); zero at t = 0.
            posteriorVariance[t] = betas[t] * (1.0 - alphaBarPrev[t]) / (1.0 - alphaBar[t]);
            // Ho et al. 2020, eq. 7: μ̃_t = β_t √ᾱ_{t−1} / (1 − ᾱ_t) x_0 + (1 − ᾱ_{t−1}) √α_t / (1 − ᾱ_t) x_t.
            posteriorMeanCoef1[t] = betas[t] * Math.sqrt(alphaBarPrev[t]) / (1.0 - alphaBar[t]);
            posteriorMeanCoef2[t] = (1.0 - alphaBarPrev[t]) * Math.sqrt(alphas[t]) / (1.0 - alphaBar[t]);
        }
        // β̃_0 = 0, so its log is clipped to log β̃_1, as the original code does:
        // np.log(np.append(posterior_variance[1], posterior_variance[1:])). With T = 1 there is no β̃_1
        // and the entry stays log 0 = −∞; samplers never add noise at t = 0, so it is never used there.
        for (int t = 0; t < n; t++) {
            posteriorLogVarianceClipped[t] = Math.log(posteriorVariance[t == 0 ? Math.min(1, n - 1) : t]);
        }
    }

    // ---------------------------------------------------------------------------------------------
    // Factories
    // ---------------------------------------------------------------------------------------------

    /** The linear schedule of Ho et al. 2020, §4: β from 1e-4 to 0.02 over T steps. */
    public static NoiseSchedule linear(int numTimesteps) {
        return linear(numTimesteps, LINEAR_BETA_START, LINEAR_BETA_END);
    }

    /**
     * β evenly spaced from {@code betaStart} to {@code betaEnd} inclusive, computed as
     * {@code np.linspace(betaStart, betaEnd, T, dtype=np.float64)} does (the original
     * {@code get_beta_schedule('linear')}): β_t = betaStart + t · step, with the last entry exactly betaEnd.
     */
    public static NoiseSchedule linear(int numTimesteps, double betaStart, double betaEnd) {
        checkTimesteps("linear", numTimesteps);
        double[] betas = new double[numTimesteps];
        double step = numTimesteps > 1 ? (betaEnd - betaStart) / (numTimesteps - 1) : 0.0;
        for (int t = 0; t < numTimesteps; t++) {
            betas[t] = t * step + betaStart;
        }
        if (numTimesteps > 1) {
            betas[numTimesteps - 1] = betaEnd;
        }
        return fromBetas("linear", betas);
    }

    /**
     * The cosine schedule of Nichol &amp; Dhariwal 2021, eq. 17: ᾱ(t) = f(t)/f(0) with
     * f(t) = cos²((t/T + s)/(1 + s) · π/2), s = 0.008, and β_t = min(1 − ᾱ(t+1)/ᾱ(t), 0.999), computed as
     * {@code improved-diffusion}'s {@code betas_for_alpha_bar} does (the f(0) cancels in the ratio).
     */
    public static NoiseSchedule cosine(int numTimesteps) {
        checkTimesteps("cosine", numTimesteps);
        double[] betas = new double[numTimesteps];
        for (int i = 0; i < numTimesteps; i++) {
            double t1 = (double) i / numTimesteps;
            double t2 = (double) (i + 1) / numTimesteps;
            betas[i] = Math.min(1.0 - cosineAlphaBar(t2) / cosineAlphaBar(t1), COSINE_MAX_BETA);
        }
        return fromBetas("cosine", betas);
    }

    /** Nichol &amp; Dhariwal 2021, eq. 17, without the division by f(0): f(t) = cos²((t + s)/(1 + s) · π/2). */
    private static double cosineAlphaBar(double t) {
        double c = Math.cos((t + COSINE_S) / (1.0 + COSINE_S) * Math.PI / 2.0);
        return c * c;
    }

    /** A schedule with the given β_0..β_{T−1} (copied); each must lie in (0, 1). */
    public static NoiseSchedule fromBetas(double[] betas) {
        return fromBetas("fromBetas", betas.clone());
    }

    private static NoiseSchedule fromBetas(String op, double[] betas) {
        checkTimesteps(op, betas.length);
        for (int t = 0; t < betas.length; t++) {
            if (!(betas[t] > 0.0 && betas[t] < 1.0)) {
                throw new IllegalArgumentException(op + ": beta[" + t + "] = " + betas[t] + " is not in (0, 1)");
            }
        }
        return new NoiseSchedule(betas);
    }

    private static void checkTimesteps(String op, int numTimesteps) {
        if (numTimesteps < 1) {
            throw new IllegalArgumentException(op + ": the number of timesteps T must be >= 1, got " + numTimesteps);
        }
    }

    // ---------------------------------------------------------------------------------------------
    // Tables (copies) and single entries
    // ---------------------------------------------------------------------------------------------

    /** T, the number of diffusion steps. */
    public int numTimesteps() { return numTimesteps; }

    /** β_t. */
    public double[] betas() { return betas.clone(); }
    /** α_t = 1 − β_t. */
    public double[] alphas() { return alphas.clone(); }
    /** ᾱ_t = Π_{s≤t} α_s. */
    public double[] alphaBar() { return alphaBar.clone(); }
    /** ᾱ_{t−1}, with ᾱ_{−1} = 1. */
    public double[] alphaBarPrev() { return alphaBarPrev.clone(); }
    /** √ᾱ_t. */
    public double[] sqrtAlphaBar() { return sqrtAlphaBar.clone(); }
    /** √(1 − ᾱ_t). */
    public double[] sqrtOneMinusAlphaBar() { return sqrtOneMinusAlphaBar.clone(); }
    /** log(1 − ᾱ_t). */
    public double[] logOneMinusAlphaBar() { return logOneMinusAlphaBar.clone(); }
    /** √(1/ᾱ_t). */
    public double[] sqrtRecipAlphaBar() { return sqrtRecipAlphaBar.clone(); }
    /** √(1/ᾱ_t − 1). */
    public double[] sqrtRecipM1AlphaBar() { return sqrtRecipM1AlphaBar.clone(); }
    /** β̃_t = β_t (1 − ᾱ_{t−1}) / (1 − ᾱ_t) (Ho et al. 2020, eq. 7); β̃_0 = 0. */
    public double[] posteriorVariance() { return posteriorVariance.clone(); }
    /** log β̃_t with β̃_0 replaced by β̃_1. */
    public double[] posteriorLogVarianceClipped() { return posteriorLogVarianceClipped.clone(); }
    /** β_t √ᾱ_{t−1} / (1 − ᾱ_t), the weight of x_0 in μ̃_t. */
    public double[] posteriorMeanCoef1() { return posteriorMeanCoef1.clone(); }
    /** (1 − ᾱ_{t−1}) √α_t / (1 − ᾱ_t), the weight of x_t in μ̃_t. */
    public double[] posteriorMeanCoef2() { return posteriorMeanCoef2.clone(); }

    /** β_t at one timestep. */
    public double beta(int t) { return betas[checkT("beta", t)]; }

    /** ᾱ_t at one timestep; ᾱ_{−1} = 1 for t = −1, the step after the last one of a sampler. */
    public double alphaBar(int t) {
        return t == -1 ? 1.0 : alphaBar[checkT("alphaBar", t)];
    }

    private int checkT(String op, int t) {
        if (t < 0 || t >= numTimesteps) {
            throw new IndexOutOfBoundsException(op + ": timestep " + t + " is out of range [0, " + numTimesteps + ")");
        }
        return t;
    }

    // ---------------------------------------------------------------------------------------------
    // Gathering a table at a batch of timesteps
    // ---------------------------------------------------------------------------------------------

    /**
     * {@code table[t_i]} for each sample, shaped {@code [N, 1, ..., 1]} (rank {@code rank}) so it broadcasts
     * against a batch {@code [N, C, H, W]}; like {@code _extract_into_tensor} in {@code improved-diffusion}.
     * The double entry is rounded to float once, here.
     *
     * @param table a schedule table of length T
     * @param t     {@code [N]} timesteps, integers held as floats
     * @param rank  the rank of the batch it will multiply (≥ 1)
     */
    public static Tensor extract(double[] table, Tensor t, int rank) {
        if (t.dim() != 1) {
            throw new IllegalArgumentException("extract: timesteps must be 1-D [N], got shape "
                    + Arrays.toString(t.shape()));
        }
        if (rank < 1) {
            throw new IllegalArgumentException("extract: rank must be >= 1, got " + rank);
        }
        int[] steps = timestepIndices("extract", t, table.length);
        float[] out = new float[steps.length];
        for (int i = 0; i < steps.length; i++) {
            out[i] = (float) table[steps[i]];
        }
        int[] shape = new int[rank];
        Arrays.fill(shape, 1);
        shape[0] = steps.length;
        return Tensor.wrap(out, shape); // [N, 1, ..., 1]
    }

    /** The integer timesteps held by a float tensor {@code [N]}, checked to be whole and in [0, T). */
    public static int[] timestepIndices(String op, Tensor t, int numTimesteps) {
        float[] values = t.toArray();
        int[] steps = new int[values.length];
        for (int i = 0; i < values.length; i++) {
            float v = values[i];
            if (v != Math.rint(v) || v < 0 || v >= numTimesteps) {
                throw new IllegalArgumentException(op + ": timestep t[" + i + "] = " + v
                        + " is not an integer in [0, " + numTimesteps + ")");
            }
            steps[i] = (int) v;
        }
        return steps;
    }
}
