package dev.sfumato.nn.optim;

import dev.sfumato.autograd.Variable;
import dev.sfumato.tensor.Tensor;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/** clipGradNorm by hand: a 3-4-12 triangle of gradients, parameters without gradients, no gradients at all. */
class GradClipTest {

    private static Variable withGrad(float... g) {
        Variable v = Variable.param(Tensor.zeros(g.length));
        v.mul(new Variable(Tensor.of(g))).sum().backward();   // d/dv sum(v * g) = g
        return v;
    }

    @Test
    void globalNormOverAllGradientsSkippingNulls() {
        Variable a = withGrad(3, 4);
        Variable none = Variable.param(Tensor.zeros(2));
        Variable b = withGrad(12);
        float norm = GradClip.clipGradNorm(List.of(a, none, b), 6.5);   // sqrt(9 + 16 + 144) = 13
        assertEquals(13f, norm);
        float coef = 6.5f / (13f + 1e-6f);
        assertArrayEquals(new float[] {3 * coef, 4 * coef}, a.grad().toArray());
        assertArrayEquals(new float[] {12 * coef}, b.grad().toArray());
        assertNull(none.grad());
    }

    @Test
    void belowTheMaximumNothingChanges() {
        Variable a = withGrad(3, 4);
        assertEquals(5f, GradClip.clipGradNorm(List.of(a), 5.0));    // coefficient 5 / (5 + 1e-6) < 1: clipped
        Variable b = withGrad(3, 4);
        assertEquals(5f, GradClip.clipGradNorm(List.of(b), 6.0));
        assertArrayEquals(new float[] {3, 4}, b.grad().toArray());
    }

    @Test
    void noGradientsGiveNormZero() {
        assertEquals(0f, GradClip.clipGradNorm(List.of(Variable.param(Tensor.zeros(3))), 1.0));
    }
}
