package dev.sfumato.benchmarks.tensor;

import dev.sfumato.tensor.Parallel;
import dev.sfumato.tensor.Tensor;
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
 * Bandwidth of large reductions through the public API, in GB/s of input read (the {@code gb} counter):
 * 4 bytes per element for sum, max and a row-wise sum; 8 for var (two passes over the data); softmax
 * over rows of 1024 counts 12 (max pass, exp pass writing the output, scaling pass) of which its
 * freshly allocated output adds some. A plain {@link System#arraycopy} (8 bytes per element) is the
 * memory-system baseline.
 *
 * <p>Run: {@code mvn -B -q -pl benchmarks -am package -DskipTests && mvn -B -q -pl benchmarks exec:exec
 * -Djmh.args="ReductionBenchmark -f 1 -wi 3 -i 5"}. Results: {@code benchmarks/results/elementwise.md}.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@State(Scope.Benchmark)
@Fork(value = 1, jvmArgsAppend = {"-Xmx2g"})
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class ReductionBenchmark {

    @Param({"16777216"})
    public int n;

    @Param({"1", "2"})
    public int threads;

    private float[] a;
    private float[] out;
    private Tensor x;
    private Tensor rows;
    private int threadsBefore;

    /** GB read (or moved, for the copy); the reported rate is GB/s. */
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
        Random rnd = new Random(2);
        a = new float[n];
        out = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = (float) rnd.nextGaussian();
        }
        x = Tensor.wrap(a, n);
        rows = Tensor.wrap(a, n / 1024, 1024);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        Parallel.setThreads(threadsBefore);
    }

    @Benchmark
    public void copyArraycopy(Bytes bytes) {
        System.arraycopy(a, 0, out, 0, n);
        bytes.gb += 8.0 * n / 1e9;
    }

    @Benchmark
    public Tensor sum(Bytes bytes) {
        bytes.gb += 4.0 * n / 1e9;
        return x.sum();
    }

    @Benchmark
    public Tensor var(Bytes bytes) {
        bytes.gb += 8.0 * n / 1e9;
        return x.var(true);
    }

    @Benchmark
    public Tensor max(Bytes bytes) {
        bytes.gb += 4.0 * n / 1e9;
        return x.max();
    }

    @Benchmark
    public Tensor sumRows(Bytes bytes) {
        bytes.gb += 4.0 * n / 1e9;
        return rows.sum(1);
    }

    @Benchmark
    public Tensor softmaxRows(Bytes bytes) {
        bytes.gb += 12.0 * n / 1e9;
        return rows.softmax(1);
    }
}
