package dev.sfumato.benchmarks.tensor;

import dev.sfumato.tensor.Parallel;
import dev.sfumato.tensor.kernels.Gemm;
import java.util.concurrent.TimeUnit;
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

/**
 * Throughput of {@link Gemm#sgemm} in GFLOP/s (the {@code gflop} counter; 2·M·N·K flops per call) on
 * square, convolution-forward and convolution-backward shapes, on 1 and 2 threads.
 *
 * <p>Run: {@code mvn -B -q -pl benchmarks -am package -DskipTests && mvn -B -q -pl benchmarks exec:exec
 * -Djmh.args="GemmBenchmark -f 3 -wi 3 -i 5"}. Shapes are those of {@link GemmShape}.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@State(Scope.Benchmark)
@Fork(3)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class GemmBenchmark {

    @Param({"128", "256", "512", "1024", "2048",
            "64x576x25088", "128x1152x6272", "64x288x50176",
            "576x64x25088 TN", "64x25088x576 NT"})
    public String shape;

    @Param({"1", "2"})
    public int threads;

    private GemmShape s;
    private float[] a;
    private float[] b;
    private float[] c;
    private int threadsBefore;

    /** GFLOP done; JMH divides by the measured time, so the reported rate is GFLOP/s. */
    @AuxCounters(AuxCounters.Type.OPERATIONS)
    @State(Scope.Thread)
    public static class Flops {
        public double gflop;

        @Setup(Level.Iteration)
        public void reset() {
            gflop = 0;
        }
    }

    @Setup(Level.Trial)
    public void setUp() {
        threadsBefore = Parallel.threads();
        Parallel.setThreads(threads);
        s = GemmShape.parse(shape);
        a = GemmShape.random(s.m() * s.k(), 1);
        b = GemmShape.random(s.k() * s.n(), 2);
        c = new float[s.m() * s.n()];
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        Parallel.setThreads(threadsBefore);
    }

    @Benchmark
    public void sgemm(Flops flops) {
        Gemm.sgemm(s.transA(), s.transB(), s.m(), s.n(), s.k(), 1f, a, 0, s.lda(), b, 0, s.ldb(), 0f, c, 0, s.n());
        flops.gflop += s.flops() / 1e9;
    }
}
