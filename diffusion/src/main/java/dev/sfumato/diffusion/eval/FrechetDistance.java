package dev.sfumato.diffusion.eval;

/**
 * The Fréchet distance between two Gaussians N(μ1, Σ1) and N(μ2, Σ2), the formula of FID
 * (Heusel et al. 2017, eq. 6; Dowson and Landau 1982):
 * <pre>
 *   d² = |μ1 − μ2|² + Tr(Σ1 + Σ2 − 2 (Σ1^½ Σ2 Σ1^½)^½)
 * </pre>
 *
 * <p>Computed with two symmetric eigendecompositions ({@link SymmetricEigen}) instead of the general
 * {@code scipy.linalg.sqrtm(Σ1 Σ2)} of the reference implementations: S = Σ1^½ = V √Λ Vᵀ, then
 * M = S Σ2 S is symmetric positive semi-definite and Tr(M^½) = Σ √λ_i(M). This equals Tr((Σ1 Σ2)^½) (the
 * two products share their eigenvalues), needs no complex arithmetic, and stays exact when Σ is
 * rank-deficient (fewer samples than feature dimensions), where {@code sqrtm} warns and pytorch-fid adds
 * εI.
 *
 * <p>Rounding makes eigenvalues that should be 0 come out as tiny negatives; they are clipped to 0 before
 * the square root. An input covariance with an eigenvalue below −1e-5·max(|λ|) is not positive
 * semi-definite at all and is an error. Everything is in double.
 */
public final class FrechetDistance {

    /** Relative size of a negative eigenvalue of Σ1 or Σ2 that is still taken for rounding. */
    static final double PSD_TOLERANCE = 1e-5;

    private FrechetDistance() {}

    /** d² between N(mu1, sigma1) and N(mu2, sigma2); the means have length D, the covariances are D×D. */
    public static double compute(double[] mu1, double[][] sigma1, double[] mu2, double[][] sigma2) {
        int dim = mu1.length;
        requireShape("mu2", mu2.length, dim);
        requireShape("sigma1", sigma1.length, dim);
        requireShape("sigma2", sigma2.length, dim);
        // 1. |μ1 − μ2|².
        double meanTerm = 0;
        for (int i = 0; i < dim; i++) {
            double diff = mu1[i] - mu2[i];
            meanTerm += diff * diff;
        }
        // 2. Tr(Σ1) + Tr(Σ2).
        double traces = 0;
        for (int i = 0; i < dim; i++) {
            traces += sigma1[i][i] + sigma2[i][i];
        }
        // 3. S = Σ1^½ by eigendecomposition, clipping rounding-level negative eigenvalues.
        SymmetricEigen e1 = SymmetricEigen.of(sigma1);
        requirePsd("sigma1", e1.eigenvalues());
        requirePsd("sigma2", SymmetricEigen.of(sigma2).eigenvalues());
        double[][] s = e1.apply(lambda -> Math.sqrt(Math.max(lambda, 0.0)));
        // 4. M = S Σ2 S, symmetrised against rounding, and Tr(M^½) = Σ √λ(M).
        double[][] m = symmetrise(multiply(multiply(s, sigma2), s));
        double traceSqrt = 0;
        for (double lambda : SymmetricEigen.of(m).eigenvalues()) {
            traceSqrt += Math.sqrt(Math.max(lambda, 0.0));
        }
        return meanTerm + traces - 2.0 * traceSqrt;
    }

    /** d² between the Gaussians fitted to two feature sets. */
    public static double compute(FeatureStats a, FeatureStats b) {
        return compute(a.mean(), a.covariance(), b.mean(), b.covariance());
    }

    private static void requireShape(String name, int actual, int dim) {
        if (actual != dim) {
            throw new IllegalArgumentException(name + " has " + actual + " rows but mu1 has dimension " + dim);
        }
    }

    private static void requirePsd(String name, double[] eigenvalues) {
        if (eigenvalues.length == 0) {
            return;
        }
        double min = eigenvalues[0];
        double scale = Math.max(Math.abs(min), Math.abs(eigenvalues[eigenvalues.length - 1]));
        if (min < -PSD_TOLERANCE * scale) {
            throw new IllegalArgumentException(name + " is not a covariance matrix: it has eigenvalue " + min
                    + " (largest magnitude " + scale + "); a covariance is positive semi-definite");
        }
    }

    static double[][] multiply(double[][] a, double[][] b) {
        int n = a.length;
        int k = b.length;
        int m = b[0].length;
        double[][] c = new double[n][m];
        for (int i = 0; i < n; i++) {
            if (a[i].length != k) {
                throw new IllegalArgumentException("row " + i + " has " + a[i].length + " entries, expected " + k);
            }
            for (int p = 0; p < k; p++) {
                double aip = a[i][p];
                for (int j = 0; j < m; j++) {
                    c[i][j] += aip * b[p][j];
                }
            }
        }
        return c;
    }

    private static double[][] symmetrise(double[][] a) {
        int n = a.length;
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < i; j++) {
                double mean = 0.5 * (a[i][j] + a[j][i]);
                a[i][j] = mean;
                a[j][i] = mean;
            }
        }
        return a;
    }
}
