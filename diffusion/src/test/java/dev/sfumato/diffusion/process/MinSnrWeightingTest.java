package dev.sfumato.diffusion.process;

import dev.sfumato.diffusion.schedule.NoiseSchedule;
import dev.sfumato.tensor.Tensor;
import org.junit.jupiter.api.Test;

import static dev.sfumato.diffusion.testing.DiffusionGolden.assertClose;
import static dev.sfumato.diffusion.testing.DiffusionGolden.tensor;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class MinSnrWeightingTest {

    private final NoiseSchedule schedule = NoiseSchedule.linear(1000);
    private final Tensor t = tensor("process.t"); // 0, 1, 500, 999

    @Test
    void weightsMatchNumpyForEachPredictionTypeAndGamma() {
        for (double gamma : new double[] {5.0, 1.0}) {
            String g = gamma == 5.0 ? "5" : "1";
            assertClose("eps", tensor("minSnr.gamma" + g + ".eps"),
                    MinSnrWeighting.weights(schedule, t, PredictionType.EPS, gamma), 1e-6, 0);
            assertClose("v", tensor("minSnr.gamma" + g + ".v"),
                    MinSnrWeighting.weights(schedule, t, PredictionType.V, gamma), 1e-6, 0);
            assertClose("x0", tensor("minSnr.gamma" + g + ".x0"),
                    MinSnrWeighting.weights(schedule, t, PredictionType.X0, gamma), 1e-6, 0);
        }
    }

    @Test
    void defaultGammaIsFiveAndHighSnrStepsAreDownWeighted() {
        Tensor w = MinSnrWeighting.weights(schedule, t, PredictionType.EPS);
        assertArrayEquals(tensor("minSnr.gamma5.eps").toArray(), w.toArray());
        assertArrayEquals(new int[] {4}, w.shape());
        // t = 0: SNR = (1 − β_0)/β_0 ≈ 9999, so the ε weight is 5/9999; t = 999: SNR < 5, weight 1.
        assertEquals(5.0 / ((1 - 1e-4) / 1e-4), w.get(0), 1e-9);
        assertEquals(1f, w.get(3));
    }

    @Test
    void rejectsNonPositiveGamma() {
        assertThrows(IllegalArgumentException.class,
                () -> MinSnrWeighting.weights(schedule, t, PredictionType.EPS, 0));
    }
}
