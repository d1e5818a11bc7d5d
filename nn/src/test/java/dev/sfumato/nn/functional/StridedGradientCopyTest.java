package dev.sfumato.nn.functional;

import dev.sfumato.autograd.Variable;
import dev.sfumato.tensor.Generator;
import dev.sfumato.tensor.Recycler;
import dev.sfumato.tensor.Tensor;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.function.Function;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

/**
 * A backward whose incoming gradient is a strided view (a channel slice of cat's gradient) copies it contiguous
 * and, inside a recycler scope, gives the copy back once its kernels have read it (Node.releaseContiguous): the
 * gradients are the same bits in and out of a scope. The build's tests run in poison mode, so a copy given back
 * too early would turn them into NaN.
 */
class StridedGradientCopyTest {

    private static float[][] gradients(Function<Variable[], Variable> op, boolean inScope) {
        Generator g = new Generator(9);
        Variable x = Variable.param(Tensor.randn(g, 2, 4, 5, 5));
        Variable w = Variable.param(Tensor.randn(g, 4, 4, 3, 3).mul(0.2f));
        Variable other = new Variable(Tensor.randn(g, 2, 3, 5, 5));
        Tensor weights = Tensor.randn(g, 2, 7, 5, 5);
        try (Recycler.Scope ignored = inScope ? Recycler.open() : null) {
            Variable y = op.apply(new Variable[] {x, w});                         // [2, 4, 5, 5]
            Variable joined = Variable.cat(List.of(y, other), 1);                // y's gradient: a strided slice
            joined.mul(new Variable(weights)).sum().backward();
        }
        return new float[][] {x.grad().toArray(), w.grad().toArray()};
    }

    private static void sameInAndOutOfAScope(Function<Variable[], Variable> op) {
        float[][] plain = gradients(op, false);
        float[][] scoped = gradients(op, true);
        assertArrayEquals(plain[0], scoped[0], "dx");
        assertArrayEquals(plain[1], scoped[1], "dw");
    }

    @Test
    void conv2d() {
        sameInAndOutOfAScope(in -> Convolution.conv2d(in[0], in[1], null, new int[] {1, 1}, new int[] {1, 1},
                new int[] {1, 1}, 1));
    }

    @Test
    void convTranspose2d() {
        sameInAndOutOfAScope(in -> Convolution.convTranspose2d(in[0], in[1], null, new int[] {1, 1},
                new int[] {1, 1}, new int[] {0, 0}, new int[] {1, 1}, 1));
    }

    @Test
    void groupNormSilu() {
        // γ and β are slices of w's values, so w's gradient holds theirs (zero elsewhere).
        sameInAndOutOfAScope(in -> Normalization.groupNormSilu(in[0], 2,
                in[1].reshape(-1).narrow(0, 0, 4), in[1].reshape(-1).narrow(0, 4, 4), 1e-5));
    }
}
