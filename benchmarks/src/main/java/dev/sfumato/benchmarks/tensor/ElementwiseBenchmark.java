package dev.sfumato.benchmarks.tensor;

import dev.sfumato.tensor.BinaryOp;
import dev.sfumato.tensor.Parallel;
import dev.sfumato.tensor.Tensor;
import dev.sfumato.tensor.UnaryOp;
import dev.sfumato.tensor.kernels.ElementwiseKernels;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.util.Random;
import java.util.concurrent.TimeUnit;

/**
 * Bandwidth of large contiguous elementwise ops against a plain array copy, in GB/s (the {@code gb}
 * counter: bytes read + written per call / 1e9; JMH divides by the time, so the rate is GB/s). Copy and
 * unary ops move 8 bytes per element, binary ops 12.
 *
 * <p>The {@code kernel*} and {@code copy*} benchmarks run the span kernels on preallocated arrays, cut into
 * the same 32K-element tasks that {@code Elementwise} uses ({@link Parallel#forRange}); {@code copyArraycopy}
 * is one {@link System#arraycopy} call (1 thread whatever the parameter). {@code tensorAdd} is the public
 * {@code a.add(b)}, which also allocates (and zeroes) its 64 MB result: an end-to-end figure.
 *
 * <p>Run: {@code mvn -B -q -pl benchmarks -am package -DskipTests && mvn -B -q -pl benchmarks exec:exec
 * -Djmh.args="ElementwiseBenchmark -f 1 -wi 3 -i 5"}. Results: {@code benchmarks/results/elementwise.md}.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@State(Scope.Benchmark)
@Fork(value = 1, jvmArgsAppend = {"-Xmx2g"})
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class ElementwiseBenchmark {

    /** Elements per task, as in {@code StridedLoop.GRAIN}. */
    static final int GRAIN = 1 << 15;

    @Param({"16777216"})
    public int n;

    @Param({"1", "2"})
    public int threads;

    private float[] a;
    private float[] b;
    private float[] out;
    private Tensor ta;
    private Tensor tb;
    private int threadsBefore;

    /** GB moved; JMH divides by the measured time, so the reported rate is GB/s. */
    @AuxCounters(AuxCounters.Type.OPERATIONS)
    @State(Scope.Thread)
    public static class Bytes {
        public double gb;

        @Setup(Level.Iteration)
        public void reset() {
            gb = 0;
        }
    }

    @Setup(Level.Trial)
    public void setUp() {
        threadsBefore = Parallel.threads();
        Parallel.setThreads(threads);
        Random rnd = new Random(1);
        a = new float[n];
        b = new float[n];
        out = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = (float) rnd.nextGaussian();
            b[i] = (float) rnd.nextGaussian();
        }
        ta = Tensor.wrap(a, n);
        tb = Tensor.wrap(b, n);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        Parallel.setThreads(threadsBefore);
    }

    private int tasks() {
        return Parallel.taskCount(n, GRAIN);
    }

    @Benchmark
    public void copyArraycopy(Bytes bytes) {
        System.arraycopy(a, 0, out, 0, n);
        bytes.gb += 8.0 * n / 1e9;
    }

    @Benchmark
    public void copyChunked(Bytes bytes) {
        Parallel.forRange(tasks(), (t0, t1) -> {
            for (int t = t0; t < t1; t++) {
                int from = t * GRAIN;
                System.arraycopy(a, from, out, from, Math.min(GRAIN, n - from));
            }
        });
        bytes.gb += 8.0 * n / 1e9;
    }

    private void binary(BinaryOp op) {
        Parallel.forRange(tasks(), (t0, t1) -> {
            for (int t = t0; t < t1; t++) {
                int from = t * GRAIN;
                ElementwiseKernels.binary(op, a, from, b, from, out, from, Math.min(GRAIN, n - from));
            }
        });
    }

    private void unary(UnaryOp op) {
        Parallel.forRange(tasks(), (t0, t1) -> {
            for (int t = t0; t < t1; t++) {
                int from = t * GRAIN;
                ElementwiseKernels.unary(op, a, from, out, from, Math.min(GRAIN, n - from));
            }
        });
    }

    @Benchmark
    public void kernelAdd(Bytes bytes) {
        binary(BinaryOp.ADD);
        bytes.gb += 12.0 * n / 1e9;
    }

    @Benchmark
    public void kernelMul(Bytes bytes) {
        binary(BinaryOp.MUL);
        bytes.gb += 12.0 * n / 1e9;
    }

    @Benchmark
    public void kernelGt(Bytes bytes) {
        binary(BinaryOp.GT);
        bytes.gb += 12.0 * n / 1e9;
    }

    @Benchmark
    public void kernelSilu(Bytes bytes) {
        unary(UnaryOp.SILU);
        bytes.gb += 8.0 * n / 1e9;
    }

    @Benchmark
    public void kernelExp(Bytes bytes) {
        unary(UnaryOp.EXP);
        bytes.gb += 8.0 * n / 1e9;
    }

    @Benchmark
    public void kernelGelu(Bytes bytes) {
        unary(UnaryOp.GELU);
        bytes.gb += 8.0 * n / 1e9;
    }

    @Benchmark
    public Tensor tensorAdd(Bytes bytes) {
        Tensor c = ta.add(tb);
        bytes.gb += 12.0 * n / 1e9;
        return c;
    }
}
