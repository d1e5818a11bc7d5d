package dev.sfumato.diffusion.eval;

import java.util.function.DoubleUnaryOperator;

/**
 * The eigendecomposition A = V Λ Vᵀ of a real symmetric matrix, in double precision: eigenvalues in
 * ascending order (as {@code numpy.linalg.eigh}) and orthonormal eigenvectors in the columns of V.
 *
 * <p>Algorithm: Householder reduction to tridiagonal form, then the implicit QL method with Wilkinson-like
 * shifts, accumulating the transformations into V. This is EISPACK's {@code tred2} and {@code tql2}
 * (Bowdler, Martin, Reinsch and Wilkinson, Numer. Math. 11, 1968; Smith et al., "Matrix Eigensystem
 * Routines — EISPACK Guide", 1976) in the Java translation of JAMA ({@code EigenvalueDecomposition},
 * public domain, MathWorks and NIST). Only the lower triangle of A is read; the input must be symmetric to
 * within 1e-10 of its largest entry (an error otherwise, to catch a matrix that is not what the caller
 * thinks). Cost O(n³); meant for the feature covariances of FID (n up to a few hundred).
 */
public final class SymmetricEigen {

    /** Iterations of QL per eigenvalue before giving up; EISPACK uses 30, convergence takes ~2. */
    private static final int MAX_ITERATIONS = 60;

    private final int n;
    private final double[] d; // eigenvalues, ascending
    private final double[][] v; // eigenvectors in columns

    private SymmetricEigen(int n, double[] d, double[][] v) {
        this.n = n;
        this.d = d;
        this.v = v;
    }

