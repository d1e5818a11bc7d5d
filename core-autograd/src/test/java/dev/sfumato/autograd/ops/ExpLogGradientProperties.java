package dev.sfumato.autograd.ops;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.FloatRange;

import static dev.sfumato.autograd.ops.Case.check;

/** Gradient checks for {@link ExpLog}, on each function's domain. */
class ExpLogGradientProperties {

    @Property(tries = 20)
    @GradientOf(ExpLog.Exp.class)
    void exp(@ForAll long seed) {
        Case c = new Case(seed);
        check(in -> in.get(0).exp(), c.normal(c.shape()));
    }

    @Property(tries = 20)
    @GradientOf(ExpLog.Log.class)
    void log(@ForAll long seed) {
        Case c = new Case(seed);
        check(in -> in.get(0).log(), c.uniform(0.3f, 3f, c.shape()));
    }

    @Property(tries = 20)
    @GradientOf(ExpLog.Sqrt.class)
    void sqrt(@ForAll long seed) {
        Case c = new Case(seed);
        check(in -> in.get(0).sqrt(), c.uniform(0.3f, 3f, c.shape()));
    }

    @Property(tries = 20)
    @GradientOf(ExpLog.Rsqrt.class)
    void rsqrt(@ForAll long seed) {
        Case c = new Case(seed);
        check(in -> in.get(0).rsqrt(), c.uniform(0.3f, 3f, c.shape()));
    }

    @Property(tries = 20)
    @GradientOf(ExpLog.Square.class)
    void square(@ForAll long seed) {
        Case c = new Case(seed);
        check(in -> in.get(0).square(), c.normal(c.shape()));
    }

    @Property(tries = 30)
    @GradientOf(ExpLog.PowScalar.class)
    void powOfPositiveBase(@ForAll long seed, @ForAll @FloatRange(min = -2, max = 3) float p) {
        Case c = new Case(seed);
        check(in -> in.get(0).pow(p), c.uniform(0.3f, 2f, c.shape()));
    }

    @Property(tries = 20)
    @GradientOf(ExpLog.PowScalar.class)
    void integerPowOfAnyBase(@ForAll long seed) {
        Case c = new Case(seed);
        float p = 1 + c.rnd.nextInt(3);
        check(in -> in.get(0).pow(p), c.normal(c.shape()));
    }

    @Property(tries = 30)
    @GradientOf(ExpLog.Pow.class)
    void powWithTensorExponent(@ForAll long seed) {
        Case c = new Case(seed);
        int[][] s = c.broadcastPair();
        check(in -> in.get(0).pow(in.get(1)), c.uniform(0.3f, 2f, s[0]), c.uniform(-2f, 2f, s[1]));
    }
}
