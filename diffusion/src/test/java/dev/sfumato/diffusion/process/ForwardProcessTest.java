package dev.sfumato.diffusion.process;

import dev.sfumato.diffusion.schedule.NoiseSchedule;
import dev.sfumato.tensor.Generator;
import dev.sfumato.tensor.Tensor;
import org.junit.jupiter.api.Test;

import static dev.sfumato.diffusion.testing.DiffusionGolden.assertClose;
import static dev.sfumato.diffusion.testing.DiffusionGolden.tensor;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** Golden values at t = 0, 1, 500, 999 of linear(1000), one timestep per sample of a [4, 1, 2, 3] batch. */
class ForwardProcessTest {

    private static final double RTOL = 1e-5;
    private static final double ATOL = 1e-6;

    private final NoiseSchedule schedule = NoiseSchedule.linear(1000);
    private final ForwardProcess q = new ForwardProcess(schedule);
    private final Tensor t = tensor("process.t");
    private final Tensor x0 = tensor("process.x0");
    private final Tensor xt = tensor("process.xt");
    private final Tensor eps = tensor("process.eps");

    @Test
    void goldenTimestepsCoverBothEnds() {
        assertArrayEquals(new float[] {0, 1, 500, 999}, t.toArray());
    }

    @Test
    void qSampleMatchesNumpy() {
        assertClose("qSample", tensor("process.qSample"), q.qSample(x0, t, eps), RTOL, ATOL);
    }

    @Test
    void epsAndX0ConversionsMatchNumpy() {
        assertClose("predictX0FromEps", tensor("process.predictX0FromEps"), q.predictX0FromEps(xt, t, eps), RTOL, ATOL);
        assertClose("predictEpsFromX0", tensor("process.predictEpsFromX0"), q.predictEpsFromX0(xt, t, x0), RTOL, ATOL);
    }

    @Test
    void vConversionsMatchNumpy() {
        assertClose("v", tensor("process.v"), q.v(x0, t, eps), RTOL, ATOL);
        assertClose("predictX0FromV", tensor("process.predictX0FromV"), q.predictX0FromV(xt, t, eps), RTOL, ATOL);
        assertClose("predictEpsFromV", tensor("process.predictEpsFromV"), q.predictEpsFromV(xt, t, eps), RTOL, ATOL);
    }

    @Test
    void posteriorMatchesNumpyIncludingTheClippedFirstStep() {
        Posterior p = q.qPosteriorMeanVariance(x0, xt, t);
        assertClose("posteriorMean", tensor("process.posteriorMean"), p.mean(), RTOL, ATOL);
        assertClose("posteriorVariance", tensor("process.posteriorVariance"), p.variance(), RTOL, 0);
        assertClose("posteriorLogVariance", tensor("process.posteriorLogVariance"), p.logVariance(), RTOL, 0);
        assertArrayEquals(new int[] {4, 1, 1, 1}, p.variance().shape());
        // t = 0: μ̃ = x_0 exactly (coef1 = 1, coef2 = 0) and β̃_0 = 0.
        assertArrayEquals(x0.select(0, 0).toArray(), p.mean().select(0, 0).toArray());
        assertEquals(0f, p.variance().get(0, 0, 0, 0));
    }

    /** qSample followed by each inversion gives back x_0 and ε, for a batch of random timesteps. */
    @Test
    void inversionsUndoQSample() {
        Generator g = new Generator(3);
        Tensor x0 = Tensor.rand(g, 8, 2, 3, 3).mul(2f).sub(1f);
        Tensor eps = Tensor.randn(g, 8, 2, 3, 3);
        Tensor t = Tensor.of(0, 1, 2, 100, 400, 700, 998, 999);
        Tensor xt = q.qSample(x0, t, eps);
        Tensor v = q.v(x0, t, eps);
        // At t = 999, x_t is nearly pure noise, so x_0 from ε is ill-conditioned (1/√ᾱ ≈ 160): loose atol.
        assertClose("x0 from eps", x0, q.predictX0FromEps(xt, t, eps), 1e-4, 2e-4);
        assertClose("eps from x0 (t > 0)", eps.narrow(0, 1, 7), q.predictEpsFromX0(xt, t, x0).narrow(0, 1, 7), 1e-3, 1e-3);
        assertClose("x0 from v", x0, q.predictX0FromV(xt, t, v), 1e-5, 1e-5);
        assertClose("eps from v", eps, q.predictEpsFromV(xt, t, v), 1e-5, 1e-5);
    }

    @Test
    void targetsPerPredictionType() {
        assertSame(eps, PredictionType.EPS.target(q, x0, eps, t));
        assertSame(x0, PredictionType.X0.target(q, x0, eps, t));
        assertClose("v target", tensor("process.v"), PredictionType.V.target(q, x0, eps, t), RTOL, ATOL);
        // Each type turns its own target back into x_0.
        Tensor xt = q.qSample(x0, t, eps);
        for (PredictionType type : PredictionType.values()) {
            Tensor target = type.target(q, x0, eps, t);
            assertClose(type + " x0", x0.narrow(0, 0, 3), type.predictX0(q, xt, t, target).narrow(0, 0, 3), 1e-4, 1e-4);
            assertClose(type + " eps", eps.narrow(0, 1, 3), type.predictEps(q, xt, t, target).narrow(0, 1, 3), 1e-3, 1e-3);
        }
    }

    @Test
    void rejectsTimestepsOutsideTheSchedule() {
        assertThrows(IllegalArgumentException.class,
                () -> q.qSample(x0, Tensor.of(0, 1, 500, 1000), eps));
    }
}
