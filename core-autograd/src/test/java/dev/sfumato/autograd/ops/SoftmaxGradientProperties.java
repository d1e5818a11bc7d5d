package dev.sfumato.autograd.ops;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;

import static dev.sfumato.autograd.ops.Case.check;

/** Gradient checks for {@link Softmax} along every dim, including large logits (the max-shift matters). */
class SoftmaxGradientProperties {

    @Property(tries = 30)
    @GradientOf(Softmax.SoftmaxOp.class)
    void softmax(@ForAll long seed) {
        Case c = new Case(seed);
        int[] s = c.shape(1, 3);
        int dim = c.rnd.nextInt(s.length) - (c.rnd.nextBoolean() ? s.length : 0);
        check(in -> in.get(0).softmax(dim), c.normal(s).mul(3f));
    }

    @Property(tries = 30)
    @GradientOf(Softmax.LogSoftmax.class)
    void logSoftmax(@ForAll long seed) {
        Case c = new Case(seed);
        int[] s = c.shape(1, 3);
        int dim = c.rnd.nextInt(s.length);
        check(in -> in.get(0).logSoftmax(dim), c.normal(s).mul(3f));
    }

    @Property(tries = 30)
    @GradientOf(Softmax.LogSumExp.class)
    void logsumexp(@ForAll long seed, @ForAll boolean keepdim) {
        Case c = new Case(seed);
        int[] s = c.shape(1, 3);
        int dim = c.rnd.nextInt(s.length);
        check(in -> in.get(0).logsumexp(dim, keepdim), c.normal(s).mul(3f));
    }
}
