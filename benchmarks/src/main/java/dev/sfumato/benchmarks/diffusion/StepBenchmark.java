package dev.sfumato.benchmarks.diffusion;

import dev.sfumato.diffusion.training.Trainer;
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
 * A full DDPM U-Net training step and a sampler's no-grad network evaluation, on the default network at
 * batch 32 and 64 (issue 6). Milliseconds per step; with {@code -prof gc}, {@code gc.alloc.rate.norm} is the
 * heap allocated per step. What a step is, exactly, is in {@link StepCase}: {@code trainStep} is
 * {@link Trainer#step()} of the default recipe (data, q_sample, forward, MSE on ε, backward, clip, Adam,
 * EMA), {@code sampleStep} is {@code UNet.predict} in eval mode.
 *
 * <p>A step takes from a fraction of a second to seconds, so iterations are long. The PyTorch side is
 * {@code benchmarks/scripts/ddpm_step_torch.py}; {@code step-side-by-side.sh} runs both with the plain
 * {@link StepRunner}, which also reports peak RSS.
 * <pre>
 * mvn -B -q -pl benchmarks -am package exec:exec -DskipTests -Djmh.args="StepBenchmark -prof gc"
 * </pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 10)
@Measurement(iterations = 5, time = 10)
@Fork(value = 1, jvmArgsAppend = {"--add-modules=jdk.incubator.vector", "-XX:G1HeapRegionSize=2m"})
public class StepBenchmark {

    @Param({"1", "2"})
    public int threads;

    @Param({"32", "64"})
    public int batch;

    private Trainer trainer;
    private StepCase.Sampling sampling;

    @Setup(Level.Trial)
    public void setup() {
        Parallel.setThreads(threads);
        trainer = StepCase.trainer(batch, 0);
        sampling = new StepCase.Sampling(batch, 0);
    }

    @Benchmark
    public Trainer.StepResult trainStep() {
        return trainer.step();
    }

    @Benchmark
    public Tensor sampleStep() {
        return sampling.step();
    }
}
