package dev.sfumato.autograd.ops;

import dev.sfumato.tensor.Tensor;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;

import static dev.sfumato.autograd.ops.Case.check;

/**
 * Gradient checks for {@link Views}. The output of a view is linear in its input, so the random
 * projection in GradCheck makes each check compare a whole permutation/selection matrix.
 */
class ViewsGradientProperties {

    @Property(tries = 20)
    @GradientOf(Views.Reshape.class)
    void reshapeAndFlatten(@ForAll long seed) {
        Case c = new Case(seed);
        int[] s = c.shape(1, 3);
        int n = Tensor.zeros(s).numel();
        check(in -> in.get(0).reshape(-1, 1).reshape(n).flatten().reshape(s).flatten(0, -1), c.normal(s));
    }

    @Property(tries = 20)
    @GradientOf(Views.Reshape.class)
    void viewSqueezeUnsqueeze(@ForAll long seed) {
        Case c = new Case(seed);
        int[] s = c.shape(1, 3);
        int n = Tensor.zeros(s).numel();
        // view needs a layout that allows it: a contiguous input.
        check(in -> in.get(0).view(n, 1).unsqueeze(0).squeeze(2).squeeze().unsqueeze(-1).squeeze(-1),
                Tensor.randn(new dev.sfumato.tensor.Generator(seed), s));
    }

    @Property(tries = 20)
    @GradientOf(Views.Permute.class)
    void permuteTransposeT(@ForAll long seed) {
        Case c = new Case(seed);
        int[] s = c.shape(3, 3);
        check(in -> in.get(0).permute(2, 0, 1).transpose(0, -1).select(0, 0).t(), c.normal(s));
    }

    @Property(tries = 30)
    @GradientOf(Views.Slice.class)
    void narrow(@ForAll long seed) {
        Case c = new Case(seed);
        int[] s = c.shape(1, 3);
        int dim = c.rnd.nextInt(s.length);
        int start = c.rnd.nextInt(s[dim]);
        int length = 1 + c.rnd.nextInt(s[dim] - start);
        int from = c.rnd.nextBoolean() ? start : start - s[dim];     // negative starts count from the end
        check(in -> in.get(0).narrow(dim, from, length), c.normal(s));
    }

    @Property(tries = 30)
    @GradientOf(Views.Slice.class)
    void sliceWithStep(@ForAll long seed) {
        Case c = new Case(seed);
        int[] s = c.shape(1, 3);
        int dim = c.rnd.nextInt(s.length);
        s[dim] = 3 + c.rnd.nextInt(5);
        int start = c.rnd.nextInt(2 * s[dim] + 1) - s[dim];       // Python slice semantics, clamped
        int end = c.rnd.nextInt(2 * s[dim] + 3) - s[dim];
        int step = 1 + c.rnd.nextInt(3);
        check(in -> in.get(0).slice(dim, start, end, step), c.normal(s));
    }

    @Property(tries = 20)
    @GradientOf(Views.Select.class)
    void select(@ForAll long seed) {
        Case c = new Case(seed);
        int[] s = c.shape(1, 3);
        int dim = c.rnd.nextInt(s.length);
        int index = c.rnd.nextInt(s[dim]) - (c.rnd.nextBoolean() ? s[dim] : 0);
        check(in -> in.get(0).select(dim, index), c.normal(s));
    }

    @Property(tries = 30)
    @GradientOf(Views.Expand.class)
    void expandAndBroadcastTo(@ForAll long seed) {
        Case c = new Case(seed);
        int[] out = c.shape(1, 3);
        int[] s = c.broadcastFrom(out);
        int[] wider = new int[out.length + 1];
        wider[0] = 2;
        System.arraycopy(out, 0, wider, 1, out.length);
        check(in -> in.get(0).expand(out).broadcastTo(wider), c.normal(s));
    }

    @Property(tries = 20)
    @GradientOf(Views.Contiguous.class)
    void contiguous(@ForAll long seed) {
        Case c = new Case(seed);
        check(in -> in.get(0).contiguous(), c.normal(c.shape()));
    }
}
