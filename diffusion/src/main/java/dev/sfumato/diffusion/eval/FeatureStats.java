package dev.sfumato.diffusion.eval;

import dev.sfumato.tensor.Parallel;
import dev.sfumato.tensor.Tensor;

import java.util.Arrays;

/**
 * The running mean and covariance of feature vectors fed in batches [N, D], in double.
 *
 * <p>Each batch is centred on its own mean, its scatter matrix Σ (x − x̄)(x − x̄)ᵀ is computed, and the
 * batch is merged with the running totals by the pairwise update of Chan, Golub and LeVeque (1979):
 * <pre>
 *   n = nA + nB,  δ = x̄B − x̄A,  x̄ = x̄A + δ nB / n,  M2 = M2A + M2B + δ δᵀ nA nB / n
 * </pre>
 * Centring first keeps the result accurate when the mean is large against the spread (no E[x²] − E[x]²
 * cancellation). {@link #covariance()} is M2 / (n − 1), unbiased, as {@code numpy.cov(x, rowvar=False)}.
 * The scatter is computed in parallel over rows of the D×D matrix, each row by one task, so the result
 * does not depend on the thread count.
 */
public final class FeatureStats {

    private final int dim;
    private long count;
    private final double[] mean;
    private final double[][] m2; // Σ (x − x̄)(x − x̄)ᵀ over everything seen

    /** Empty statistics of D-dimensional features. */
    public FeatureStats(int dim) {
        if (dim < 1) {
            throw new IllegalArgumentException("feature dimension must be >= 1, got " + dim);
        }
        this.dim = dim;
        this.mean = new double[dim];
        this.m2 = new double[dim][dim];
    }

    /** Feature dimension D. */
    public int dim() {
        return dim;
    }

    /** Number of feature vectors seen. */
    public long count() {
        return count;
    }

    /** Adds a batch of features [N, D]. */
    public FeatureStats add(Tensor features) {
        if (features.dim() != 2 || features.size(1) != dim) {
            throw new IllegalArgumentException("features must be [N, " + dim + "], got "
                    + Arrays.toString(features.shape()));
        }
        int nb = features.size(0);
        if (nb == 0) {
            return this;
        }
        float[] x = features.toArray(); // [N, D]
        // 1. The batch mean and the centred batch, in double.
        double[] mb = new double[dim];
        for (int r = 0; r < nb; r++) {
            for (int j = 0; j < dim; j++) {
                mb[j] += x[r * dim + j];
            }
        }
        for (int j = 0; j < dim; j++) {
            mb[j] /= nb;
        }
        double[] centred = new double[dim * nb]; // [D, N]: transposed, so the scatter loop reads rows
        for (int r = 0; r < nb; r++) {
            for (int j = 0; j < dim; j++) {
                centred[j * nb + r] = x[r * dim + j] - mb[j];
            }
        }
        // 2. Merge (Chan et al. 1979): M2 += scatter(batch) + δ δᵀ nA nB / n, one task per row i.
        long na = count;
        double n = na + nb;
        double[] delta = new double[dim];
        for (int j = 0; j < dim; j++) {
            delta[j] = mb[j] - mean[j];
        }
        double weight = na * (double) nb / n;
        Parallel.forRange(dim, (from, to) -> {
            for (int i = from; i < to; i++) {
                double[] row = m2[i];
                for (int j = 0; j <= i; j++) {
                    double s = 0;
                    for (int r = 0; r < nb; r++) {
                        s += centred[i * nb + r] * centred[j * nb + r];
                    }
                    row[j] += s + delta[i] * delta[j] * weight;
                }
            }
        });
        for (int j = 0; j < dim; j++) {
            mean[j] += delta[j] * nb / n;
        }
        count += nb;
        return this;
    }

    /** The mean x̄ [D] (a copy). */
    public double[] mean() {
        return mean.clone();
    }

    /** The unbiased covariance [D, D], M2 / (n − 1), as {@code np.cov}; needs at least two vectors. */
    public double[][] covariance() {
        if (count < 2) {
            throw new IllegalStateException("a covariance needs at least 2 feature vectors, have " + count);
        }
        double[][] cov = new double[dim][dim];
        for (int i = 0; i < dim; i++) {
            for (int j = 0; j <= i; j++) {
                cov[i][j] = m2[i][j] / (count - 1);
                cov[j][i] = cov[i][j];
            }
        }
        return cov;
    }
}
