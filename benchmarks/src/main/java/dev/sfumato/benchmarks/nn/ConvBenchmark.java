package dev.sfumato.benchmarks.nn;

import dev.sfumato.tensor.Parallel;
import dev.sfumato.tensor.Tensor;
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
import org.openjdk.jmh.annotations.Warmup;

import java.util.concurrent.TimeUnit;

/**
 * Conv2d and ConvTranspose2d at batch 64 on the U-Net shapes: forward (no grad), and forward + backward
 * (input, weight and bias gradients). Milliseconds per call. The PyTorch side of the same shapes is
 * {@code benchmarks/scripts/conv_vs_torch.py}; {@code conv-side-by-side.sh} runs both alternately.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 5, time = 2)
@Measurement(iterations = 10, time = 2)
@Fork(value = 2, jvmArgsAppend = {"--add-modules=jdk.incubator.vector"})
public class ConvBenchmark {

    @Param({"c3x3_1-32_28", "c3x3_32-32_28", "c3x3_32-64_28", "c3x3_64-64_28", "c3x3_64-128_28",
            "c3x3_1-32_14", "c3x3_32-32_14", "c3x3_32-64_14", "c3x3_64-64_14", "c3x3_64-128_14",
            "c3x3_128-128_7", "c3x3s2_32-32_28", "c3x3s2_64-64_14", "t4x4s2_64-64_7"})
    public String shape;

    @Param({"1", "2"})
    public int threads;

    @Param({"64"})
    public int batch;

    private ConvCase c;

    @Setup(Level.Trial)
    public void setup() {
        Parallel.setThreads(threads);
        c = new ConvCase(ConvShape.parse(shape), batch);
    }

    /** No grad, in a recycler scope (the output's array is reused by the next call; nothing is left to return). */
    @Benchmark
    public void forward() {
        c.forwardNoGrad();
    }

    @Benchmark
    public Tensor forwardBackward() {
        return c.forwardBackward();
    }
}
