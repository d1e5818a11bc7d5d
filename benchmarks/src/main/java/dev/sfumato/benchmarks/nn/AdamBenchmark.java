package dev.sfumato.benchmarks.nn;

import dev.sfumato.autograd.Variable;
import dev.sfumato.nn.optim.Adam;
import dev.sfumato.tensor.Generator;
import dev.sfumato.tensor.Parallel;
import dev.sfumato.tensor.Tensor;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * One Adam step on a 4M-element parameter (16 MB per tensor): the fused single pass against the composite
 * of tensor ops ({@code Adam.builder(...).fused(false)}), which give the same bits. The gradient stays the
 * same from step to step; the update itself does not depend on its values.
 *
 * <p>Run: {@code mvn -B -q -pl benchmarks -am package -DskipTests && mvn -B -q -pl benchmarks exec:exec
 * -Djmh.args="AdamBenchmark -f 1 -wi 3 -i 5"}.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@State(Scope.Benchmark)
@Fork(value = 1, jvmArgsAppend = {"-Xmx2g"})
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class AdamBenchmark {

    @Param({"4194304"})
    public int n;

    @Param({"1", "2"})
    public int threads;

    @Param({"false", "true"})
    public boolean amsgrad;

    private Adam fused;
    private Adam composite;
    private int threadsBefore;

    @Setup
    public void setUp() {
        threadsBefore = Parallel.threads();
        Parallel.setThreads(threads);
        fused = make(true);
        composite = make(false);
    }

    private Adam make(boolean isFused) {
        Generator g = new Generator(1);
        Variable p = Variable.param(Tensor.randn(g, n));
        p.mul(new Variable(Tensor.randn(g, n))).sum().backward();   // p.grad = a fixed random tensor
        return Adam.builder(List.of(p)).lr(1e-3).weightDecay(1e-2).amsgrad(amsgrad).fused(isFused).build();
    }

    @TearDown
    public void tearDown() {
        Parallel.setThreads(threadsBefore);
    }

    @Benchmark
    public void fusedStep() {
        fused.step();
    }

    @Benchmark
    public void compositeStep() {
        composite.step();
    }
}
