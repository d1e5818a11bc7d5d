package dev.sfumato.benchmarks.nn;

import dev.sfumato.tensor.Parallel;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Plain timing loop for the side-by-side script: for each shape, warm up (at least {@code --warmup} calls and two
 * seconds), then time {@code --reps} calls of forward and of forward + backward. Prints TSV: {@code shape, threads, op, median_ms, best_ms, values}.
 *
 * <pre>java --add-modules=jdk.incubator.vector -cp benchmarks.jar dev.sfumato.benchmarks.nn.ConvRunner --threads 2 --reps 10</pre>
 */
public final class ConvRunner {

    public static void main(String[] args) {
        int threads = Runtime.getRuntime().availableProcessors();
        int reps = 10;
        int batch = 64;
        int warmup = 5;
        List<String> shapes = ConvShape.DEFAULT;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--threads" -> threads = Integer.parseInt(args[++i]);
                case "--reps" -> reps = Integer.parseInt(args[++i]);
                case "--batch" -> batch = Integer.parseInt(args[++i]);
                case "--warmup" -> warmup = Integer.parseInt(args[++i]);
                case "--shapes" -> shapes = Arrays.stream(args[++i].split(",")).map(String::trim).toList();
                default -> throw new IllegalArgumentException("ConvRunner: unknown argument " + args[i]
                        + " (expected --threads N --reps N --batch N --warmup N --shapes a,b,c)");
            }
        }
        Parallel.setThreads(threads);
        System.out.println("shape\tthreads\top\tmedian_ms\tbest_ms\tvalues");
        for (String name : shapes) {
            ConvCase c = new ConvCase(ConvShape.parse(name), batch);
            report(name, threads, "fwd", time(warmup, reps, c::forwardNoGrad));
            report(name, threads, "fwdbwd", time(warmup, reps, c::forwardBackward));
        }
    }

    /** Warm-up lasts at least this long as well as {@code --warmup} calls. */
    static final long WARMUP_NANOS = 2_000_000_000L;

    /**
     * Times {@code reps} calls after the warm-up: at least {@code warmup} calls and {@link #WARMUP_NANOS}. Five
     * calls were not enough for a kernel path that the shapes before had not used (the first 14×14 shape's
     * forward, the first to take the exact-column layout, measured 8-15 ms against 2 ms once compiled).
     */
    private static double[] time(int warmup, int reps, Runnable r) {
        long start = System.nanoTime();
        for (int i = 0; i < warmup || System.nanoTime() - start < WARMUP_NANOS; i++) {
            r.run();
        }
        double[] ms = new double[reps];
        for (int i = 0; i < reps; i++) {
            long t0 = System.nanoTime();
            r.run();
            ms[i] = (System.nanoTime() - t0) / 1e6;
        }
        return ms;
    }

    private static void report(String shape, int threads, String op, double[] ms) {
        double[] sorted = ms.clone();
        Arrays.sort(sorted);
        double median = sorted.length % 2 == 1 ? sorted[sorted.length / 2]
                : (sorted[sorted.length / 2 - 1] + sorted[sorted.length / 2]) / 2;
        List<String> values = new ArrayList<>();
        for (double v : ms) {
            values.add(String.format("%.3f", v));
        }
        System.out.printf("%s\t%d\t%s\t%.3f\t%.3f\t%s%n", shape, threads, op, median, sorted[0], String.join(",", values));
    }
}