    /** Decomposes the symmetric n×n matrix {@code a} (not modified). */
    public static SymmetricEigen of(double[][] a) {
        int n = a.length;
        double max = 0;
        for (int i = 0; i < n; i++) {
            if (a[i].length != n) {
                throw new IllegalArgumentException("matrix must be square: row " + i + " has " + a[i].length
                        + " entries, expected " + n);
            }
            for (int j = 0; j < n; j++) {
                if (!Double.isFinite(a[i][j])) {
                    throw new IllegalArgumentException("matrix entry (" + i + ", " + j + ") is " + a[i][j]);
                }
                max = Math.max(max, Math.abs(a[i][j]));
            }
        }
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < i; j++) {
                if (Math.abs(a[i][j] - a[j][i]) > 1e-10 * max) {
                    throw new IllegalArgumentException("matrix is not symmetric: a[" + i + "][" + j + "] = " + a[i][j]
                            + " but a[" + j + "][" + i + "] = " + a[j][i]);
                }
            }
        }
        double[][] v = new double[n][];
        for (int i = 0; i < n; i++) {
            v[i] = a[i].clone();
        }
        double[] d = new double[n];
        double[] e = new double[n];
        if (n > 0) {
            tred2(n, v, d, e);
            tql2(n, v, d, e);
        }
        return new SymmetricEigen(n, d, v);
    }

    /** The eigenvalues λ in ascending order (a copy). */
    public double[] eigenvalues() {
        return d.clone();
    }

    /** V: column k is the unit eigenvector of eigenvalue k (a copy). */
    public double[][] eigenvectors() {
        double[][] copy = new double[n][];
        for (int i = 0; i < n; i++) {
            copy[i] = v[i].clone();
        }
        return copy;
    }

    /**
     * The matrix function V f(Λ) Vᵀ. With {@code f = λ -> λ} it rebuilds A; with a clipped square root it is
     * the principal square root of a positive semi-definite A.
     */
    public double[][] apply(DoubleUnaryOperator f) {
        double[] fd = new double[n];
        for (int k = 0; k < n; k++) {
            fd[k] = f.applyAsDouble(d[k]);
        }
        double[][] out = new double[n][n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j <= i; j++) {
                double s = 0;
                for (int k = 0; k < n; k++) {
                    s += v[i][k] * fd[k] * v[j][k];
                }
                out[i][j] = s;
                out[j][i] = s; // exactly symmetric
            }
        }
        return out;
    }

    /**
     * Householder tridiagonalisation (EISPACK tred2, via JAMA). On return {@code d} holds the diagonal,
     * {@code e[1..n-1]} the sub-diagonal, and {@code v} the orthogonal transformation.
     */
    private static void tred2(int n, double[][] v, double[] d, double[] e) {
        for (int j = 0; j < n; j++) {
            d[j] = v[n - 1][j];
        }
        for (int i = n - 1; i > 0; i--) {
            // 1. Scale row i to avoid under- and overflow.
            double scale = 0.0;
            double h = 0.0;
            for (int k = 0; k < i; k++) {
                scale += Math.abs(d[k]);
            }
            if (scale == 0.0) {
                e[i] = d[i - 1];
                for (int j = 0; j < i; j++) {
                    d[j] = v[i - 1][j];
                    v[i][j] = 0.0;
                    v[j][i] = 0.0;
                }
            } else {
                // 2. Generate the Householder vector.
                for (int k = 0; k < i; k++) {
                    d[k] /= scale;
                    h += d[k] * d[k];
                }
                double f = d[i - 1];
                double g = Math.sqrt(h);
                if (f > 0) {
                    g = -g;
                }
                e[i] = scale * g;
                h -= f * g;
                d[i - 1] = f - g;
                for (int j = 0; j < i; j++) {
                    e[j] = 0.0;
                }
                // 3. Apply the similarity transformation to the remaining columns.
                for (int j = 0; j < i; j++) {
                    f = d[j];
                    v[j][i] = f;
                    g = e[j] + v[j][j] * f;
                    for (int k = j + 1; k <= i - 1; k++) {
                        g += v[k][j] * d[k];
                        e[k] += v[k][j] * f;
                    }
                    e[j] = g;
                }
                f = 0.0;
                for (int j = 0; j < i; j++) {
                    e[j] /= h;
                    f += e[j] * d[j];
                }
                double hh = f / (h + h);
                for (int j = 0; j < i; j++) {
                    e[j] -= hh * d[j];
                }
                for (int j = 0; j < i; j++) {
                    f = d[j];
                    g = e[j];
                    for (int k = j; k <= i - 1; k++) {
                        v[k][j] -= (f * e[k] + g * d[k]);
                    }
                    d[j] = v[i - 1][j];
                    v[i][j] = 0.0;
                }
            }
            d[i] = h;
        }
        // 4. Accumulate the transformations.
        for (int i = 0; i < n - 1; i++) {
            v[n - 1][i] = v[i][i];
            v[i][i] = 1.0;
            double h = d[i + 1];
            if (h != 0.0) {
                for (int k = 0; k <= i; k++) {
                    d[k] = v[k][i + 1] / h;
                }
                for (int j = 0; j <= i; j++) {
                    double g = 0.0;
                    for (int k = 0; k <= i; k++) {
                        g += v[k][i + 1] * v[k][j];
                    }
                    for (int k = 0; k <= i; k++) {
                        v[k][j] -= g * d[k];
                    }
                }
            }
            for (int k = 0; k <= i; k++) {
                v[k][i + 1] = 0.0;
            }
        }
        for (int j = 0; j < n; j++) {
            d[j] = v[n - 1][j];
            v[n - 1][j] = 0.0;
        }
        v[n - 1][n - 1] = 1.0;
        e[0] = 0.0;
    }

    /**
     * Implicit QL iterations on the tridiagonal matrix (EISPACK tql2, via JAMA), accumulating the rotations
     * into {@code v}; then sorts eigenvalues ascending with their vectors.
     */
    private static void tql2(int n, double[][] v, double[] d, double[] e) {
        for (int i = 1; i < n; i++) {
            e[i - 1] = e[i];
        }
        e[n - 1] = 0.0;
        double f = 0.0;
        double tst1 = 0.0;
        double eps = Math.ulp(1.0);
        for (int l = 0; l < n; l++) {
            // 1. Find a negligible sub-diagonal element e[m].
            tst1 = Math.max(tst1, Math.abs(d[l]) + Math.abs(e[l]));
            int m = l;
            while (m < n) {
                if (Math.abs(e[m]) <= eps * tst1) {
                    break;
                }
                m++;
            }
            // 2. If m == l, d[l] is an eigenvalue; otherwise iterate.
            if (m > l) {
                int iter = 0;
                do {
                    if (++iter > MAX_ITERATIONS) {
                        throw new ArithmeticException("symmetric eigendecomposition did not converge for eigenvalue "
                                + l + " after " + MAX_ITERATIONS + " QL iterations");
                    }
                    // 2a. Implicit shift.
                    double g = d[l];
                    double p = (d[l + 1] - g) / (2.0 * e[l]);
                    double r = Math.hypot(p, 1.0);
                    if (p < 0) {
                        r = -r;
                    }
                    d[l] = e[l] / (p + r);
                    d[l + 1] = e[l] * (p + r);
                    double dl1 = d[l + 1];
                    double h = g - d[l];
                    for (int i = l + 2; i < n; i++) {
                        d[i] -= h;
                    }
                    f += h;
                    // 2b. Implicit QL transformation.
                    p = d[m];
                    double c = 1.0;
                    double c2 = c;
                    double c3 = c;
                    double el1 = e[l + 1];
                    double s = 0.0;
                    double s2 = 0.0;
                    for (int i = m - 1; i >= l; i--) {
                        c3 = c2;
                        c2 = c;
                        s2 = s;
                        g = c * e[i];
                        h = c * p;
                        r = Math.hypot(p, e[i]);
                        e[i + 1] = s * r;
                        s = e[i] / r;
                        c = p / r;
                        p = c * d[i] - s * g;
                        d[i + 1] = h + s * (c * g + s * d[i]);
                        // 2c. Accumulate the rotation.
                        for (int k = 0; k < n; k++) {
                            h = v[k][i + 1];
                            v[k][i + 1] = s * v[k][i] + c * h;
                            v[k][i] = c * v[k][i] - s * h;
                        }
                    }
                    p = -s * s2 * c3 * el1 * e[l] / dl1;
                    e[l] = s * p;
                    d[l] = c * p;
                } while (Math.abs(e[l]) > eps * tst1);
            }
            d[l] += f;
            e[l] = 0.0;
        }
        // 3. Sort eigenvalues ascending, with their vectors.
        for (int i = 0; i < n - 1; i++) {
            int k = i;
            double p = d[i];
            for (int j = i + 1; j < n; j++) {
                if (d[j] < p) {
                    k = j;
                    p = d[j];
                }
            }
            if (k != i) {
                d[k] = d[i];
                d[i] = p;
                for (int j = 0; j < n; j++) {
                    p = v[j][i];
                    v[j][i] = v[j][k];
                    v[j][k] = p;
                }
            }
        }
    }
}
