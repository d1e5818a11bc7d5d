package dev.sfumato.diffusion.sampler;

import dev.sfumato.diffusion.process.PredictionType;
import dev.sfumato.diffusion.schedule.NoiseSchedule;
import dev.sfumato.tensor.Generator;
import dev.sfumato.tensor.Tensor;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static dev.sfumato.diffusion.testing.DiffusionGolden.assertClose;
import static dev.sfumato.diffusion.testing.DiffusionGolden.doubles;
import static dev.sfumato.diffusion.testing.DiffusionGolden.tensor;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/** Seeded runs on the toy model against the numpy re-implementation, T = 20, batch [2, 1, 4, 4]. */
class DdpmSamplerTest {

    private static final int[] SHAPE = {2, 1, 4, 4};
    private static final double RTOL = 1e-5;
    private static final double ATOL = 2e-6;

    private final NoiseSchedule small = NoiseSchedule.linear(20, 0.005, 0.5);

    private record Snapshot(int step, int t, Tensor x0) {
    }

    private static Tensor run(DdpmSampler sampler, long seed, List<Snapshot> snapshots) {
        return sampler.sample(ToyModels.TANH, SHAPE, null, new Generator(seed),
                (step, t, xt, x0) -> snapshots.add(new Snapshot(step, t, x0)));
    }

    @Test
    void fixedLargeWithClippingMatchesNumpy() {
        List<Snapshot> snapshots = new ArrayList<>();
        Tensor x = run(new DdpmSampler(small), 7, snapshots);
        assertClose("sample", tensor("ddpm.fixedlarge.sample"), x, RTOL, ATOL);
        assertClose("x0 first", tensor("ddpm.fixedlarge.x0.first"), snapshots.get(0).x0(), RTOL, ATOL);
        assertClose("x0 last", tensor("ddpm.fixedlarge.x0.last"), snapshots.get(19).x0(), RTOL, ATOL);
    }

    @Test
    void fixedSmallWithX0PredictionMatchesNumpy() {
        List<Snapshot> snapshots = new ArrayList<>();
        DdpmSampler sampler = new DdpmSampler(small).variance(DdpmSampler.Variance.FIXED_SMALL)
                .clipDenoised(false).predictionType(PredictionType.X0);
        Tensor x = run(sampler, 8, snapshots);
        assertClose("sample", tensor("ddpm.fixedsmall.sample"), x, RTOL, ATOL);
        assertClose("x0 first", tensor("ddpm.fixedsmall.x0.first"), snapshots.get(0).x0(), RTOL, ATOL);
        assertClose("x0 last", tensor("ddpm.fixedsmall.x0.last"), snapshots.get(19).x0(), RTOL, ATOL);
    }

    @Test
    void listenerSeesEveryTimestepInDescendingOrder() {
        List<Snapshot> snapshots = new ArrayList<>();
        run(new DdpmSampler(small), 7, snapshots);
        assertEquals(20, snapshots.size());
        for (int i = 0; i < 20; i++) {
            assertEquals(i, snapshots.get(i).step());
            assertEquals(19 - i, snapshots.get(i).t());
        }
    }

    @Test
    void modelSeesTheCurrentTimestepForEverySample() {
        List<float[]> seen = new ArrayList<>();
        Denoiser spy = (xt, t, labels) -> {
            seen.add(t.toArray());
            return ToyModels.TANH.predict(xt, t, labels);
        };
        new DdpmSampler(small).sample(spy, SHAPE, null, new Generator(1));
        assertArrayEquals(new float[] {19, 19}, seen.get(0));
        assertArrayEquals(new float[] {0, 0}, seen.get(19));
    }

    @Test
    void samplesDependOnlyOnTheSeed() {
        DdpmSampler sampler = new DdpmSampler(small);
        float[] a = sampler.sample(ToyModels.TANH, SHAPE, null, new Generator(5)).toArray();
        float[] b = sampler.sample(ToyModels.TANH, SHAPE, null, new Generator(5)).toArray();
        float[] c = sampler.sample(ToyModels.TANH, SHAPE, null, new Generator(6)).toArray();
        assertArrayEquals(a, b);
        assertFalse(java.util.Arrays.equals(a, c));
    }

    /** One draw for x_T, one per step with t > 0: T draws in all. */
    @Test
    void drawsOneNoiseTensorPerNoisyStep() {
        Generator g = new Generator(7);
        new DdpmSampler(small).sample(ToyModels.TANH, SHAPE, null, g);
        assertEquals(20, g.state()[1]);
    }

    @Test
    void varianceTablesMatchTheOriginalCode() {
        assertClose("fixedlarge", doubles("small.fixedLargeLogVariance"),
                DdpmSampler.Variance.FIXED_LARGE.logVariance(small), 1e-12, 0);
        assertClose("fixedsmall", doubles("small.posteriorLogVarianceClipped"),
                DdpmSampler.Variance.FIXED_SMALL.logVariance(small), 1e-12, 0);
        NoiseSchedule linear = NoiseSchedule.linear(1000);
        double[] large = DdpmSampler.Variance.FIXED_LARGE.logVariance(linear);
        assertEquals(Math.log(linear.posteriorVariance()[1]), large[0]);
        assertEquals(Math.log(0.02), large[999]);
        assertClose("linear fixedlarge", doubles("linear.fixedLargeLogVariance"), large, 1e-12, 0);
    }
}
