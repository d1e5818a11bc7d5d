package dev.sfumato.autograd;

import dev.sfumato.tensor.Recycler;
import dev.sfumato.tensor.Tensor;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/**
 * {@link Variable#zeroGrad()} gives a leaf's gradient back to the {@link Recycler}'s pool only when {@link
 * Variable#grad()} never handed it out, since only then does the leaf hold its one reference (PyTorch frees it on
 * {@code x.grad = None} by reference counting). A handed-out gradient keeps its values whatever the leaf does next.
 * Sizes are at least {@link Recycler#MIN_FLOATS} (the build's tests lower it to 1), so that the gradients are large
 * enough to pool; the build's tests also poison recycled arrays with NaN, which a wrongly recycled gradient would
 * show.
 */
class LeafGradRecyclingTest {

    private static final int N = Math.max(Recycler.MIN_FLOATS, 8);

    private static float[] filled(float v) {
        float[] a = new float[N];
        java.util.Arrays.fill(a, v);
        return a;
    }

    @Test
    void aGradientNobodyWasHandedGoesToThePoolAtZeroGrad() {
        Variable x = Variable.param(Tensor.ones(N));
        x.mul(2f).sum().backward();                                   // dL/dx = 2, a fresh tensor the leaf adopts
        long before = Recycler.pooledFloats();
        x.zeroGrad();
        assertEquals(before + N, Recycler.pooledFloats());
        x.mul(3f).sum().backward();
        assertArrayEquals(filled(3f), x.grad().toArray(), "the next gradient, in whatever array, is right");
    }

    @Test
    void aHandedOutGradientKeepsItsValuesThroughZeroGradAndTheNextBackward() {
        Variable x = Variable.param(Tensor.ones(N));
        x.mul(2f).sum().backward();
        Tensor held = x.grad();
        long before = Recycler.pooledFloats();
        x.zeroGrad();
        assertEquals(before, Recycler.pooledFloats(), "not pooled: the caller holds it");
        x.mul(3f).sum().backward();
        assertFalse(held.sharesStorageWith(x.grad()));
        assertArrayEquals(filled(2f), held.toArray());
        assertArrayEquals(filled(3f), x.grad().toArray());
    }

    /** Accumulating over two backward calls replaces the gradient by a sum: the one it replaces is pooled if unseen. */
    @Test
    void accumulationPoolsTheGradientItReplacesUnlessItWasHandedOut() {
        Variable x = Variable.param(Tensor.ones(N));
        x.mul(2f).sum().backward();
        long before = Recycler.pooledFloats();
        x.mul(3f).sum().backward();
        assertEquals(before + N, Recycler.pooledFloats(), "2 + 3 is a new tensor; the 2s were nobody's");
        Tensor held = x.grad();
        x.mul(4f).sum().backward();
        assertArrayEquals(filled(5f), held.toArray(), "handed out, so left alone");
        assertArrayEquals(filled(9f), x.grad().toArray());
    }
}
