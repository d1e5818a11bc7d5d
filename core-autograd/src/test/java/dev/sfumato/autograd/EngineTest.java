package dev.sfumato.autograd;

import dev.sfumato.tensor.Tensor;
import org.junit.jupiter.api.Test;

import java.lang.ref.WeakReference;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The backward engine: graph shapes, accumulation, graph lifetime, and what is (not) computed. */
class EngineTest {

    /** An identity op on two inputs that records which gradients the engine asked it for. */
    static final class Probe extends Node {
        static int calls;
        boolean[] asked;

        private Probe(Variable a, Variable b) {
            super("probe", a, b);
        }

        static Variable apply(Variable a, Variable b) {
            return new Probe(a, b).output(a.value());
        }

        @Override
        protected Tensor[] backward(Tensor g) {
            calls++;
            asked = new boolean[] {needsInputGrad(0), needsInputGrad(1)};
            return new Tensor[] {asked[0] ? g : null, asked[1] ? g : null};
        }
    }

    @Test
    void diamondSumsBothPaths() {
        // y = x*x + exp(x) uses x three times; dy/dx = 2x + e^x.
        Variable x = Variable.param(Tensor.of(0.5f, -1f, 2f));
        Variable y = x.mul(x).add(x.exp()).sum();
        y.backward();
        float[] g = x.grad().toArray();
        float[] xs = {0.5f, -1f, 2f};
        for (int i = 0; i < 3; i++) {
            assertEquals(2 * xs[i] + (float) Math.exp(xs[i]), g[i], 1e-5f);
        }
    }

    @Test
    void sharedIntermediateRunsOnceWithSummedGradient() {
        // h = 3x feeds two branches; h's node must run once, after both branches, with 2 + 5 = 7.
        Variable x = Variable.param(Tensor.of(1f, 2f));
        Variable h = x.mul(3f);
        Variable y = h.mul(2f).add(h.mul(5f)).sum();
        y.backward();
        assertArrayEquals(new float[] {21f, 21f}, x.grad().toArray());
    }

    @Test
    void gradIsNullUntilBackwardThenAccumulatesAndZeroGradResets() {
        Variable x = Variable.param(Tensor.of(1f, 2f));
        assertNull(x.grad());
        x.mul(2f).sum().backward();
        assertArrayEquals(new float[] {2f, 2f}, x.grad().toArray());
        x.mul(x).sum().backward();
        assertArrayEquals(new float[] {4f, 6f}, x.grad().toArray());
        x.zeroGrad();
        assertNull(x.grad());
    }

    @Test
    void retainGraphAllowsASecondBackward() {
        Variable x = Variable.param(Tensor.of(3f));
        Variable y = x.mul(x).sum();
        y.backward(Tensor.scalar(1f), true);
        y.backward(Tensor.scalar(1f), true);
        assertArrayEquals(new float[] {12f}, x.grad().toArray());
    }

    @Test
    void secondBackwardThroughReleasedGraphFailsClearly() {
        Variable x = Variable.param(Tensor.of(3f));
        Variable y = x.mul(x).sum();
        y.backward();
        IllegalStateException e = assertThrows(IllegalStateException.class, y::backward);
        assertTrue(e.getMessage().contains("already freed") && e.getMessage().contains("retainGraph"), e.getMessage());
    }

    @Test
    void backwardReleasesSavedTensorsWhileTheOutputIsStillHeld() throws InterruptedException {
        Variable x = Variable.param(Tensor.of(1f, 2f, 3f));
        Variable y = x.exp();                        // Exp saves its output
        WeakReference<Tensor> saved = new WeakReference<>(y.value());
        WeakReference<Node> expNode = new WeakReference<>(y.gradFn());
        Variable loss = y.sum();
        y = null;
        loss.backward();
        assertTrue(loss.gradFn().released);
        assertTrue(collected(saved) && collected(expNode), "the graph above the loss must be collectable after backward");
        assertNotNull(loss.value());
    }

    @Test
    void noGradRecordsNothingAndNests() {
        Variable x = Variable.param(Tensor.of(1f, 2f));
        try (NoGrad _ = NoGrad.enter()) {
            Variable y = x.mul(2f);
            assertFalse(y.requiresGrad());
            assertNull(y.gradFn());
            try (NoGrad _ = NoGrad.enter()) {
                assertFalse(NoGrad.isGradEnabled());
            }
            assertFalse(NoGrad.isGradEnabled(), "closing the inner scope must not re-enable recording");
        }
        assertTrue(NoGrad.isGradEnabled());
        Variable z = x.mul(2f);
        assertTrue(z.requiresGrad());
        assertEquals("mul", z.gradFn().name());
    }

