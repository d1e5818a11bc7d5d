package dev.sfumato.diffusion.eval;

import dev.sfumato.tensor.Generator;
import dev.sfumato.tensor.Parallel;
import dev.sfumato.tensor.Tensor;
import dev.sfumato.tensor.testing.Golden;
import org.junit.jupiter.api.Test;

import static dev.sfumato.diffusion.eval.SymmetricEigenTest.matrix;
import static dev.sfumato.diffusion.eval.SymmetricEigenTest.vector;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Against the numpy reference of gen_golden_fid.py (eigh-based; scipy was not installed, see the script),
 * which the script cross-checks against the general eigvals(Σ1 Σ2) route for the full-rank cases.
 */
class FrechetDistanceTest {

    private static final Golden GOLDEN = Golden.load("/golden/fid.txt");

    @Test
    void matchesNumpyIncludingRankDeficientCovariances() {
        for (String c : new String[] {"full4", "full10", "rankdef", "lowrank"}) {
            double d2 = FrechetDistance.compute(
                    vector(GOLDEN.get("frechet." + c + ".mu1")), matrix(GOLDEN.get("frechet." + c + ".sigma1")),
                    vector(GOLDEN.get("frechet." + c + ".mu2")), matrix(GOLDEN.get("frechet." + c + ".sigma2")));
            double expected = GOLDEN.get("frechet." + c + ".d2").item();
            assertEquals(expected, d2, 1e-6 * expected, c);
        }
    }

    @Test
    void distanceOfAGaussianToItselfIsZero() {
        double[] mu = vector(GOLDEN.get("frechet.same.mu1"));
        double[][] sigma = matrix(GOLDEN.get("frechet.same.sigma1"));
        double trace = 0;
        for (int i = 0; i < mu.length; i++) {
            trace += sigma[i][i];
        }
        assertEquals(0.0, FrechetDistance.compute(mu, sigma, mu, sigma), 1e-12 * trace);
    }

    @Test
    void oneDimensionalClosedForm() {
        // d² = (m1 − m2)² + (s1 − s2)² for variances s1², s2².
        double d2 = FrechetDistance.compute(new double[] {1}, new double[][] {{4}}, new double[] {-2},
                new double[][] {{9}});
        assertEquals(9 + 1, d2, 1e-12);
    }

    @Test
    void featureSetWithItselfIsZero() {
        FeatureStats stats = new FeatureStats(12).add(Tensor.randn(new Generator(3), 300, 12));
        assertEquals(0.0, FrechetDistance.compute(stats, stats), 1e-10);
    }

    @Test
    void rejectsANonCovariance() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> FrechetDistance.compute(
                new double[2], new double[][] {{1, 0}, {0, -1}}, new double[2], new double[][] {{1, 0}, {0, 1}}));
        assertTrue(e.getMessage().startsWith("sigma1 is not a covariance matrix"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> FrechetDistance.compute(
                new double[2], new double[2][2], new double[3], new double[2][2]));
    }

    @Test
    void featureStatsDoNotDependOnTheThreadCount() {
        Tensor x = Tensor.randn(new Generator(9), 70, 33);
        int before = Parallel.threads();
        try {
            Parallel.setThreads(1);
            double[][] one = new FeatureStats(33).add(x).covariance();
            Parallel.setThreads(2);
            double[][] two = new FeatureStats(33).add(x).covariance();
            for (int i = 0; i < 33; i++) {
                assertArrayEquals(one[i], two[i], "row " + i);
            }
        } finally {
            Parallel.setThreads(before);
        }
    }

    @Test
    void featureStatsMatchNumpyCovInBatches() {
        Tensor x = GOLDEN.get("stats.x"); // [50, 7], mean 1000, spread 0.01
        double[] meanMinus1000 = vector(GOLDEN.get("stats.mean_minus_1000"));
        double[][] cov = matrix(GOLDEN.get("stats.cov"));
        for (int batch : new int[] {50, 16, 1}) {
            FeatureStats stats = new FeatureStats(7);
            for (int start = 0; start < 50; start += batch) {
                stats.add(x.narrow(0, start, Math.min(batch, 50 - start)));
            }
            assertEquals(50, stats.count());
            double[] mean = stats.mean();
            for (int j = 0; j < 7; j++) {
                assertEquals(meanMinus1000[j], mean[j] - 1000.0, 1e-9, "mean, batches of " + batch);
            }
            double[][] got = stats.covariance();
            for (int i = 0; i < 7; i++) {
                for (int j = 0; j < 7; j++) {
                    assertEquals(cov[i][j], got[i][j], 1e-6 * Math.abs(cov[i][i]), "cov, batches of " + batch);
                    assertEquals(got[i][j], got[j][i], "symmetric");
                }
            }
        }
    }
}
