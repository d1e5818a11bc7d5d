package dev.sfumato.diffusion.sampler;

import dev.sfumato.diffusion.process.PredictionType;
import dev.sfumato.diffusion.schedule.NoiseSchedule;
import dev.sfumato.tensor.Generator;
import dev.sfumato.tensor.Tensor;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static dev.sfumato.diffusion.testing.DiffusionGolden.assertClose;
import static dev.sfumato.diffusion.testing.DiffusionGolden.tensor;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** Seeded runs on the toy model against the numpy re-implementation, linear(1000), batch [2, 1, 4, 4]. */
class DdimSamplerTest {

    private static final int[] SHAPE = {2, 1, 4, 4};
    private static final double RTOL = 1e-5;
    private static final double ATOL = 2e-6;

    private final NoiseSchedule linear = NoiseSchedule.linear(1000);

    private record Snapshot(int step, int t, Tensor x0) {
    }

    private static Tensor run(DdimSampler sampler, long seed, List<Snapshot> snapshots) {
        return sampler.sample(ToyModels.TANH, SHAPE, null, new Generator(seed),
                (step, t, xt, x0) -> snapshots.add(new Snapshot(step, t, x0)));
    }

    /** η = 0, 10 uneven linspace steps, clipping on (ε re-derived from the clipped x̂_0). */
    @Test
    void deterministicRunMatchesNumpy() {
        List<Snapshot> snapshots = new ArrayList<>();
        DdimSampler sampler = new DdimSampler(linear, 10).spacing(TimestepSpacing.LINSPACE);
        Tensor x = run(sampler, 9, snapshots);
        assertClose("sample", tensor("ddim.eta0.sample"), x, RTOL, ATOL);
        assertClose("x0 first", tensor("ddim.eta0.x0.first"), snapshots.get(0).x0(), RTOL, ATOL);
        assertClose("x0 last", tensor("ddim.eta0.x0.last"), snapshots.get(9).x0(), RTOL, ATOL);
        int[] visited = snapshots.stream().mapToInt(Snapshot::t).toArray();
        assertArrayEquals(DdimSampler.timesteps(1000, 10, TimestepSpacing.LINSPACE), visited);
    }

    /** η = 1, 7 trailing steps, v-prediction, no clipping. */
    @Test
    void stochasticVPredictionRunMatchesNumpy() {
        List<Snapshot> snapshots = new ArrayList<>();
        DdimSampler sampler = new DdimSampler(linear, 7).spacing(TimestepSpacing.TRAILING).eta(1.0)
                .clipDenoised(false).predictionType(PredictionType.V);
        Tensor x = run(sampler, 10, snapshots);
        assertClose("sample", tensor("ddim.eta1.sample"), x, RTOL, ATOL);
        assertClose("x0 first", tensor("ddim.eta1.x0.first"), snapshots.get(0).x0(), RTOL, ATOL);
        assertClose("x0 last", tensor("ddim.eta1.x0.last"), snapshots.get(6).x0(), RTOL, ATOL);
    }

    /** The last step goes to ᾱ = 1, so the output is exactly the last x̂_0 (√1 x̂_0 + √0 ε̂). */
    @Test
    void lastStepReturnsThePredictedX0() {
        List<Snapshot> snapshots = new ArrayList<>();
        Tensor x = run(new DdimSampler(linear, 5), 3, snapshots);
        assertArrayEquals(snapshots.get(4).x0().toArray(), x.toArray());
    }

    /** x_T, then one draw per step with σ > 0: none for η = 0, S − 1 for η = 1 (σ = 0 on the last step). */
    @Test
    void drawsNoiseOnlyOnStepsThatAddIt() {
        Generator g0 = new Generator(1);
        new DdimSampler(linear, 7).sample(ToyModels.TANH, SHAPE, null, g0);
        assertEquals(1, g0.state()[1]);
        Generator g1 = new Generator(1);
        new DdimSampler(linear, 7).eta(1.0).sample(ToyModels.TANH, SHAPE, null, g1);
        assertEquals(7, g1.state()[1]);
    }

    @Test
    void samplesDependOnlyOnTheSeed() {
        DdimSampler sampler = new DdimSampler(linear, 7).eta(0.5);
        float[] a = sampler.sample(ToyModels.TANH, SHAPE, null, new Generator(5)).toArray();
        float[] b = sampler.sample(ToyModels.TANH, SHAPE, null, new Generator(5)).toArray();
        float[] c = sampler.sample(ToyModels.TANH, SHAPE, null, new Generator(6)).toArray();
        assertArrayEquals(a, b);
        assertFalse(Arrays.equals(a, c));
    }

    @Test
    void rejectsBadOptions() {
        assertThrows(IllegalArgumentException.class, () -> new DdimSampler(linear, 0));
        assertThrows(IllegalArgumentException.class, () -> new DdimSampler(linear, 1001));
        assertThrows(IllegalArgumentException.class, () -> new DdimSampler(linear, 10).eta(-0.1));
    }
}
