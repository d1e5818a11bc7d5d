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
}
