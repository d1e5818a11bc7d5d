package dev.sfumato.benchmarks;

import java.util.Arrays;
import java.util.concurrent.locks.LockSupport;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * How much a second thread adds on this host right now: three loops that depend on nothing but the hardware,
 * each run on one thread and then on two at once (each thread its own copy of the work), alternately, and the
 * ratio of the two throughputs. ../shared/MEASURING.md advises normalising by a peak probe run in the same
 * rotation; the step side-by-side runs this once per round, so that its 1 -> 2 thread figures can be read next
 * to what the host allowed in the same minutes.
 * <ul>
 * <li>{@code fma}: eight independent chains of vector FMAs in registers (no memory): the core's peak;</li>
 * <li>{@code l2}: sums over a 512 KB array per thread, which stays in the core's own L2 (1 MB on Zen 4);</li>
 * <li>{@code l3}: the same over 4 MB per thread, which lives in the L3 that the cores share with each other
 *     and, on a cloud host, with the neighbours' virtual machines.</li>
 * </ul>
 * A loop of the training step whose working set spills from L2 scales like {@code l3}, not like {@code fma}
 * (BENCHMARKS.md, session 18). Prints one line:
 * <pre>host fma_gflops_1t=.. fma_gflops_2t=.. fma_scaling=.. l2_gbs_1t=.. l2_gbs_2t=.. l2_scaling=.. l3_gbs_1t=..
 *      l3_gbs_2t=.. l3_scaling=.. pairs=N</pre>
 * Each scaling is the median over the pairs of (2-thread throughput / 1-thread throughput); the throughputs are
 * medians. Usage: {@code java --add-modules=jdk.incubator.vector -cp benchmarks.jar dev.sfumato.benchmarks.HostProbe
 * [--pairs 15]}.
 */
public final class HostProbe {

    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    /** Work per call: 5-15 ms on one core here, a thousand times the clock's resolution and the start signal. */
    private static final long FMA_STEPS = 4_000_000;
    private static final long SWEEP_BYTES = 1L << 30;
    private static volatile float sink;

    private HostProbe() {}

