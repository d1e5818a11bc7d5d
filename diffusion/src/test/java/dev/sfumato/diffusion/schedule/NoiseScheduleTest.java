package dev.sfumato.diffusion.schedule;

import dev.sfumato.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;

import static dev.sfumato.diffusion.testing.DiffusionGolden.assertClose;
import static dev.sfumato.diffusion.testing.DiffusionGolden.doubles;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class NoiseScheduleTest {

    /** Tables in double agree with numpy to rounding: the same operations in the same order. */
    private static final double TABLE_RTOL = 1e-12;

    private static final Map<String, Function<NoiseSchedule, double[]>> TABLES = new LinkedHashMap<>();

    static {
        TABLES.put("betas", NoiseSchedule::betas);
        TABLES.put("alphas", NoiseSchedule::alphas);
        TABLES.put("alphaBar", NoiseSchedule::alphaBar);
        TABLES.put("alphaBarPrev", NoiseSchedule::alphaBarPrev);
        TABLES.put("sqrtAlphaBar", NoiseSchedule::sqrtAlphaBar);
        TABLES.put("sqrtOneMinusAlphaBar", NoiseSchedule::sqrtOneMinusAlphaBar);
        TABLES.put("logOneMinusAlphaBar", NoiseSchedule::logOneMinusAlphaBar);
        TABLES.put("sqrtRecipAlphaBar", NoiseSchedule::sqrtRecipAlphaBar);
        TABLES.put("sqrtRecipM1AlphaBar", NoiseSchedule::sqrtRecipM1AlphaBar);
        TABLES.put("posteriorVariance", NoiseSchedule::posteriorVariance);
        TABLES.put("posteriorLogVarianceClipped", NoiseSchedule::posteriorLogVarianceClipped);
        TABLES.put("posteriorMeanCoef1", NoiseSchedule::posteriorMeanCoef1);
        TABLES.put("posteriorMeanCoef2", NoiseSchedule::posteriorMeanCoef2);
    }

    private static NoiseSchedule schedule(String name) {
        return switch (name) {
            case "linear" -> NoiseSchedule.linear(1000);
            case "cosine" -> NoiseSchedule.cosine(1000);
            case "small" -> NoiseSchedule.linear(20, 0.005, 0.5);
            default -> throw new IllegalArgumentException(name);
        };
    }

    @ParameterizedTest
    @ValueSource(strings = {"linear", "cosine", "small"})
    void everyTableMatchesNumpy(String name) {
        NoiseSchedule schedule = schedule(name);
        for (Map.Entry<String, Function<NoiseSchedule, double[]>> table : TABLES.entrySet()) {
            double[] expected = doubles(name + "." + table.getKey());
            double[] actual = table.getValue().apply(schedule);
            assertClose(name + "." + table.getKey(), expected, actual, TABLE_RTOL, 0);
        }
    }

    /** The ends are where off-by-one errors live: each table at t = 0 and t = T−1, against numpy. */
    @ParameterizedTest
    @ValueSource(strings = {"linear", "cosine", "small"})
    void everyTableAtFirstAndLastTimestep(String name) {
        NoiseSchedule schedule = schedule(name);
        int last = schedule.numTimesteps() - 1;
        for (Map.Entry<String, Function<NoiseSchedule, double[]>> table : TABLES.entrySet()) {
            double[] expected = doubles(name + "." + table.getKey());
            double[] actual = table.getValue().apply(schedule);
            assertEquals(expected.length, schedule.numTimesteps(), table.getKey());
            assertEquals(expected[0], actual[0], TABLE_RTOL * Math.abs(expected[0]), table.getKey() + "[0]");
            assertEquals(expected[last], actual[last], TABLE_RTOL * Math.abs(expected[last]),
                    table.getKey() + "[T-1]");
        }
    }

    @Test
    void linearEndsAreExactlyTheConfiguredBetas() {
        double[] betas = NoiseSchedule.linear(1000).betas();
        assertEquals(1e-4, betas[0]);
        assertEquals(0.02, betas[999]);
        assertEquals(1e-4 + (0.02 - 1e-4) / 999, betas[1], 1e-18);
    }

    @Test
    void cosineClipsTheLastBetaAt0999() {
        double[] betas = NoiseSchedule.cosine(1000).betas();
        assertEquals(0.999, betas[999]);
        assertTrue(betas[998] < 0.999);
    }

    @Test
    void previousAlphaBarIsShiftedByOneWithOneInFront() {
        NoiseSchedule s = NoiseSchedule.linear(1000);
        double[] alphaBar = s.alphaBar();
        double[] prev = s.alphaBarPrev();
        assertEquals(1.0, prev[0]);
        for (int t = 1; t < 1000; t++) {
            assertEquals(alphaBar[t - 1], prev[t], 0.0);
        }
        assertEquals(1.0, s.alphaBar(-1));
        assertEquals(alphaBar[999], s.alphaBar(999));
        assertEquals((1 - 1e-4) * (1 - (1e-4 + (0.02 - 1e-4) / 999)), alphaBar[1], 1e-16);
    }

    @Test
    void posteriorVarianceIsZeroAtTheFirstStepAndItsLogIsClipped() {
        NoiseSchedule s = NoiseSchedule.linear(1000);
        double[] variance = s.posteriorVariance();
        double[] log = s.posteriorLogVarianceClipped();
        assertEquals(0.0, variance[0]);
        assertEquals(Math.log(variance[1]), log[0]);
        assertEquals(Math.log(variance[1]), log[1]);
        assertEquals(Math.log(variance[999]), log[999]);
        // β̃_1 = β_1 (1 − ᾱ_0) / (1 − ᾱ_1), written out.
        double[] b = s.betas();
        double alphaBar1 = (1 - b[0]) * (1 - b[1]);
        assertEquals(b[1] * b[0] / (1 - alphaBar1), variance[1], 1e-12 * variance[1]);
    }

    @Test
    void posteriorMeanAtTheFirstStepIsX0() {
        // Eq. 7 at t = 0, where ᾱ_{−1} = 1 and 1 − ᾱ_0 = β_0: coef1 = β_0 / β_0 = 1 and coef2 = 0.
        NoiseSchedule s = NoiseSchedule.cosine(1000);
        assertEquals(1.0, s.posteriorMeanCoef1()[0], 1e-12);
        assertEquals(0.0, s.posteriorMeanCoef2()[0]);
    }

    @Test
    void oneTimestepIsAllowedAndItsClippedLogVarianceIsMinusInfinity() {
        NoiseSchedule s = NoiseSchedule.linear(1);
        assertEquals(1, s.numTimesteps());
        assertEquals(1e-4, s.betas()[0]);
        assertEquals(Double.NEGATIVE_INFINITY, s.posteriorLogVarianceClipped()[0]);
        assertEquals(1, NoiseSchedule.cosine(1).numTimesteps());
    }

    @Test
    void rejectsBadTimestepCountsAndBetas() {
        assertThrows(IllegalArgumentException.class, () -> NoiseSchedule.linear(0));
        assertThrows(IllegalArgumentException.class, () -> NoiseSchedule.cosine(-1));
        assertThrows(IllegalArgumentException.class, () -> NoiseSchedule.linear(10, 0.0, 0.02));
        assertThrows(IllegalArgumentException.class, () -> NoiseSchedule.linear(10, 1e-4, 1.0));
        assertThrows(IllegalArgumentException.class, () -> NoiseSchedule.fromBetas(new double[] {0.1, Double.NaN}));
        assertThrows(IllegalArgumentException.class, () -> NoiseSchedule.fromBetas(new double[0]));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> NoiseSchedule.fromBetas(new double[] {0.1, 0.2, -0.5}));
        assertTrue(e.getMessage().contains("beta[2]"), e.getMessage());
    }

    @Test
    void fromBetasCopiesItsInput() {
        double[] betas = {0.1, 0.2};
        NoiseSchedule s = NoiseSchedule.fromBetas(betas);
        betas[0] = 0.5;
        assertEquals(0.1, s.betas()[0]);
        s.betas()[1] = 0.7;
        assertEquals(0.2, s.betas()[1]);
    }

    @Test
    void extractGathersPerSampleAndShapesForBroadcasting() {
        double[] table = NoiseSchedule.linear(1000).sqrtAlphaBar();
        Tensor t = Tensor.of(999f, 0f, 500f);
        Tensor out = NoiseSchedule.extract(table, t, 4);
        assertArrayEquals(new int[] {3, 1, 1, 1}, out.shape());
        assertArrayEquals(new float[] {(float) table[999], (float) table[0], (float) table[500]}, out.toArray());
        assertArrayEquals(new int[] {3, 1}, NoiseSchedule.extract(table, t, 2).shape());
    }

    @Test
    void extractRejectsTimestepsThatAreNotIndices() {
        double[] table = NoiseSchedule.linear(10).betas();
        assertThrows(IllegalArgumentException.class, () -> NoiseSchedule.extract(table, Tensor.of(10f), 4));
        assertThrows(IllegalArgumentException.class, () -> NoiseSchedule.extract(table, Tensor.of(-1f), 4));
        assertThrows(IllegalArgumentException.class, () -> NoiseSchedule.extract(table, Tensor.of(1.5f), 4));
        assertThrows(IllegalArgumentException.class, () -> NoiseSchedule.extract(table, Tensor.zeros(2, 1), 4));
        assertThrows(IllegalArgumentException.class, () -> NoiseSchedule.extract(table, Tensor.of(1f), 0));
    }
}
