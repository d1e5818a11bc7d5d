package dev.sfumato.benchmarks.tensor;

import dev.sfumato.tensor.Parallel;
import com.sun.management.OperatingSystemMXBean;
import dev.sfumato.tensor.kernels.Gemm;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Times {@link Gemm#sgemm} outside JMH, in the same way {@code scripts/gemm_vs_openblas.py} times numpy,
 * so {@code scripts/gemm-side-by-side.sh} can run the two alternately and compare like with like.
 *
 * <p>For each shape: warm up until the rate stops improving (so C2 has compiled the kernels), then time {@code reps}
 * repetitions, each long enough (at least 50 ms, several calls if needed) for the clock to be accurate.
 * Prints one TSV line per shape: shape, threads, median GFLOP/s, best GFLOP/s, all samples, and all
 * samples per CPU-second of the process.
 *
 * <p>Usage: {@code java --add-modules=jdk.incubator.vector -cp benchmarks.jar
 * dev.sfumato.benchmarks.tensor.GemmRunner [--threads 1] [--reps 10] [--shapes "512,64x576x25088"]}
 */
public final class GemmRunner {

    private static final OperatingSystemMXBean OS =
            (OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();

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
        System.out.println("shape\tthreads\tmedian_gflops\tbest_gflops\tsamples\tcpu_samples");
        for (String s : shapes) {
            GemmShape shape = GemmShape.parse(s);
            double[] cpuGflops = new double[reps];
            double[] gflops = run(shape, reps, cpuGflops);
            double[] sorted = gflops.clone();
            Arrays.sort(sorted);
            List<String> samples = new ArrayList<>();
            for (double g : gflops) {
                samples.add(String.format(Locale.ROOT, "%.2f", g));
            }
            List<String> cpuSamples = new ArrayList<>();
            for (double g : cpuGflops) {
                cpuSamples.add(String.format(Locale.ROOT, "%.2f", g));
            }
            System.out.printf(Locale.ROOT, "%s\t%d\t%.2f\t%.2f\t%s\t%s%n", shape.name(), threads,
                    median(sorted), sorted[sorted.length - 1], String.join(",", samples), String.join(",", cpuSamples));
        }
    }

    /**
     * GFLOP/s of {@code reps} timed repetitions after a warm-up; {@code cpuGflops} receives the same flops
     * per second of CPU time used by the whole process, which stays meaningful on a host so loaded that
     * the benchmark is descheduled part of the time.
     */
    static double[] run(GemmShape s, int reps, double[] cpuGflops) {
        float[] a = GemmShape.random(s.m() * s.k(), 1);
        float[] b = GemmShape.random(s.k() * s.n(), 2);
        float[] c = new float[s.m() * s.n()];
        // Warm-up in windows of at least 0.3 s, until the rate has stopped improving (no window in the
        // last three beat the best before them by 3%), and for at least 3 s: the kernels must be compiled
        // by C2, not only by C1 or on-stack replacement (Vector API code below C2 is 10-100x slower), and
        // on a busy machine C2 can take several seconds to get to them. At most 30 s.
        long start = System.nanoTime();
        double best = 0;
        int sinceBest = 0;
        double secondsPerCall = 0;
        while (System.nanoTime() - start < 30_000_000_000L) {
            long t0 = System.nanoTime();
            int calls = 0;
            do {
                call(s, a, b, c);
                calls++;
            } while (System.nanoTime() - t0 < 300_000_000L);
            secondsPerCall = (System.nanoTime() - t0) / 1e9 / calls;
            double rate = 1 / secondsPerCall;
            if (rate > best * 1.03) {
                best = rate;
                sinceBest = 0;
            } else {
                sinceBest++;
            }
            if (sinceBest >= 3 && System.nanoTime() - start > 3_000_000_000L) {
                break;
            }
        }
        int inner = (int) Math.max(1, Math.ceil(0.05 / secondsPerCall));
        double[] gflops = new double[reps];
        for (int r = 0; r < reps; r++) {
            long cpu0 = OS.getProcessCpuTime();
            long t0 = System.nanoTime();
            for (int i = 0; i < inner; i++) {
                call(s, a, b, c);
            }
            double seconds = (System.nanoTime() - t0) / 1e9;
            double cpuSeconds = (OS.getProcessCpuTime() - cpu0) / 1e9;
            gflops[r] = s.flops() * inner / seconds / 1e9;
            cpuGflops[r] = s.flops() * inner / cpuSeconds / 1e9;
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
