package dev.sfumato.autograd.gradcheck;

import dev.sfumato.autograd.Node;
import dev.sfumato.autograd.Variable;
import dev.sfumato.tensor.Tensor;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** GradCheck itself: it passes correct rules, catches wrong ones, and leaves its inputs as it found them. */
class GradCheckTest {

    /** sin with a wrong rule: claims d/dx sin x = sin x (the right one is cos x). */
    static final class WrongSin extends Node {
        private final Tensor x;

        private WrongSin(Variable x) {
            super("wrongSin", x);
            this.x = x.value();
        }

        static Variable apply(Variable x) {
            return new WrongSin(x).output(x.value().sin());
        }

        @Override
        protected Tensor[] backward(Tensor g) {
            return new Tensor[] {g.mul(x.sin())};
        }
    }

    /** 3x with a rule that is 1% off: claims d/dx = 3.03. */
    static final class OffByScale extends Node {
        private OffByScale(Variable x) {
            super("offByScale", x);
        }

        static Variable apply(Variable x) {
            return new OffByScale(x).output(x.value().mul(3f));
        }

        @Override
        protected Tensor[] backward(Tensor g) {
            return new Tensor[] {g.mul(3.03f)};
        }
    }

    @Test
    void passesACorrectComposite() {
        Tensor a = Tensor.of(new float[][] {{0.3f, -1.2f}, {2f, 0.7f}});
        Tensor b = Tensor.of(0.5f, -0.25f);
        GradCheck.Report r = GradCheck.check(in -> in.get(0).mul(in.get(1)).tanh().sum(), a, b);
        assertTrue(r.passed(), r.toString());
        assertEquals(2, r.inputs().size());
        assertTrue(r.inputs().get(0).maxAbsError() < 1e-3, r.toString());
    }

    @Test
    void catchesAWrongDerivative() {
        GradCheck.Report r = GradCheck.check(in -> WrongSin.apply(in.get(0)), Tensor.of(0.3f, 1.1f, -2f));
        assertFalse(r.passed());
        AssertionError e = assertThrows(AssertionError.class, r::assertPassed);
        assertTrue(e.getMessage().contains("input 0 [3]: FAILED"), e.getMessage());
    }

    @Test
    void catchesAOnePercentScaleError() {
        GradCheck.Report r = GradCheck.check(in -> OffByScale.apply(in.get(0)), Tensor.of(0.3f, 1.1f, -2f));
        assertFalse(r.passed(), r.toString());
    }

    @Test
    void restoresItsInputs() {
        Tensor x = Tensor.of(new float[][] {{0.3f, -1.2f, 5f}, {2f, 0.7f, -3f}}).t();    // non-contiguous
        float[] before = x.toArray();
        GradCheck.check(in -> in.get(0).exp().sum(), x);
        assertArrayEquals(before, x.toArray());
    }

    @Test
    void refusesBroadcastInputs() {
        Tensor x = Tensor.of(1f, 2f).expand(3, 2);
        assertThrows(IllegalArgumentException.class, () -> GradCheck.check(in -> in.get(0).sum(), x));
    }

    @Test
    void stepIsAPowerOfTwoScaledWithTheInput() {
        assertEquals(0x1p-7f, GradCheck.step(0x1p-7f, 0.3f));
        assertEquals(0x1p-7f, GradCheck.step(0x1p-7f, -1f));
        assertEquals(0x1p-6f, GradCheck.step(0x1p-7f, 1.5f));
        assertEquals(0x1p-6f, GradCheck.step(0x1p-7f, 2f));
        assertEquals(0x1p-4f, GradCheck.step(0x1p-7f, -7.9f));
    }
}
