package dev.sfumato.autograd.ops;

import dev.sfumato.tensor.Tensor;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;

import static dev.sfumato.autograd.ops.Case.check;

/** Gradient checks for {@link Pointwise}, away from kinks (abs at 0, clamp at its bounds). */
class PointwiseGradientProperties {

    @Property(tries = 20)
    @GradientOf(Pointwise.Abs.class)
    void abs(@ForAll long seed) {
        Case c = new Case(seed);
        check(in -> in.get(0).abs(), c.awayFromZero(0.05f, c.shape()));
    }

    @Property(tries = 20)
    @GradientOf(Pointwise.Sin.class)
    void sin(@ForAll long seed) {
        Case c = new Case(seed);
        check(in -> in.get(0).sin(), c.normal(c.shape()));
    }

    @Property(tries = 20)
    @GradientOf(Pointwise.Cos.class)
    void cos(@ForAll long seed) {
        Case c = new Case(seed);
        check(in -> in.get(0).cos(), c.normal(c.shape()));
    }

    @Property(tries = 30)
    @GradientOf(Pointwise.Clamp.class)
    void clamp(@ForAll long seed) {
        Case c = new Case(seed);
        // Values on the grid 0.1 + k/2 and bounds on 0.35 + k/2: never within 0.25 of a bound.
        Tensor x = c.grid(0.1f, c.shape());
        float lo = -0.65f - c.rnd.nextInt(2) / 2f;
        float hi = 0.35f + c.rnd.nextInt(2) / 2f;
        check(in -> in.get(0).clamp(lo, hi), x);
    }
}
