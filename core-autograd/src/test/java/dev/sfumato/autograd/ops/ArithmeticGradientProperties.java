package dev.sfumato.autograd.ops;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;

import static dev.sfumato.autograd.ops.Case.check;

/** Gradient checks for {@link Arithmetic}: broadcasting pairs, scalar forms, non-contiguous inputs. */
class ArithmeticGradientProperties {

    @Property(tries = 30)
    @GradientOf(Arithmetic.Add.class)
    void add(@ForAll long seed) {
        Case c = new Case(seed);
        int[][] s = c.broadcastPair();
        check(in -> in.get(0).add(in.get(1)), c.normal(s[0]), c.normal(s[1]));
    }

    @Property(tries = 30)
    @GradientOf(Arithmetic.Sub.class)
    void sub(@ForAll long seed) {
        Case c = new Case(seed);
        int[][] s = c.broadcastPair();
        check(in -> in.get(0).sub(in.get(1)), c.normal(s[0]), c.normal(s[1]));
    }

    @Property(tries = 30)
    @GradientOf(Arithmetic.Mul.class)
    void mul(@ForAll long seed) {
        Case c = new Case(seed);
        int[][] s = c.broadcastPair();
        check(in -> in.get(0).mul(in.get(1)), c.normal(s[0]), c.normal(s[1]));
    }

    @Property(tries = 30)
    @GradientOf(Arithmetic.Mul.class)
    void mulOfAValueWithItself(@ForAll long seed) {
        Case c = new Case(seed);
        check(in -> in.get(0).mul(in.get(0)), c.normal(c.shape()));
    }

    @Property(tries = 30)
    @GradientOf(Arithmetic.Div.class)
    void div(@ForAll long seed) {
        Case c = new Case(seed);
        int[][] s = c.broadcastPair();
        check(in -> in.get(0).div(in.get(1)), c.normal(s[0]), c.awayFromZero(0.5f, s[1]));
    }

    @Property(tries = 20)
    @GradientOf(Arithmetic.Neg.class)
    void neg(@ForAll long seed) {
        Case c = new Case(seed);
        check(in -> in.get(0).neg(), c.normal(c.shape()));
    }

    @Property(tries = 20)
    @GradientOf({Arithmetic.AddScalar.class, Arithmetic.MulScalar.class, Arithmetic.DivScalar.class,
            Arithmetic.RSub.class})
    void scalarForms(@ForAll long seed) {
        Case c = new Case(seed);
        float s = 0.5f + c.rnd.nextFloat();
        check(in -> in.get(0).add(s).sub(2 * s).mul(-s).div(s).rsub(s), c.normal(c.shape()));
    }

    @Property(tries = 20)
    @GradientOf(Arithmetic.RDiv.class)
    void rdiv(@ForAll long seed) {
        Case c = new Case(seed);
        check(in -> in.get(0).rdiv(1.5f), c.awayFromZero(0.5f, c.shape()));
    }
}
