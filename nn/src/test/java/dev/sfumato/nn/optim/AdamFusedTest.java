package dev.sfumato.nn.optim;

import dev.sfumato.autograd.Variable;
import dev.sfumato.tensor.Tensor;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

/**
 * The fused single-pass Adam update equals its composite reference twin bit for bit, for Adam and AdamW,
 * with and without weight decay and amsgrad, over sizes 0, 1 and odd primes, for several steps (so the
 * bias corrections and amsgrad's maximum both change).
 */
class AdamFusedTest {

    @Property(tries = 40)
    void fusedEqualsComposite(@ForAll long seed, @ForAll @IntRange(min = 0, max = 3) int variant) {
        Random rnd = new Random(seed);
        int[] sizes = {0, 1, 7, 31, 257};
        int n = sizes[rnd.nextInt(sizes.length)];
        float[] init = new float[n];
        for (int i = 0; i < n; i++) {
            init[i] = (float) rnd.nextGaussian();
        }
        Variable pf = Variable.param(Tensor.fromArray(init, n));
        Variable pc = Variable.param(Tensor.fromArray(init, n));
        boolean amsgrad = rnd.nextBoolean();
        double wd = rnd.nextBoolean() ? 0 : 0.05;
        AdamFamily fused = (variant % 2 == 0 ? Adam.builder(List.of(pf)).weightDecay(wd) : AdamW.builder(List.of(pf)))
                .lr(1e-2).amsgrad(amsgrad).buildFamily();
        AdamFamily composite = (variant % 2 == 0 ? Adam.builder(List.of(pc)).weightDecay(wd) : AdamW.builder(List.of(pc)))
                .lr(1e-2).amsgrad(amsgrad).buildFamily();
        for (int step = 0; step < 5; step++) {
            float[] g = new float[n];
            for (int i = 0; i < n; i++) {
                g[i] = (float) (rnd.nextGaussian() * Math.pow(10, rnd.nextInt(5) - 3));   // 1e-3 .. 10
            }
            fused.updateFused(0, pf.value(), Tensor.fromArray(g, n));
            composite.updateComposite(0, pc.value(), Tensor.fromArray(g, n));
            assertArrayEquals(pc.value().toArray(), pf.value().toArray(), "param after step " + (step + 1));
        }
        for (String key : composite.stateDict().keySet()) {
            assertArrayEquals(composite.stateDict().get(key).toArray(), fused.stateDict().get(key).toArray(), key);
        }
    }
}