    @Test
    void inputsWithoutRequiresGradGetNoGradientAndNoWork() {
        Variable x = Variable.param(Tensor.of(1f, 2f));
        Variable c = new Variable(Tensor.of(3f, 4f));
        // A whole constant subgraph: nothing recorded.
        Variable constants = c.exp().mul(c).add(1f);
        assertNull(constants.gradFn());
        assertFalse(constants.requiresGrad());

        Probe.calls = 0;
        Variable p = Probe.apply(x, constants);
        Probe probe = (Probe) p.gradFn();
        p.sum().backward();
        assertEquals(1, Probe.calls);
        assertArrayEquals(new boolean[] {true, false}, probe.asked, "the constant input's gradient must not be asked for");
        assertNull(c.grad());
        assertArrayEquals(new float[] {1f, 1f}, x.grad().toArray());
    }

    @Test
    void tenThousandNodeChainBackwardFitsTheDefaultStack() throws Exception {
        AtomicReference<Throwable> failure = new AtomicReference<>();
        AtomicReference<Tensor> grad = new AtomicReference<>();
        AtomicReference<String> dot = new AtomicReference<>();
        // 1 MB is HotSpot's default thread stack on Linux x64; surefire's -Xss8m is deliberately not used.
        Thread t = new Thread(null, () -> {
            try {
                Variable x = Variable.param(Tensor.of(1f));
                Variable y = x;
                for (int i = 0; i < 5_000; i++) {
                    y = y.mul(1.0001f).add(0.5f);
                }
                dot.set(Graphviz.dot(y));
                y.sum().backward();
                grad.set(x.grad());
            } catch (Throwable e) {
                failure.set(e);
            }
        }, "chain", 1 << 20);
        t.start();
        t.join();
        if (failure.get() != null) {
            throw new AssertionError("backward of a 10,000-node chain failed", failure.get());
        }
        assertEquals((float) Math.pow(1.0001, 5_000), grad.get().item(), 1e-3f);
        assertTrue(dot.get().contains("mul"));
    }

    @Test
    void memoryStaysFlatOverManyIterations() throws InterruptedException {
        Variable w = Variable.param(Tensor.randn(new dev.sfumato.tensor.Generator(7), 8, 8));
        Variable x = new Variable(Tensor.randn(new dev.sfumato.tensor.Generator(8), 4, 8));
        List<WeakReference<Node>> graphs = new ArrayList<>();
        Runtime rt = Runtime.getRuntime();
        long usedAfterWarmup = 0;
        for (int it = 0; it < 10_000; it++) {
            Variable h = x.mul(w.sum(0, true)).tanh().add(x.exp().mul(0.01f));
            Variable loss = h.square().mean();
            if (it % 1_000 == 0) {
                graphs.add(new WeakReference<>(h.gradFn()));
            }
            loss.backward();
            w.zeroGrad();
            if (it == 999) {
                usedAfterWarmup = usedAfterGc(rt);
            }
        }
        for (WeakReference<Node> g : graphs) {
            assertTrue(collected(g), "a graph from an earlier iteration is still reachable");
        }
        long growth = usedAfterGc(rt) - usedAfterWarmup;
        assertTrue(growth < 16L << 20, "heap grew by " + (growth >> 20) + " MB over 9,000 iterations");
    }

    @Test
    void backwardNeedsAScalarOrAGradient() {
        Variable x = Variable.param(Tensor.of(1f, 2f));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> x.mul(2f).backward());
        assertTrue(e.getMessage().contains("one-element"), e.getMessage());
        assertThrows(IllegalStateException.class, () -> new Variable(Tensor.of(1f)).backward());
    }

    @Test
    void backwardOnALeafAccumulatesIntoItsGrad() {
        Variable x = Variable.param(Tensor.of(1f, 2f));
        x.backward(Tensor.of(3f, 4f));
        assertArrayEquals(new float[] {3f, 4f}, x.grad().toArray());
    }

    @Test
    void detachCutsTheGraph() {
        Variable x = Variable.param(Tensor.of(2f));
        Variable d = x.mul(3f).detach();
        assertTrue(d.isLeaf());
        assertFalse(d.requiresGrad());
        assertSame(d.value(), d.value());
    }

    @Test
    void onlyLeavesChangeRequiresGrad() {
        Variable x = Variable.param(Tensor.of(2f));
        Variable y = x.mul(3f);
        assertThrows(IllegalStateException.class, () -> y.requiresGrad(false));
    }

    @Test
    void wrongShapedRuleIsReportedWithTheOpName() {
        class Broken extends Node {
            Broken(Variable x) {
                super("broken", x);
            }

            Variable out(Tensor v) {
                return output(v);
            }

            @Override
            protected Tensor[] backward(Tensor g) {
                return new Tensor[] {Tensor.zeros(5)};
            }
        }
        Variable x = Variable.param(Tensor.of(1f, 2f));
        Variable y = new Broken(x).out(x.value());
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> y.backward(Tensor.of(1f, 1f)));
        assertTrue(e.getMessage().contains("broken") && e.getMessage().contains("[5]"), e.getMessage());
    }

    static boolean collected(WeakReference<?> ref) throws InterruptedException {
        for (int i = 0; i < 20 && ref.get() != null; i++) {
            System.gc();
            Thread.sleep(10);
        }
        return ref.get() == null;
    }

    private static long usedAfterGc(Runtime rt) throws InterruptedException {
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(20);
        }
        return rt.totalMemory() - rt.freeMemory();
    }
}
