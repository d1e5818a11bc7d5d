package dev.sfumato.benchmarks.diffusion;

import dev.sfumato.diffusion.training.Trainer;
import dev.sfumato.tensor.Parallel;

import java.io.IOException;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Plain timing loop for one full DDPM U-Net step, the Sfumato side of {@code step-side-by-side.sh} (issue 6).
 * One process, one mode, one batch size, one thread count; the PyTorch twin is
 * {@code benchmarks/scripts/ddpm_step_torch.py} and prints the same line.
 *
 * <ul>
 * <li>{@code --mode train}: {@link Trainer#step()} of the default recipe (see {@link StepCase}): data,
 *     q_sample, forward, MSE on ε, backward, global-norm clipping at 1, Adam, EMA.</li>
 * <li>{@code --mode sample}: one no-grad network evaluation in eval mode, as a DDIM or DDPM step makes it.</li>
 * </ul>
 *
 * <p>After {@code --warmup} untimed steps (JIT compilation, heap growth), each of {@code --steps} steps is
 * timed on its own. Printed, on one line of {@code key=value} pairs:
 * <ul>
 * <li>{@code ms_per_step} the median and {@code ms_min} the best step; {@code ms_all} every step, for pooling
 *     over runs; {@code images_per_s} = batch / median;</li>
 * <li>{@code alloc_mb_per_step}: Java heap allocated by all threads during the timed steps, per step
 *     ({@code com.sun.management.ThreadMXBean#getTotalThreadAllocatedBytes}, the same quantity as JMH's
 *     {@code -prof gc} {@code gc.alloc.rate.norm}); {@code alloc_mb_first_q} and {@code alloc_mb_last_q} are
 *     the means over the first and last quarter of the timed steps, which should agree in a steady state;</li>
 * <li>{@code gc_count} and {@code gc_ms}: collections and their accumulated time during the timed steps;</li>
 * <li>{@code peak_rss_mb}: the process's peak resident set ({@code VmHWM} of {@code /proc/self/status}),
 *     which includes the JVM itself and the heap it grew to, as PyTorch's includes the interpreter.</li>
 * </ul>
 *
 * <pre>java --add-modules=jdk.incubator.vector -XX:G1HeapRegionSize=2m -cp benchmarks.jar \
 *     dev.sfumato.benchmarks.diffusion.StepRunner --mode train --batch 64 --threads 2 --warmup 2 --steps 5</pre>
 */
public final class StepRunner {

    private StepRunner() {}

    public static void main(String[] args) throws IOException {
        Options o = Options.parse("StepRunner", args, false);
        String mode = o.mode();
        int batch = o.batch();
        int threads = o.threads();
        int warmup = o.warmup();
        int steps = o.steps();
        long seed = o.seed();
        Parallel.setThreads(threads);

        Runnable step;
        if (mode.equals("train")) {
            Trainer trainer = StepCase.trainer(batch, seed);
            step = trainer::step;
        } else {
            StepCase.Sampling sampling = new StepCase.Sampling(batch, seed);
            step = sampling::step;
        }

        for (int i = 0; i < warmup; i++) {
            step.run();
        }
        com.sun.management.ThreadMXBean mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        double[] ms = new double[steps];
        long[] alloc = new long[steps];
        long[] gc0 = gcTotals();
        for (int i = 0; i < steps; i++) {
            long a0 = mx.getTotalThreadAllocatedBytes();
            long t0 = System.nanoTime();
            step.run();
            ms[i] = (System.nanoTime() - t0) / 1e6;
            alloc[i] = mx.getTotalThreadAllocatedBytes() - a0;
        }
        long[] gc1 = gcTotals();

        double median = median(ms);
        int q = Math.max(1, steps / 4);
        List<String> all = new ArrayList<>();
        for (double v : ms) {
            all.add(String.format(Locale.ROOT, "%.3f", v));
        }
        System.out.printf(Locale.ROOT, "sfumato mode=%s batch=%d threads=%d steps=%d ms_per_step=%.3f ms_min=%.3f"
                        + " images_per_s=%.2f alloc_mb_per_step=%.2f alloc_mb_first_q=%.2f alloc_mb_last_q=%.2f"
                        + " gc_count=%d gc_ms=%d peak_rss_mb=%.1f ms_all=%s%n",
                mode, batch, threads, steps, median, Arrays.stream(ms).min().orElseThrow(),
                batch * 1000.0 / median, meanMb(alloc, 0, steps), meanMb(alloc, 0, q), meanMb(alloc, steps - q, steps),
                gc1[0] - gc0[0], gc1[1] - gc0[1], peakRssMb(), String.join(",", all));
    }

    /**
     * The options of both step runners: {@code --mode train|sample --batch N --threads N --warmup N --steps N
     * --seed N}, and {@code --models DIR} for {@code DjlStepRunner} (the TorchScript files), which alone takes it.
     */
    record Options(String mode, int batch, int threads, int warmup, int steps, long seed, Path models) {

        static Options parse(String runner, String[] args, boolean takesModels) {
            String mode = "train";
            int batch = 64;
            int threads = Runtime.getRuntime().availableProcessors();
            int warmup = 2;
            int steps = 5;
            long seed = 0;
            Path models = null;
            String expected = "--mode train|sample --batch N --threads N --warmup N --steps N --seed N"
                    + (takesModels ? " --models DIR" : "");
            for (int i = 0; i < args.length; i++) {
                String a = args[i];
                if (i + 1 >= args.length) {
                    throw usage(runner, "missing value after " + a, expected);
                }
                switch (a) {
                    case "--mode" -> mode = args[++i];
                    case "--batch" -> batch = Integer.parseInt(args[++i]);
                    case "--threads" -> threads = Integer.parseInt(args[++i]);
                    case "--warmup" -> warmup = Integer.parseInt(args[++i]);
                    case "--steps" -> steps = Integer.parseInt(args[++i]);
                    case "--seed" -> seed = Long.parseLong(args[++i]);
                    case "--models" -> {
                        if (!takesModels) {
                            throw usage(runner, "unknown argument " + a, expected);
                        }
                        models = Path.of(args[++i]);
                    }
                    default -> throw usage(runner, "unknown argument " + a, expected);
                }
            }
            if (!mode.equals("train") && !mode.equals("sample")) {
                throw usage(runner, "--mode must be train or sample, got '" + mode + "'", expected);
            }
            if (batch < 1 || threads < 1 || warmup < 0 || steps < 1 || (takesModels && models == null)) {
                throw usage(runner, "need batch >= 1, threads >= 1, warmup >= 0, steps >= 1"
                        + (takesModels ? ", --models DIR" : ""), expected);
            }
            return new Options(mode, batch, threads, warmup, steps, seed, models);
        }

        private static IllegalArgumentException usage(String runner, String why, String expected) {
            return new IllegalArgumentException(runner + ": " + why + " (expected " + expected + ")");
        }
    }

    static double median(double[] v) {
        double[] s = v.clone();
        Arrays.sort(s);
        int n = s.length;
        return n % 2 == 1 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
    }

    /** The mean of {@code bytes[from, to)} in MB (2^20 bytes). */
    private static double meanMb(long[] bytes, int from, int to) {
        double sum = 0;
        for (int i = from; i < to; i++) {
            sum += bytes[i];
        }
        return sum / (to - from) / (1 << 20);
    }

    /** {@code [collections, milliseconds]} summed over all collectors since the JVM started. */
    private static long[] gcTotals() {
        long count = 0;
        long time = 0;
        for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
            count += Math.max(0, gc.getCollectionCount());
            time += Math.max(0, gc.getCollectionTime());
        }
        return new long[] {count, time};
    }

    /** VmHWM, the peak resident set of this process, in MB; NaN where /proc is missing (not Linux). */
    static double peakRssMb() throws IOException {
        Path status = Path.of("/proc/self/status");
        if (!Files.isReadable(status)) {
            return Double.NaN;
        }
        for (String line : Files.readAllLines(status)) {
            if (line.startsWith("VmHWM:")) {                 // "VmHWM:    123456 kB"
                return Long.parseLong(line.substring(6).trim().split("\\s+")[0]) / 1024.0;
            }
        }
        return Double.NaN;
    }
}
