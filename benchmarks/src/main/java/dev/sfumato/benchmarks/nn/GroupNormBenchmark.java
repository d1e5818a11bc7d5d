package dev.sfumato.benchmarks.nn;

import dev.sfumato.autograd.Variable;
import dev.sfumato.nn.functional.Normalization;
import dev.sfumato.tensor.Generator;
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
 * The fused group-norm primitive against its composite twin (reshape, mean, var, rsqrt, mul, add: eight
 * autograd nodes and as many full-size temporaries), forward + backward into x, γ and β, on U-Net
 * feature maps [N, C, H, W] with 32 groups. Milliseconds per call.
 *
 * <p>Three runs (1 thread, 2-4 warmup and 4-10 measured iterations) on the shared 2-core build machine at
 * load average 7-12, so the spread is wide: fused 11.9-15.4 ms against composite 17.8-112.9 ms at
 * 16x64x28x28, and fused 3.6-10.2 ms against composite 28.5-65.2 ms at 16x128x14x14. The fused op was
 * faster in every run; the size of the gain needs a quiet machine to pin down.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules=jdk.incubator.vector"})
public class GroupNormBenchmark {

    /** N x C x H x W. */
    @Param({"16x64x28x28", "16x128x14x14"})
    public String shape;

    @Param({"1"})
    public int threads;

    private Tensor x;
    private Tensor gamma;
    private Tensor beta;
    private Tensor dy;

    @Setup(Level.Trial)
    public void setup() {
        Parallel.setThreads(threads);
        String[] p = shape.split("x");
        int[] s = {Integer.parseInt(p[0]), Integer.parseInt(p[1]), Integer.parseInt(p[2]), Integer.parseInt(p[3])};
        Generator g = new Generator(1);
        x = Tensor.randn(g, s);
        gamma = Tensor.randn(g, s[1]);
        beta = Tensor.randn(g, s[1]);
        dy = Tensor.randn(g, s);
    }

    @Benchmark
    public Tensor fused() {
        Variable xv = new Variable(x, true);
        Normalization.groupNorm(xv, 32, new Variable(gamma, true), new Variable(beta, true), 1e-5).backward(dy);
        return xv.grad();
    }

    @Benchmark
    public Tensor composite() {
        Variable xv = new Variable(x, true);
        Normalization.groupNormComposite(xv, 32, new Variable(gamma, true), new Variable(beta, true), 1e-5).backward(dy);
        return xv.grad();
    }
}
