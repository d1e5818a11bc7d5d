package dev.sfumato.autograd.ops;

import dev.sfumato.tensor.Tensor;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;

import static dev.sfumato.autograd.ops.Case.check;

/** Gradient checks for {@link Indexing}, with repeated indices (whose gradients must add up). */
class IndexingGradientProperties {

    @Property(tries = 30)
    @GradientOf(Indexing.IndexSelect.class)
    void indexSelect(@ForAll long seed) {
        Case c = new Case(seed);
        int[] s = c.shape(1, 3);
        int dim = c.rnd.nextInt(s.length);
        Tensor index = c.indices(s[dim], 1 + c.rnd.nextInt(5));
        check(in -> in.get(0).indexSelect(dim, index), c.normal(s));
    }

    @Property(tries = 30)
    @GradientOf(Indexing.Gather.class)
    void gather(@ForAll long seed) {
        Case c = new Case(seed);
        int[] s = c.shape(1, 3);
        int dim = c.rnd.nextInt(s.length);
        int[] is = s.clone();
        for (int d = 0; d < is.length; d++) {
            is[d] = d == dim ? 1 + c.rnd.nextInt(5) : 1 + c.rnd.nextInt(s[d]);
        }
        Tensor index = c.indices(s[dim], is);
        check(in -> in.get(0).gather(dim, index), c.normal(s));
    }
}