    public static void main(String[] args) {
        int pairs = 15;
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("--pairs") && i + 1 < args.length) {
                String v = args[++i];
                try {
                    pairs = Integer.parseInt(v);
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException("HostProbe: --pairs must be an integer, got '" + v + "'");
                }
            } else {
                throw new IllegalArgumentException("HostProbe: unknown argument '" + args[i]
                        + "' (expected --pairs N)");
            }
        }
        if (pairs < 1) {
            throw new IllegalArgumentException("HostProbe: --pairs must be >= 1, got " + pairs);
        }
        Partner second = new Partner();
        second.start();
        float[][] l2 = {new float[128 << 10], new float[128 << 10]};       // 512 KB each
        float[][] l3 = {new float[1 << 20], new float[1 << 20]};           // 4 MB each
        StringBuilder line = new StringBuilder("host");
        line.append(probe("fma", "gflops", pairs, second, k -> fma(FMA_STEPS)));
        line.append(probe("l2", "gbs", pairs, second, k -> sweep(l2[k], SWEEP_BYTES)));
        line.append(probe("l3", "gbs", pairs, second, k -> sweep(l3[k], SWEEP_BYTES)));
        System.out.println(line.append(" pairs=").append(pairs));
    }

    /** Work done by thread k (0 or 1), returning its amount (FLOP or bytes). */
    private interface Work {
        double run(int k);
    }

    /**
     * Times {@code work} on one thread and on two, pair by pair (ABBA order), after a warm-up; returns the
     * fields of the output line for this loop.
     */
    private static String probe(String name, String unit, int pairs, Partner second, Work work) {
        for (int i = 0; i < 10; i++) {                                   // C2 compiles the loops
            alone(work);
            together(work, second);
        }
        double[] one = new double[pairs];
        double[] two = new double[pairs];
        double[] ratio = new double[pairs];
        for (int i = 0; i < pairs; i++) {
            if (i % 2 == 0) {
                one[i] = alone(work);
                two[i] = together(work, second);
            } else {
                two[i] = together(work, second);
                one[i] = alone(work);
            }
            ratio[i] = two[i] / one[i];
        }
        return String.format(" %s_%s_1t=%.1f %s_%s_2t=%.1f %s_scaling=%.3f", name, unit, median(one) * 1e-9,
                name, unit, median(two) * 1e-9, name, median(ratio));
    }

    /** Throughput of one thread (per second). */
    private static double alone(Work work) {
        long t0 = System.nanoTime();
        double amount = work.run(0);
        return amount / ((System.nanoTime() - t0) * 1e-9);
    }

    /**
     * Throughput of two threads together (per second): both run the same work at the same time, timed from
     * the moment the partner is already awake and spinning, so that waking it (60-190 µs on this project's
     * virtual machines) is not counted.
     */
    private static double together(Work work, Partner second) {
        second.arm(work);
        long t0 = System.nanoTime();
        second.go = true;
        double amount = work.run(0);
        amount += second.await();
        return amount / ((System.nanoTime() - t0) * 1e-9);
    }

    /**
     * The second thread: parked between measurements (as the idle core of a 1-thread run is), woken and
     * spinning just before a 2-thread one starts.
     */
    private static final class Partner extends Thread {
        private volatile Work work;
        private volatile boolean ready;
        private volatile boolean go;
        private volatile boolean done;
        private double amount;

        Partner() {
            super("host-probe-2");
            setDaemon(true);
        }

        /** Hands over the work and waits until this thread spins for the start. */
        void arm(Work w) {
            done = false;
            ready = false;
            work = w;                                                     // last: the partner starts on it
            LockSupport.unpark(this);
            while (!ready) {
                Thread.onSpinWait();
            }
        }

        /** Waits for this thread's share; returns its amount. */
        double await() {
            while (!done) {
                Thread.onSpinWait();
            }
            return amount;
        }

        @Override
        public void run() {
            while (true) {
                while (work == null) {
                    LockSupport.park(this);
                }
                ready = true;
                while (!go) {
                    Thread.onSpinWait();
                }
                go = false;
                amount = work.run(1);
                work = null;
                done = true;
            }
        }
    }

    /** Eight independent FMA chains on the widest vectors, in registers; returns the FLOP done. */
    static double fma(long steps) {
        FloatVector a0 = FloatVector.broadcast(S, 1f);
        FloatVector a1 = a0;
        FloatVector a2 = a0;
        FloatVector a3 = a0;
        FloatVector a4 = a0;
        FloatVector a5 = a0;
        FloatVector a6 = a0;
        FloatVector a7 = a0;
        FloatVector m = FloatVector.broadcast(S, 0.999999f);
        FloatVector c = FloatVector.broadcast(S, 1e-7f);
        for (long i = 0; i < steps; i++) {
            a0 = a0.fma(m, c);
            a1 = a1.fma(m, c);
            a2 = a2.fma(m, c);
            a3 = a3.fma(m, c);
            a4 = a4.fma(m, c);
            a5 = a5.fma(m, c);
            a6 = a6.fma(m, c);
            a7 = a7.fma(m, c);
        }
        sink = a0.add(a1).add(a2).add(a3).add(a4).add(a5).add(a6).add(a7).reduceLanes(VectorOperators.ADD);
        return 2.0 * 8 * S.length() * steps;
    }

    /** Sums {@code a} over and over, four vectors per step, until about {@code bytes} are read; returns them. */
    static double sweep(float[] a, long bytes) {
        int l = S.length();
        long reps = Math.max(1, bytes / (4L * a.length));
        FloatVector s0 = FloatVector.zero(S);
        FloatVector s1 = s0;
        FloatVector s2 = s0;
        FloatVector s3 = s0;
        for (long r = 0; r < reps; r++) {
            for (int i = 0; i + 4 * l <= a.length; i += 4 * l) {
                s0 = s0.add(FloatVector.fromArray(S, a, i));
                s1 = s1.add(FloatVector.fromArray(S, a, i + l));
                s2 = s2.add(FloatVector.fromArray(S, a, i + 2 * l));
                s3 = s3.add(FloatVector.fromArray(S, a, i + 3 * l));
            }
        }
        sink = s0.add(s1).add(s2).add(s3).reduceLanes(VectorOperators.ADD);
        return 4.0 * a.length * reps;
    }

    private static double median(double[] v) {
        double[] s = v.clone();
        Arrays.sort(s);
        int n = s.length;
        return n % 2 == 1 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
    }
}
