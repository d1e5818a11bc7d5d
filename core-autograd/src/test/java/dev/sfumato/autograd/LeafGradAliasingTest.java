package dev.sfumato.autograd;

import dev.sfumato.tensor.Generator;
import dev.sfumato.tensor.Tensor;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/**
 * A leaf's grad never shares storage with another tensor, even though the engine skips the defensive copy
 * for gradients that a backward rule made fresh.
 */
class LeafGradAliasingTest {

    @Test
    void addHandsOneTensorToBothInputsButTheGradsAreSeparate() {
        Variable a = Variable.param(Tensor.ones(3));
        Variable b = Variable.param(Tensor.ones(3));
        Tensor g = Tensor.of(1, 2, 3);
        a.add(b).backward(g);
        assertFalse(a.grad().sharesStorageWith(b.grad()));
        assertFalse(a.grad().sharesStorageWith(g), "the user's gradient is never adopted");
        a.grad().mulInPlace(10f);
        assertArrayEquals(new float[] {1, 2, 3}, b.grad().toArray());
        assertArrayEquals(new float[] {1, 2, 3}, g.toArray());
    }

    @Test
    void aViewOfTheIncomingGradientIsCopied() {
        Variable a = Variable.param(Tensor.ones(2, 3));
        Tensor g = Tensor.of(5f);
        a.sum().backward(g.reshape()); // sum's backward expands (a view of) the incoming gradient
        assertFalse(a.grad().sharesStorageWith(g));
        a.grad().mulInPlace(2f);
        assertArrayEquals(new float[] {5f}, g.toArray());
    }

    @Test
    void freshMatmulGradientsAreKeptAndIndependent() {
        Generator gen = new Generator(3);
        Variable a = Variable.param(Tensor.randn(gen, 4, 5));
        Variable b = Variable.param(Tensor.randn(gen, 5, 6));
        Tensor g = Tensor.randn(gen, 4, 6);
        a.matmul(b).backward(g);
        assertFalse(a.grad().sharesStorageWith(b.grad()));
        assertFalse(a.grad().sharesStorageWith(g));
        float[] expectedB = g.t().matmul(a.value()).t().toArray(); // dB = Aᵀ·dC
        a.grad().fill(0f);
        assertArrayEquals(expectedB, b.grad().toArray());
    }

    /**
     * The engine adds a node's later gradients into its buffer in place only when the node owns the buffer. y = 2x
     * feeds y + y, whose rule hands the incoming gradient (the user's g) to both inputs: y's buffer starts as g
     * itself, so the second contribution must go out of place (dL/dx = 2·2g). With y·y as well (two fresh
     * gradients), whichever runs first, the owned sum takes the rest in place: dL/dx = 2·(2g + 2y·g) = 12g at y = 2.
     */
    @Test
    void aBufferIsAddedToInPlaceOnlyWhenTheNodeOwnsIt() {
        Variable x = Variable.param(Tensor.ones(3));
        Tensor g = Tensor.of(1, 2, 3);
        Variable y = x.mul(2f);
        y.add(y).backward(g);
        assertArrayEquals(new float[] {4, 8, 12}, x.grad().toArray());
        assertArrayEquals(new float[] {1, 2, 3}, g.toArray(), "the user's gradient is never written");

        Variable x2 = Variable.param(Tensor.ones(3));
        Variable y2 = x2.mul(2f);
        y2.add(y2).add(y2.mul(y2)).backward(g);
        assertArrayEquals(new float[] {12, 24, 36}, x2.grad().toArray());
        assertArrayEquals(new float[] {1, 2, 3}, g.toArray(), "the user's gradient is never written");
    }
}
