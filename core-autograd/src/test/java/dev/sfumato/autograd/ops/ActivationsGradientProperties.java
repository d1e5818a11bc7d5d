package dev.sfumato.autograd.ops;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;

import static dev.sfumato.autograd.ops.Case.check;

/** Gradient checks for {@link Activations}; relu away from its kink (relu'(0) is in SubgradientTest). */
class ActivationsGradientProperties {

    @Property(tries = 20)
    @GradientOf(Activations.Tanh.class)
    void tanh(@ForAll long seed) {
        Case c = new Case(seed);
        check(in -> in.get(0).tanh(), c.normal(c.shape()));
    }

    @Property(tries = 20)
    @GradientOf(Activations.Sigmoid.class)
    void sigmoid(@ForAll long seed) {
        Case c = new Case(seed);
        check(in -> in.get(0).sigmoid(), c.normal(c.shape()));
    }

    @Property(tries = 20)
    @GradientOf(Activations.Relu.class)
    void relu(@ForAll long seed) {
        Case c = new Case(seed);
        check(in -> in.get(0).relu(), c.awayFromZero(0.05f, c.shape()));
    }

    @Property(tries = 20)
    @GradientOf(Activations.Silu.class)
    void silu(@ForAll long seed) {
        Case c = new Case(seed);
        check(in -> in.get(0).silu(), c.normal(c.shape()));
    }

    @Property(tries = 30)
    @GradientOf(Activations.Gelu.class)
    void gelu(@ForAll long seed) {
        Case c = new Case(seed);
        check(in -> in.get(0).gelu(), c.normal(c.shape()).mul(2f));
    }

    @Property(tries = 10)
    @GradientOf(Activations.Gelu.class)
    void geluNearZeroUsesItsTaylorBranch(@ForAll long seed) {
        Case c = new Case(seed);
        check(in -> in.get(0).gelu(), c.uniform(-2e-3f, 2e-3f, c.shape(1, 2)));
    }
}
