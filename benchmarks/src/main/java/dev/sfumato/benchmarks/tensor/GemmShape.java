package dev.sfumato.benchmarks.tensor;

import java.util.List;
import java.util.SplittableRandom;

/**
 * One SGEMM problem of the benchmarks, parsed from the shape strings shared by {@link GemmBenchmark},
 * {@link GemmRunner} and {@code scripts/gemm_vs_openblas.py}.
 *
 * <p>{@code "512"} is the square problem M = K = N = 512; {@code "64x576x25088"} is M×K×N;
 * an optional {@code " TN"} or {@code " NT"} suffix transposes A (stored K×M) or B (stored N×K), as a
 * convolution's backward pass does: {@code "576x64x25088 TN"} is A^T·B, {@code "64x25088x576 NT"} is A·B^T.
 */
public record GemmShape(String name, int m, int k, int n, boolean transA, boolean transB) {

    /** The shapes every GEMM benchmark reports: square, conv forward (im2col), conv backward. */
    public static final List<String> DEFAULT_SHAPES = List.of(
            "128", "256", "512", "1024", "2048",
            "64x576x25088", "128x1152x6272", "64x288x50176",
            "576x64x25088 TN", "64x25088x576 NT");

    /** Parses {@code "N"}, {@code "MxKxN"} or {@code "MxKxN TN"}. */
    public static GemmShape parse(String s) {
        String[] parts = s.trim().split("\\s+");
        String[] dims = parts[0].split("x");
        boolean ta = false;
        boolean tb = false;
        if (parts.length == 2 && parts[1].length() == 2) {
            ta = parts[1].charAt(0) == 'T';
            tb = parts[1].charAt(1) == 'T';
        } else if (parts.length != 1) {
            throw new IllegalArgumentException("bad GEMM shape '" + s + "': expected N, MxKxN or 'MxKxN TN'");
        }
        if (dims.length == 1) {
            int d = Integer.parseInt(dims[0]);
            return new GemmShape(s.trim(), d, d, d, ta, tb);
        }
        if (dims.length != 3) {
            throw new IllegalArgumentException("bad GEMM shape '" + s + "': expected N, MxKxN or 'MxKxN TN'");
        }
        return new GemmShape(s.trim(), Integer.parseInt(dims[0]), Integer.parseInt(dims[1]),
                Integer.parseInt(dims[2]), ta, tb);
    }

    /** Floating-point operations of one call: 2·M·N·K. */
    public double flops() {
        return 2.0 * m * n * k;
    }

    /** Leading dimension of A as stored. */
    public int lda() {
        return transA ? m : k;
    }

    /** Leading dimension of B as stored. */
    public int ldb() {
        return transB ? k : n;
    }

    /** Uniform [-1, 1) values, seeded. */
    public static float[] random(int length, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] x = new float[length];
        for (int i = 0; i < length; i++) {
            x[i] = (float) (2 * r.nextDouble() - 1);
        }
        return x;
    }
}
