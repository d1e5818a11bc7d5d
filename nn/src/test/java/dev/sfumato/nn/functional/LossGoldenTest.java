package dev.sfumato.nn.functional;

import dev.sfumato.autograd.Variable;
import dev.sfumato.tensor.Tensor;
import dev.sfumato.tensor.testing.Golden;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Loss values and input gradients against PyTorch 1.13 ({@code src/test/python/gen_golden_optim.py}), for
 * every reduction, label smoothing, ignored targets and class dims.
 */
class LossGoldenTest {

    /** A handful of float32 ops in another order than PyTorch's kernels: a few ulps, relative. */
    private static final float RTOL = 1e-5f;
    private static final float ATOL = 1e-6f;

    private static final Golden G = Golden.load("/golden/optim.txt");

    interface Loss {
        Variable apply(Variable input, Tensor target, Reduction r);
    }

    private static void check(String name, String input, String target, Reduction r, Loss loss) {
        String key = name + "." + r.name().toLowerCase();
        Variable x = new Variable(G.get(input).clone(), true);
        Variable out = loss.apply(x, G.get(target), r);
        if (r == Reduction.NONE) {
            out.backward(G.get(key + ".gy"));
        } else {
            out.backward();
        }
        assertClose(key + ".loss", out.value());
        assertClose(key + ".grad", x.grad());
    }

    static void assertClose(String name, Tensor actual) {
        Tensor expected = G.get(name);
        assertTrue(Arrays.equals(expected.shape(), actual.shape()),
                () -> name + ": shape " + Arrays.toString(actual.shape()) + ", expected " + Arrays.toString(expected.shape()));
        assertTrue(actual.allClose(expected, RTOL, ATOL), () -> name + ":\n  actual   " + actual + "\n  expected " + expected);
    }

    @ParameterizedTest
    @EnumSource(Reduction.class)
    void mse(Reduction r) {
        check("mse", "mse.input", "mse.target", r, Losses::mseLoss);
    }

    @ParameterizedTest
    @EnumSource(Reduction.class)
    void l1(Reduction r) {
        check("l1", "mse.input", "mse.target", r, Losses::l1Loss);
    }

    @ParameterizedTest
    @EnumSource(Reduction.class)
    void crossEntropy(Reduction r) {
        check("ce", "ce.logits", "ce.target", r, (x, t, red) -> Losses.crossEntropy(x, t, 0, red));
    }

    @ParameterizedTest
    @EnumSource(Reduction.class)
    void crossEntropyWithLabelSmoothing(Reduction r) {
        check("ce_ls", "ce.logits", "ce.target", r, (x, t, red) -> Losses.crossEntropy(x, t, 0.1, red));
    }

    @ParameterizedTest
    @EnumSource(Reduction.class)
    void crossEntropyIgnoringDefaultIndexWithSmoothing(Reduction r) {
        check("ce_ign", "ce.logits", "ce_ign.target", r, (x, t, red) -> Losses.crossEntropy(x, t, 0.2, red));
    }

    @ParameterizedTest
    @EnumSource(Reduction.class)
    void crossEntropyIgnoringAClass(Reduction r) {
        check("ce_ign2", "ce.logits", "ce.target", r, (x, t, red) -> Losses.crossEntropy(x, t, 0, red, 2));
    }

    @ParameterizedTest
    @EnumSource(Reduction.class)
    void crossEntropyOverClassDims(Reduction r) {
        check("ce4", "ce4.logits", "ce4.target", r, (x, t, red) -> Losses.crossEntropy(x, t, 0.15, red));
    }

    @ParameterizedTest
    @EnumSource(Reduction.class)
    void nll(Reduction r) {
        check("nll", "nll.input", "nll.target", r, Losses::nllLoss);
    }

    @ParameterizedTest
    @EnumSource(Reduction.class)
    void nllIgnoringAClass(Reduction r) {
        check("nll_ign", "nll.input", "nll.target", r, (x, t, red) -> Losses.nllLoss(x, t, red, 3));
    }
}
