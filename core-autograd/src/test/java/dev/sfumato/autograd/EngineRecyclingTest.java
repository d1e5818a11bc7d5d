package dev.sfumato.autograd;

import dev.sfumato.tensor.Generator;
import dev.sfumato.tensor.Recycler;
import dev.sfumato.tensor.Tensor;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A backward pass inside a {@link Recycler} scope recycles the gradients and saved tensors it is done with
 * (Engine): the gradients are the same bits as without a scope, and what it recycled fails loudly when used.
 * The graph has what makes early freeing wrong if the counting is off: a tensor saved by several nodes, a
 * gradient passed on as it is (add) and as views (cat, reshape), a node that saves its own output (exp), and
 * contributions summed into one buffer, one of them a gradient that another input still holds. Sizes are at least {@link Recycler#MIN_FLOATS} (the build's tests
 * lower it to 1), so every tensor is tracked.
 */
class EngineRecyclingTest {

    private static final int N = Math.max(Recycler.MIN_FLOATS / 16, 2);

    private record Grads(float[] w, float[] v) {}

    private static Grads run(boolean inScope) {
        Generator g = new Generator(7);
        Variable w = Variable.param(Tensor.randn(g, 16, N).mul(0.1f));
        Variable v = Variable.param(Tensor.randn(g, 16, N).mul(0.1f));
        Recycler.Scope scope = inScope ? Recycler.open() : null;
        try {
            Variable x = new Variable(Tensor.randn(g, 16, N));
            Variable a = x.mul(w);                                          // saves x and w
            Variable e = a.exp();                                           // saves its output
            Variable s = e.mul(a).add(a.tanh());                            // a saved twice more, a's grad summed
            // add hands one gradient to a and v; a's buffer already holds exp's by then (the LIFO order runs
            // exp before tanh and add), so add's gradient is summed into it while v still needs it.
            s = s.add(a.add(v).tanh().mul(a.exp()));
            Variable c = Variable.cat(List.of(s, e.mul(v)), 0);             // cat's backward: views of its gradient
            Variable r = c.reshape(32 * N).sigmoid().reshape(32, N);
            r.add(c).square().mean().backward();
        } finally {
            if (scope != null) {
                scope.close();
            }
        }
        return new Grads(w.grad().toArray(), v.grad().toArray());
    }

    @Test
    void theGradientsAreTheSameBitsInAScope() {
        Grads plain = run(false);
        Grads recycled = run(true);
        assertArrayEquals(plain.w(), recycled.w());
        assertArrayEquals(plain.v(), recycled.v());
    }

    /**
     * The forward in a scope of its own inside the step's scope, as the U-Net runs each block: what the nodes
     * saved outlives the inner scope (they retain it), what no node saved is recycled when it closes, and the
     * backward, run in the outer scope, gives the bits of a run without any scope.
     */
    private static float[] innerScope(boolean inScope, boolean[] recycled) {
        Generator g = new Generator(11);
        Variable w = Variable.param(Tensor.randn(g, 16, N).mul(0.1f));
        Recycler.Scope outer = inScope ? Recycler.open() : null;
        try {
            Variable x = new Variable(Tensor.randn(g, 16, N));
            Variable a;
            Variable t;
            Variable out;
            Recycler.Scope inner = inScope ? Recycler.open() : null;
            try {
                a = x.mul(w);                                               // saves x and w
                t = a.add(1f);                                              // adding a scalar saves nothing,
                Variable u = t.mul(3f);                                     // nor does scaling: t and u are dead
                out = u.exp().mul(a);                                       // exp saves its output, mul both inputs
                if (inner != null) {
                    inner.keep(out.value());
                }
            } finally {
                if (inner != null) {
                    inner.close();
                }
            }
            recycled[0] = t.value().storage().recycled();
            recycled[1] = a.value().storage().recycled();
            out.square().mean().backward();
        } finally {
            if (outer != null) {
                outer.close();
            }
        }
        return w.grad().toArray();
    }

    @Test
    void whatNodesSavedOutlivesAnInnerScopeAroundTheForward() {
        boolean[] recycled = new boolean[2];
        float[] plain = innerScope(false, recycled);
        float[] scoped = innerScope(true, recycled);
        assertTrue(recycled[0], "an intermediate no node saved is recycled when the inner scope closes");
        assertFalse(recycled[1], "a tensor a node saved is not");
        assertArrayEquals(plain, scoped);
    }

    @Test
    void savedTensorsAreRecycledOnceTheBackwardIsDoneWithThem() {
        Variable w = Variable.param(Tensor.full(0.5f, N));
        try (Recycler.Scope ignored = Recycler.open()) {
            Variable x = new Variable(Tensor.ones(N));
            Variable e = x.mul(w).exp();                                    // exp saves e's value
            Variable loss = e.mul(e).sum();                                 // mul saves e twice
            loss.backward();
            IllegalStateException thrown = assertThrows(IllegalStateException.class, () -> e.value().data());
            assertTrue(thrown.getMessage().contains("recycled"), thrown.getMessage());
        }
        // dL/dw = 2·e·e·x = 2·exp(1), and the leaf's grad outlives the scope.
        assertArrayEquals(Tensor.full((float) (2 * Math.exp(1.0)), N).toArray(), w.grad().toArray(), 1e-5f);
    }

    @Test
    void withRetainGraphNothingIsRecycledAndASecondBackwardWorks() {
        Variable w = Variable.param(Tensor.full(0.5f, N));
        try (Recycler.Scope ignored = Recycler.open()) {
            Variable e = new Variable(Tensor.ones(N)).mul(w).exp();
            Variable loss = e.mul(e).sum();
            loss.backward(Tensor.scalar(1f), true);
            loss.backward();
        }
        assertArrayEquals(Tensor.full((float) (4 * Math.exp(1.0)), N).toArray(), w.grad().toArray(), 1e-5f);
    }

    @Test
    void aTensorKeptByTheScopeIsNotRecycledByBackward() {
        Variable w = Variable.param(Tensor.full(0.5f, N));
        Variable e;
        try (Recycler.Scope scope = Recycler.open()) {
            e = new Variable(Tensor.ones(N)).mul(w).exp();
            scope.keep(e.value());
            e.mul(e).sum().backward();
        }
        assertArrayEquals(Tensor.full((float) Math.exp(0.5), N).toArray(), e.value().toArray(), 1e-6f);
    }
}
