package dev.sfumato.diffusion.sampler;

/**
 * Which S of the T training timesteps a few-step sampler visits, as diffusers and the original DDIM code
 * choose them. Each returns S timesteps in descending order, computed with the same double arithmetic and
 * rounding (numpy's round-half-to-even) as the numpy expressions quoted below, so the lists agree exactly.
 */
public enum TimestepSpacing {

    /** diffusers {@code "linspace"}: {@code np.linspace(0, T-1, S).round()[::-1]}. Ends at t = 0. */
    LINSPACE,
    /**
     * diffusers {@code "leading"} with {@code steps_offset=0}: {@code np.arange(0, S) * (T // S)} reversed.
     * Equal gaps of T // S, ending at t = 0. When S divides T this is also the original DDIM code's
     * {@code "uniform"} skip ({@code range(0, T, T // S)}), which otherwise gives more than S steps.
     */
    LEADING,
    /**
     * diffusers {@code "trailing"}: {@code np.round(np.arange(T, 0, -T / S)) - 1}, first S entries. Starts
     * at t = T−1, the one spacing whose first step sees pure noise for every S. (diffusers keeps a spurious
     * (S+1)-th entry, t = −1, for some pairs such as T = 1000, S = 61; Sfumato does not.)
     */
    TRAILING,
    /**
     * The original DDIM code's {@code "quad"} skip: {@code (np.linspace(0, sqrt(0.8 T), S) ** 2).astype(int)}
     * reversed. Dense at low noise. Like the original, it keeps repeated timesteps (several 0s when S is a
     * sizeable fraction of sqrt(0.8 T)); a DDIM step from t to the same t leaves x_t unchanged.
     */
    QUAD;

    /**
     * The S timesteps for T training steps, descending.
     *
     * @throws IllegalArgumentException unless 1 ≤ S ≤ T
     */
    public int[] timesteps(int numTrainTimesteps, int numSteps) {
        if (numTrainTimesteps < 1 || numSteps < 1 || numSteps > numTrainTimesteps) {
            throw new IllegalArgumentException("timesteps: need 1 <= S <= T, got T = " + numTrainTimesteps
                    + ", S = " + numSteps);
        }
        int n = numTrainTimesteps;
        int s = numSteps;
        int[] ascending = new int[s];
        switch (this) {
            case LINSPACE -> {
                double[] points = linspace(0, n - 1, s);
                for (int i = 0; i < s; i++) {
                    ascending[i] = (int) Math.rint(points[i]); // np.round: half to even
                }
            }
            case LEADING -> {
                for (int i = 0; i < s; i++) {
                    ascending[i] = i * (n / s);
                }
            }
            case TRAILING -> {
                // np.arange(T, 0, -T / S) has ceil(-T / step) entries start + i * delta, where numpy's fill
                // uses delta = (start + step) - start rather than step itself.
                // For some (T, S), e.g. (1000, 61), rounding gives np.arange one more entry, close to 0, which
                // diffusers turns into t = −1; only the first S are kept.
                double step = -((double) n / s);
                double delta = (n + step) - n;
                for (int i = 0; i < s; i++) {
                    double value = i == 0 ? n : n + i * delta;
                    ascending[s - 1 - i] = (int) Math.rint(value) - 1;
                }
            }
            case QUAD -> {
                double[] points = linspace(0, Math.sqrt(n * 0.8), s);
                for (int i = 0; i < s; i++) {
                    ascending[i] = (int) (points[i] * points[i]); // ** 2, then astype(int) truncates
                }
            }
        }
        int[] descending = new int[s];
        for (int i = 0; i < s; i++) {
            descending[i] = ascending[s - 1 - i];
        }
        return descending;
    }

    /** {@code np.linspace(start, stop, num)} in double: start + i · step, with the last entry exactly stop. */
    private static double[] linspace(double start, double stop, int num) {
        double[] y = new double[num];
        double step = num > 1 ? (stop - start) / (num - 1) : 0.0;
        for (int i = 0; i < num; i++) {
            y[i] = i * step + start;
        }
        if (num > 1) {
            y[num - 1] = stop;
        }
        return y;
    }
}
