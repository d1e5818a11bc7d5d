package dev.sfumato.benchmarks.tensor;

import dev.sfumato.tensor.Parallel;
import dev.sfumato.tensor.kernels.Gemm;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Times {@link Gemm#sgemm} outside JMH, in the same way {@code scripts/gemm_vs_openblas.py} times numpy,
 * so {@code scripts/gemm-side-by-side.sh} can run the two alternately and compare like with like.
 *
 * <p>For each shape: warm up for at least 3 seconds (so C2 compiles the kernels), then time {@code reps}
 * repetitions, each long enough (at least 50 ms, several calls if needed) for the clock to be accurate.
 * Prints one TSV line per shape: shape, threads, median GFLOP/s, best GFLOP/s, all samples.
 *
 * <p>Usage: {@code java --add-modules=jdk.incubator.vector -cp benchmarks.jar
 * dev.sfumato.benchmarks.tensor.GemmRunner [--threads 1] [--reps 10] [--shapes "512,64x576x25088"]}
 */
public final class GemmRunner {

    private GemmRunner() {}

    public static void main(String[] args) {
        int threads = Parallel.threads();
        int reps = 10;
        List<String> shapes = GemmShape.DEFAULT_SHAPES;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--threads" -> threads = Integer.parseInt(args[++i]);
                case "--reps" -> reps = Integer.parseInt(args[++i]);
                case "--shapes" -> shapes = Arrays.stream(args[++i].split(",")).map(String::trim).toList();
                default -> throw new IllegalArgumentException("GemmRunner: unknown argument " + args[i]
                        + "; usage: [--threads T] [--reps R] [--shapes \"512,64x576x25088,576x64x25088 TN\"]");
            }
        }
        Parallel.setThreads(threads);
        System.out.println("shape\tthreads\tmedian_gflops\tbest_gflops\tsamples");
        for (String s : shapes) {
            GemmShape shape = GemmShape.parse(s);
            double[] gflops = run(shape, reps);
            double[] sorted = gflops.clone();
            Arrays.sort(sorted);
            List<String> samples = new ArrayList<>();
            for (double g : gflops) {
                samples.add(String.format(Locale.ROOT, "%.2f", g));
            }
            System.out.printf(Locale.ROOT, "%s\t%d\t%.2f\t%.2f\t%s%n", shape.name(), threads,
                    median(sorted), sorted[sorted.length - 1], String.join(",", samples));
        }
    }

    /** GFLOP/s of {@code reps} timed repetitions after a warm-up. */
    static double[] run(GemmShape s, int reps) {
        float[] a = GemmShape.random(s.m() * s.k(), 1);
        float[] b = GemmShape.random(s.k() * s.n(), 2);
        float[] c = new float[s.m() * s.n()];
        // Warm-up: at least 10 calls and 3 seconds, so the kernels are compiled by C2, not only by C1 or
        // on-stack replacement (Vector API code below C2 is 10-100x slower; on a busy machine C2 can take
        // more than a second to get to it). The last call's time sizes the repetitions.
        long start = System.nanoTime();
        long last = 0;
        for (int calls = 0; calls < 10 || System.nanoTime() - start < 3_000_000_000L; calls++) {
            long t0 = System.nanoTime();
            call(s, a, b, c);
            last = System.nanoTime() - t0;
        }
        double secondsPerCall = last / 1e9;
        int inner = (int) Math.max(1, Math.ceil(0.05 / secondsPerCall));
        double[] gflops = new double[reps];
        for (int r = 0; r < reps; r++) {
            long t0 = System.nanoTime();
            for (int i = 0; i < inner; i++) {
                call(s, a, b, c);
            }
            double seconds = (System.nanoTime() - t0) / 1e9;
            gflops[r] = s.flops() * inner / seconds / 1e9;
        }
        return gflops;
    }

    private static void call(GemmShape s, float[] a, float[] b, float[] c) {
        Gemm.sgemm(s.transA(), s.transB(), s.m(), s.n(), s.k(), 1f, a, 0, s.lda(), b, 0, s.ldb(), 0f, c, 0, s.n());
    }

    private static double median(double[] sorted) {
        int n = sorted.length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }
}
