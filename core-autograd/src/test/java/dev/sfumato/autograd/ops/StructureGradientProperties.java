package dev.sfumato.autograd.ops;

import dev.sfumato.autograd.Variable;
import dev.sfumato.tensor.Tensor;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;

import java.util.ArrayList;
import java.util.List;

import static dev.sfumato.autograd.ops.Case.check;

/** Gradient checks for {@link Structure}, and for split/chunk, which are composites of narrow. */
class StructureGradientProperties {

    @Property(tries = 30)
    @GradientOf(Structure.Cat.class)
    void cat(@ForAll long seed) {
        Case c = new Case(seed);
        int[] s = c.shape(1, 3);
        int dim = c.rnd.nextInt(s.length);
        int k = 1 + c.rnd.nextInt(3);
        Tensor[] xs = new Tensor[k];
        for (int i = 0; i < k; i++) {
            int[] si = s.clone();
            si[dim] = c.size();
            xs[i] = c.normal(si);
        }
        int d = c.rnd.nextBoolean() ? dim : dim - s.length;
        check(in -> Variable.cat(in, d), xs);
    }

    @Property(tries = 30)
    @GradientOf(Structure.Stack.class)
    void stack(@ForAll long seed) {
        Case c = new Case(seed);
        int[] s = c.shape(0, 2);
        int k = 1 + c.rnd.nextInt(3);
        int dim = c.rnd.nextInt(s.length + 1);
        Tensor[] xs = new Tensor[k];
        for (int i = 0; i < k; i++) {
            xs[i] = c.normal(s);
        }
        check(in -> Variable.stack(in, dim), xs);
    }

    @Property(tries = 30)
    @GradientOf(Views.Slice.class)
    void splitAndChunkAreNarrows(@ForAll long seed) {
        Case c = new Case(seed);
        int[] s = c.shape(1, 3);
        int dim = c.rnd.nextInt(s.length);
        int size = c.size();
        int chunks = c.size();
        check(in -> {
            List<Variable> parts = new ArrayList<>(in.get(0).split(size, dim));
            parts.addAll(in.get(0).chunk(chunks, dim));
            return Variable.cat(parts, dim).mul(Variable.cat(parts, dim));
        }, c.normal(s));
    }

    @Property(tries = 30)
    @GradientOf(Structure.Pad.class)
    void padAndCrop(@ForAll long seed) {
        Case c = new Case(seed);
        int[] s = c.shape(1, 3);
        int pairs = 1 + c.rnd.nextInt(s.length);
        int[] pad = new int[2 * pairs];
        for (int p = 0; p < pairs; p++) {
            int size = s[s.length - 1 - p];
            // Crop at most size-1 in total so that every dim keeps at least one element.
            int before = c.rnd.nextInt(4) - Math.min(1, size - 1);
            int after = c.rnd.nextInt(3) - (before < 0 ? 0 : Math.min(1, size - 1));
            pad[2 * p] = before;
            pad[2 * p + 1] = after;
        }
        check(in -> in.get(0).pad(pad, 0.5f), c.normal(s));
    }

    @Property(tries = 30)
    @GradientOf(Structure.Repeat.class)
    void repeat(@ForAll long seed) {
        Case c = new Case(seed);
        int[] s = c.shape(0, 2);
        int[] reps = new int[s.length + c.rnd.nextInt(2)];
        for (int i = 0; i < reps.length; i++) {
            reps[i] = 1 + c.rnd.nextInt(3);
        }
        check(in -> in.get(0).repeat(reps), c.normal(s));
    }

    @Property(tries = 20)
    @GradientOf(Structure.Flip.class)
    void flip(@ForAll long seed) {
        Case c = new Case(seed);
        int[] s = c.shape(1, 3);
        int[] dims = ReductionsGradientProperties.dims(c, s);
        int[] flipDims = dims.length == 0 ? new int[] {0} : dims;
        check(in -> in.get(0).flip(flipDims), c.normal(s));
    }
}
