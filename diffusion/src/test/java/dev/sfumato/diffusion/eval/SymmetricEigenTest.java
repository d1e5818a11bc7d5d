package dev.sfumato.diffusion.eval;

import dev.sfumato.tensor.Tensor;
import dev.sfumato.tensor.testing.Golden;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** Against numpy.linalg.eigh (golden/fid.txt from gen_golden_fid.py). */
class SymmetricEigenTest {

    private static final Golden GOLDEN = Golden.load("/golden/fid.txt");

    /** A square golden tensor as double[][]. */
    static double[][] matrix(Tensor t) {
        int n = t.size(0);
        int m = t.dim() == 2 ? t.size(1) : 1;
        float[] v = t.toArray();
        double[][] a = new double[n][m];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < m; j++) {
                a[i][j] = v[i * m + j];
            }
        }
        return a;
    }

    static double[] vector(Tensor t) {
        float[] v = t.toArray();
        double[] d = new double[v.length];
        for (int i = 0; i < v.length; i++) {
            d[i] = v[i];
        }
        return d;
    }

    @Test
    void matchesNumpyEighUpToSignAndRebuildsA() {
        for (String c : new String[] {"n1", "n2", "n3", "n5", "n8", "n16", "cov6"}) {
            double[][] a = matrix(GOLDEN.get("eigh." + c + ".a"));
            double[] expectedValues = vector(GOLDEN.get("eigh." + c + ".values"));
            double[][] expectedVectors = matrix(GOLDEN.get("eigh." + c + ".vectors"));
            int n = a.length;
            double scale = Math.max(Math.abs(expectedValues[0]), Math.abs(expectedValues[n - 1]));

            SymmetricEigen eig = SymmetricEigen.of(a);
            double[] values = eig.eigenvalues();
            double[][] v = eig.eigenvectors();
            for (int k = 0; k < n; k++) {
                assertEquals(expectedValues[k], values[k], 1e-6 * scale, c + " eigenvalue " + k);
                for (int i = 0; i < n; i++) {
                    assertEquals(Math.abs(expectedVectors[i][k]), Math.abs(v[i][k]), 2e-5,
                            c + " |V[" + i + "][" + k + "]|");
                }
            }
            // V is orthonormal and V Λ Vᵀ = A, to double precision (a was read exactly).
            double[][] vtv = FrechetDistance.multiply(transpose(v), v);
            double[][] rebuilt = eig.apply(lambda -> lambda);
            for (int i = 0; i < n; i++) {
                for (int j = 0; j < n; j++) {
                    assertEquals(i == j ? 1.0 : 0.0, vtv[i][j], 1e-12, c + " VᵀV");
                    assertEquals(a[i][j], rebuilt[i][j], 1e-12 * Math.max(1, scale), c + " rebuilt A");
                }
            }
        }
    }

    @Test
    void diagonalAndRepeatedEigenvalues() {
        SymmetricEigen eig = SymmetricEigen.of(new double[][] {{3, 0, 0}, {0, -1, 0}, {0, 0, 3}});
        assertArrayEquals(new double[] {-1, 3, 3}, eig.eigenvalues(), 1e-15);
        double[][] rebuilt = eig.apply(lambda -> lambda * lambda);
        assertArrayEquals(new double[] {9, 0, 0}, rebuilt[0], 1e-14);
        assertArrayEquals(new double[] {0, 1, 0}, rebuilt[1], 1e-14);
        assertEquals(0, SymmetricEigen.of(new double[0][0]).eigenvalues().length);
        assertArrayEquals(new double[] {0, 0}, SymmetricEigen.of(new double[2][2]).eigenvalues());
    }

    @Test
    void rejectsAsymmetricMatrices() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> SymmetricEigen.of(new double[][] {{1, 2}, {3, 4}}));
        assertEquals("matrix is not symmetric: a[1][0] = 3.0 but a[0][1] = 2.0", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> SymmetricEigen.of(new double[][] {{1, 2}}));
    }

    static double[][] transpose(double[][] a) {
        double[][] t = new double[a[0].length][a.length];
        for (int i = 0; i < a.length; i++) {
            for (int j = 0; j < a[0].length; j++) {
                t[j][i] = a[i][j];
            }
        }
        return t;
    }
}
