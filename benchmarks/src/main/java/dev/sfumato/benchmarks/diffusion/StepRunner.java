package dev.sfumato.benchmarks.diffusion;

import dev.sfumato.diffusion.training.Trainer;
import dev.sfumato.nn.serialization.AtomicFiles;
import dev.sfumato.tensor.LoopProfile;
import dev.sfumato.tensor.Parallel;

import java.io.IOException;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Plain timing loop for one full DDPM U-Net step, the Sfumato side of {@code step-side-by-side.sh} (issue 6).
 * One process, one mode, one batch size, one thread count (or several in turn, below); the PyTorch twin is
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
 * <p>With a list of thread counts ({@code --threads 1,2}) the process alternates them step by step, A B B A, so
 * that each pair of steps runs back to back (the host's drift over minutes moves both alike), prints one line per
 * thread count, and then a {@code scaling} line per further count: the median over the pairs of the first count's
 * time over this one's ({@code paired_median}), the ratio of the two medians ({@code of_medians}), the ratio of the
 * two fastest steps ({@code of_bests}: the steps the host disturbed least, as MEASURING.md reports a best next to
 * a median) and every pair's ratio. {@link Parallel#setThreads} keeps the worker, parked, through the 1-thread
 * steps, so the 2-thread ones find it with its buffers.
 *
 * <p>{@code --profile-loops FILE} writes a {@link LoopProfile} of the timed steps to FILE (a Markdown table of
 * every parallel loop by call site and thread count: calls, tasks, wall time, the workers' time in tasks and idle,
 * late joins), the profile's per-loop stack walks included in the steps' times.
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
        int[] counts = o.threadCounts();
        int warmup = o.warmup();
        int steps = o.steps();
        long seed = o.seed();
        Parallel.setThreads(counts[0]);

        Runnable step;
        if (mode.equals("train")) {
            Trainer trainer = StepCase.trainer(batch, seed);
            step = trainer::step;
        } else {
            StepCase.Sampling sampling = new StepCase.Sampling(batch, seed);
            step = sampling::step;
        }

        // Warm-up at every thread count, in turn, so that none is timed before the JIT has settled.
        for (int i = 0; i < warmup; i++) {
            for (int t : counts) {
                Parallel.setThreads(t);
                step.run();
            }
        }
        com.sun.management.ThreadMXBean mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        int k = counts.length;
        double[][] ms = new double[k][steps];
        long[][] alloc = new long[k][steps];
        long[][] gc = new long[k][2];
        LoopProfile profile = o.loopProfile() != null ? LoopProfile.start() : null;
        for (int i = 0; i < steps; i++) {
            for (int j = 0; j < k; j++) {
                // With several thread counts, the order turns round every step (1 2, 2 1, 1 2, ...: A B B A), so
                // that neither count always runs first after the other.
                int c = i % 2 == 0 ? j : k - 1 - j;
                Parallel.setThreads(counts[c]);
                long[] gc0 = gcTotals();
                long a0 = mx.getTotalThreadAllocatedBytes();
                long t0 = System.nanoTime();
                step.run();
                ms[c][i] = (System.nanoTime() - t0) / 1e6;
                alloc[c][i] = mx.getTotalThreadAllocatedBytes() - a0;
                long[] gc1 = gcTotals();
                gc[c][0] += gc1[0] - gc0[0];
                gc[c][1] += gc1[1] - gc0[1];
            }
        }

        if (profile != null) {
            profile.close();
            AtomicFiles.write(o.loopProfile(), out -> out.write(profile.table().getBytes(StandardCharsets.UTF_8)));
        }
        double rss = peakRssMb();
        int q = Math.max(1, steps / 4);
        for (int c = 0; c < k; c++) {
            double median = median(ms[c]);
            System.out.printf(Locale.ROOT, "sfumato mode=%s batch=%d threads=%d steps=%d ms_per_step=%.3f ms_min=%.3f"
                            + " images_per_s=%.2f alloc_mb_per_step=%.2f alloc_mb_first_q=%.2f alloc_mb_last_q=%.2f"
                            + " gc_count=%d gc_ms=%d peak_rss_mb=%.1f ms_all=%s%n",
                    mode, batch, counts[c], steps, median, Arrays.stream(ms[c]).min().orElseThrow(),
                    batch * 1000.0 / median, meanMb(alloc[c], 0, steps), meanMb(alloc[c], 0, q),
                    meanMb(alloc[c], steps - q, steps), gc[c][0], gc[c][1], rss, joined(ms[c]));
        }
        for (int c = 1; c < k; c++) {
            // Speed-up from the first thread count to this one, step by step: each pair ran back to back.
            double[] ratio = new double[steps];
            for (int i = 0; i < steps; i++) {
                ratio[i] = ms[0][i] / ms[c][i];
            }
            System.out.printf(Locale.ROOT, "scaling mode=%s batch=%d threads=%d/%d pairs=%d paired_median=%.3f"
                            + " of_medians=%.3f of_bests=%.3f ratios=%s%n",
                    mode, batch, counts[0], counts[c], steps, median(ratio), median(ms[0]) / median(ms[c]),
                    Arrays.stream(ms[0]).min().orElseThrow() / Arrays.stream(ms[c]).min().orElseThrow(),
                    joined(ratio));
        }
    }

    private static String joined(double[] v) {
        List<String> all = new ArrayList<>();
        for (double x : v) {
            all.add(String.format(Locale.ROOT, "%.3f", x));
        }
        return String.join(",", all);
    }

    /**
     * The options of both step runners: {@code --mode train|sample --batch N --threads N --warmup N --steps N
     * --seed N}, and {@code --models DIR} for {@code DjlStepRunner} (the TorchScript files), which alone takes it;
     * {@code StepRunner} alone takes a comma-separated list of thread counts, and {@code --profile-loops FILE}.
     */
    record Options(String mode, int batch, int[] threadCounts, int warmup, int steps, long seed, Path models,
                   Path loopProfile) {

        /** The thread count of a runner that takes one ({@code DjlStepRunner}). */
        int threads() {
            return threadCounts[0];
        }

        static Options parse(String runner, String[] args, boolean takesModels) {
            String mode = "train";
            int batch = 64;
            int[] threads = {Runtime.getRuntime().availableProcessors()};
            int warmup = 2;
            int steps = 5;
            long seed = 0;
            Path models = null;
            Path loopProfile = null;
            String expected = "--mode train|sample --batch N --threads N" + (takesModels ? "" : "[,N...]")
                    + " --warmup N --steps N --seed N" + (takesModels ? " --models DIR" : " [--profile-loops FILE]");
            for (int i = 0; i < args.length; i++) {
                String a = args[i];
                if (i + 1 >= args.length) {
                    throw usage(runner, "missing value after " + a, expected);
                }
                switch (a) {
                    case "--mode" -> mode = args[++i];
                    case "--batch" -> batch = Integer.parseInt(args[++i]);
                    case "--threads" -> threads = threadCounts(runner, args[++i], expected);
                    case "--warmup" -> warmup = Integer.parseInt(args[++i]);
                    case "--steps" -> steps = Integer.parseInt(args[++i]);
                    case "--seed" -> seed = Long.parseLong(args[++i]);
                    case "--models" -> {
                        if (!takesModels) {
                            throw usage(runner, "unknown argument " + a, expected);
                        }
                        models = Path.of(args[++i]);
                    }
                    case "--profile-loops" -> {
                        if (takesModels) {
                            throw usage(runner, "unknown argument " + a, expected);
                        }
                        loopProfile = Path.of(args[++i]);
                    }
                    default -> throw usage(runner, "unknown argument " + a, expected);
                }
            }
            if (!mode.equals("train") && !mode.equals("sample")) {
                throw usage(runner, "--mode must be train or sample, got '" + mode + "'", expected);
            }
            if (threads.length > 1 && takesModels) {
                throw usage(runner, "takes one thread count, got --threads " + Arrays.toString(threads), expected);
            }
            boolean counts = Arrays.stream(threads).allMatch(t -> t >= 1);
            if (batch < 1 || !counts || warmup < 0 || steps < 1 || (takesModels && models == null)) {
                throw usage(runner, "need batch >= 1, each thread count >= 1, warmup >= 0, steps >= 1"
                        + (takesModels ? ", --models DIR" : ""), expected);
            }
            return new Options(mode, batch, threads, warmup, steps, seed, models, loopProfile);
        }

        /** {@code --threads 2} or {@code --threads 1,2}: each a whole number, or a usage error naming the value. */
        private static int[] threadCounts(String runner, String value, String expected) {
            try {
                return Arrays.stream(value.split(",", -1)).map(String::trim).mapToInt(Integer::parseInt).toArray();
            } catch (NumberFormatException e) {
                throw usage(runner, "--threads takes a thread count or a comma-separated list of them, got '"
                        + value + "'", expected);
            }
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
