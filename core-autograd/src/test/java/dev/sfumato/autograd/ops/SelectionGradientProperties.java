package dev.sfumato.autograd.ops;

import dev.sfumato.autograd.Variable;
import dev.sfumato.tensor.Tensor;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;

import static dev.sfumato.autograd.ops.Case.check;

/** Gradient checks for {@link Selection}; ties of maximum/minimum are in SubgradientTest. */
class SelectionGradientProperties {

    @Property(tries = 30)
    @GradientOf(Selection.Maximum.class)
    void maximum(@ForAll long seed) {
        Case c = new Case(seed);
        int[][] s = c.broadcastPair();
        check(in -> in.get(0).maximum(in.get(1)), c.grid(0.1f, s[0]), c.grid(0.35f, s[1]));
    }

    @Property(tries = 30)
    @GradientOf(Selection.Maximum.class)
    void minimum(@ForAll long seed) {
        Case c = new Case(seed);
        int[][] s = c.broadcastPair();
        check(in -> in.get(0).minimum(in.get(1)), c.grid(0.1f, s[0]), c.grid(0.35f, s[1]));
    }

    @Property(tries = 30)
    @GradientOf(Selection.Where.class)
    void where(@ForAll long seed) {
        Case c = new Case(seed);
        int[][] s = c.broadcastPair();
        int[] condShape = c.broadcastFrom(s[0].length >= s[1].length ? s[0] : s[1]);
        Tensor cond = c.indices(2, condShape);
        check(in -> Variable.where(cond, in.get(0), in.get(1)), c.normal(s[0]), c.normal(s[1]));
    }
}
