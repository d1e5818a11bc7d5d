package dev.sfumato.autograd.ops;

import dev.sfumato.autograd.Variable;
import dev.sfumato.tensor.Tensor;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

/**
 * Gradients at points where the function is not differentiable, against the values PyTorch 1.13 gives
 * (obtained with {@code torch.autograd} on the same inputs; the commands are quoted per test).
 * Gradient checks cannot test these, since finite differences straddle the kink.
 */
class SubgradientTest {

    private static float[] grad(Tensor x, java.util.function.UnaryOperator<Variable> f) {
        Variable v = Variable.param(x);
        f.apply(v).sum().backward();
        return v.grad().toArray();
    }

    /** {@code torch.tensor([0.,-1.,1.]).relu()}: [0, 0, 1]. */
    @Test
    void reluAtZeroIsZero() {
        assertArrayEquals(new float[] {0f, 0f, 1f}, grad(Tensor.of(0f, -1f, 1f), Variable::relu));
    }

    /** {@code torch.tensor([0.,-1.,1.]).abs()}: [0, -1, 1]. */
    @Test
    void absAtZeroIsZero() {
        assertArrayEquals(new float[] {0f, -1f, 1f}, grad(Tensor.of(0f, -1f, 1f), Variable::abs));
    }

    /** {@code torch.tensor([0.,-1.,1.,0.5]).clamp(-1, 0.5)}: [1, 1, 0, 1]: bounds count as inside. */
    @Test
    void clampPassesTheGradientAtItsBounds() {
        assertArrayEquals(new float[] {1f, 1f, 0f, 1f}, grad(Tensor.of(0f, -1f, 1f, 0.5f), x -> x.clamp(-1f, 0.5f)));
    }

    /** {@code torch.maximum([1,2,3], [1,1,4])}: a gets [0.5, 1, 0], b gets [0.5, 0, 1]. */
    @Test
    void maximumSplitsTiesEvenly() {
        Variable a = Variable.param(Tensor.of(1f, 2f, 3f));
        Variable b = Variable.param(Tensor.of(1f, 1f, 4f));
        a.maximum(b).sum().backward();
        assertArrayEquals(new float[] {0.5f, 1f, 0f}, a.grad().toArray());
        assertArrayEquals(new float[] {0.5f, 0f, 1f}, b.grad().toArray());
    }

    /** Mirror of the above for minimum. */
    @Test
    void minimumSplitsTiesEvenly() {
        Variable a = Variable.param(Tensor.of(1f, 2f, 3f));
        Variable b = Variable.param(Tensor.of(1f, 1f, 4f));
        a.minimum(b).sum().backward();
        assertArrayEquals(new float[] {0.5f, 0f, 1f}, a.grad().toArray());
        assertArrayEquals(new float[] {0.5f, 1f, 0f}, b.grad().toArray());
    }

    /** {@code torch.tensor([1.,3.,3.,2.]).max()}: [0, 0.5, 0.5, 0]: shared among ties. Three ties get 1/3. */
    @Test
    void maxOfAllSharesAmongTies() {
        assertArrayEquals(new float[] {0f, 0.5f, 0.5f, 0f}, grad(Tensor.of(1f, 3f, 3f, 2f), Variable::max));
        assertArrayEquals(new float[] {1f / 3, 1f / 3, 0f, 1f / 3}, grad(Tensor.of(-1f, -1f, 0f, -1f), Variable::min), 1e-7f);
    }

    /** {@code torch.tensor([[1.,3.,3.,2.]]).max(1)}: [[0, 1, 0, 0]]: the first index of the max only. */
    @Test
    void maxAlongADimGoesToTheFirstIndex() {
        assertArrayEquals(new float[] {0f, 1f, 0f, 0f}, grad(Tensor.of(new float[][] {{1f, 3f, 3f, 2f}}), x -> x.max(1, false)));
        assertArrayEquals(new float[] {1f, 0f, 0f, 0f}, grad(Tensor.of(new float[][] {{2f, 3f, 2f, 2f}}), x -> x.min(1, true)));
    }

    /** {@code x.pow(0.)} at [0, 2]: [0, 0]; {@code x.pow(2.5)} at 0: 0. */
    @Test
    void powSpecialPoints() {
        assertArrayEquals(new float[] {0f, 0f}, grad(Tensor.of(0f, 2f), x -> x.pow(0f)));
        assertArrayEquals(new float[] {0f, 7.0710678f}, grad(Tensor.of(0f, 2f), x -> x.pow(2.5f)), 1e-5f);
    }

    /** {@code torch.tensor([0.,2.]).pow(torch.tensor([2.,0.]))}: base grad [0, 0], exponent grad [0, ln 2]. */
    @Test
    void powWithTensorExponentAtZeroBaseAndZeroExponent() {
        Variable a = Variable.param(Tensor.of(0f, 2f));
        Variable b = Variable.param(Tensor.of(2f, 0f));
        a.pow(b).sum().backward();
        assertArrayEquals(new float[] {0f, 0f}, a.grad().toArray());
        assertArrayEquals(new float[] {0f, (float) Math.log(2)}, b.grad().toArray(), 1e-6f);
    }

    /** {@code torch.tensor([1.,1.]).std()}: [0, 0] rather than 0/0. */
    @Test
    void stdOfAConstantHasZeroGradient() {
        assertArrayEquals(new float[] {0f, 0f}, grad(Tensor.of(1f, 1f), x -> x.std(true)));
    }
}
