package dev.sfumato.diffusion.sampler;

import dev.sfumato.tensor.Tensor;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static dev.sfumato.diffusion.testing.DiffusionGolden.assertClose;
import static dev.sfumato.diffusion.testing.DiffusionGolden.tensor;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class ClassifierFreeGuidanceTest {

    private final Tensor x = tensor("cfg.x");           // [2, 1, 4, 4]
    private final Tensor t = tensor("cfg.t");           // [5, 17]
    private final Tensor labels = tensor("cfg.labels"); // [1, 7]

    @Test
    void combinationMatchesNumpy() {
        Denoiser guided = new ClassifierFreeGuidance(ToyModels.CONDITIONAL, 3.0, 10);
        assertClose("guided", tensor("cfg.guided"), guided.predict(x, t, labels), 1e-5, 2e-6);
    }

    @Test
    void runsTheModelOnceOnTheDoubledBatch() {
        List<Tensor[]> calls = new ArrayList<>();
        Denoiser spy = (xt, tt, ll) -> {
            calls.add(new Tensor[] {xt, tt, ll});
            return ToyModels.CONDITIONAL.predict(xt, tt, ll);
        };
        new ClassifierFreeGuidance(spy, 3.0, 10).predict(x, t, labels);
        assertEquals(1, calls.size());
        Tensor[] call = calls.get(0);
        assertArrayEquals(new int[] {4, 1, 4, 4}, call[0].shape());
        assertArrayEquals(x.toArray(), call[0].narrow(0, 2, 2).toArray());
        assertArrayEquals(new float[] {5, 17, 5, 17}, call[1].toArray());
        assertArrayEquals(new float[] {1, 7, 10, 10}, call[2].toArray());
    }

    @Test
    void scaleOneIsTheConditionalModelAndZeroTheUnconditional() {
        Tensor cond = ToyModels.CONDITIONAL.predict(x, t, labels);
        Tensor uncond = ToyModels.CONDITIONAL.predict(x, t, Tensor.full(10f, 2));
        assertClose("w = 1", cond, new ClassifierFreeGuidance(ToyModels.CONDITIONAL, 1.0, 10).predict(x, t, labels), 0, 3e-7);
        assertClose("w = 0", uncond, new ClassifierFreeGuidance(ToyModels.CONDITIONAL, 0.0, 10).predict(x, t, labels), 0, 0);
    }

    @Test
    void requiresLabels() {
        assertThrows(IllegalArgumentException.class,
                () -> new ClassifierFreeGuidance(ToyModels.CONDITIONAL, 3.0, 10).predict(x, t, null));
    }
}
