package dev.sfumato.autograd;

import dev.sfumato.tensor.Tensor;
import dev.sfumato.tensor.testing.Golden;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Forward values and gradients of small graphs against PyTorch autograd. The values come from
 * {@code src/test/python/gen_golden_autograd.py}; each test rebuilds the script's graph line by line.
 */
class GoldenAutogradTest {

    /** Float32 ops in a different order than PyTorch's kernels: agree to a few ulps, relative. */
    private static final float RTOL = 1e-5f;
    private static final float ATOL = 1e-6f;

    private static final Golden G = Golden.load("/golden/autograd.txt");

    private static Variable leaf(String name) {
        return new Variable(G.get(name).clone(), true);
    }

    private static void assertClose(String name, Tensor actual) {
        Tensor expected = G.get(name);
        assertTrue(Arrays.equals(expected.shape(), actual.shape()),
                () -> name + ": shape " + Arrays.toString(actual.shape()) + ", expected " + Arrays.toString(expected.shape()));
        assertTrue(actual.allClose(expected, RTOL, ATOL), () -> name + ":\n  actual   " + actual + "\n  expected " + expected);
    }

    @Test
    void mlpWithSoftmaxCrossEntropy() {
        Variable x = leaf("mlp.x");
        Variable w1 = leaf("mlp.w1");
        Variable b1 = leaf("mlp.b1");
        Variable w2 = leaf("mlp.w2");
        Variable b2 = leaf("mlp.b2");
        Tensor target = G.get("mlp.target");

        Variable h = x.matmul(w1).add(b1).gelu();                      // [6, 8]
        Variable logits = h.matmul(w2).add(b2);                         // [6, 4]
        Variable logp = logits.logSoftmax(1);
        Variable loss = logp.gather(1, target.unsqueeze(1)).mean().neg();
        loss.backward();

        assertClose("mlp.loss", loss.value());
        assertClose("mlp.x.grad", x.grad());
        assertClose("mlp.w1.grad", w1.grad());
        assertClose("mlp.b1.grad", b1.grad());
        assertClose("mlp.w2.grad", w2.grad());
        assertClose("mlp.b2.grad", b2.grad());
    }

    @Test
    void broadcastingChain() {
        Variable a = leaf("bcast.a");                                  // [3, 1, 4]
        Variable b = leaf("bcast.b");                                  // [5, 1]
        Variable c = leaf("bcast.c");                                  // [4]
        Variable d = leaf("bcast.d");                                  // [1, 5, 4]

        Variable u = a.mul(b).add(c).sigmoid();                         // [3, 5, 4]
        Variable v = a.div(b.abs().add(1f)).sub(c.tanh());              // [3, 5, 4]
        Variable m = u.maximum(v.mul(d));
        Variable y = Variable.where(d.value().gt(0f), m.square(), m.exp()).mul(0.5f).add(c.pow(2f));
        y = y.sum(1, false);                                            // [3, 4]
        y.backward(G.get("bcast.gy"));

        assertClose("bcast.y", y.value());
        assertClose("bcast.a.grad", a.grad());
        assertClose("bcast.b.grad", b.grad());
        assertClose("bcast.c.grad", c.grad());
        assertClose("bcast.d.grad", d.grad());
    }

    @Test
    void matmulReduceChain() {
        Variable a = leaf("matmul.a");                                 // [2, 3, 4]
        Variable b = leaf("matmul.b");                                 // [4, 5]
        Variable c = leaf("matmul.c");                                 // [2, 1, 5, 3]

        Variable p = a.matmul(b).tanh();                                // [2, 3, 5]
        Variable q = p.matmul(c);                                       // [2, 2, 3, 3]
        Variable r = q.logsumexp(-1, false).add(q.var(new int[] {0, 3}, true, false));   // [2, 2, 3]
        Variable loss = r.mean()
                .add(q.max().mul(0.1f))
                .add(q.std(new int[] {1}, false, false).sum().mul(0.01f));
        loss.backward();

        assertClose("matmul.loss", loss.value());
        assertClose("matmul.a.grad", a.grad());
        assertClose("matmul.b.grad", b.grad());
        assertClose("matmul.c.grad", c.grad());
    }

    @Test
    void viewsMixedWithElementwise() {
        Variable x = leaf("views.x");                                  // [2, 3, 4]
        Variable y = leaf("views.y");                                  // [4, 3]
        Tensor idx = G.get("views.idx");

        Variable t = x.permute(2, 0, 1).reshape(4, 6);                  // [4, 6]
        t = t.narrow(1, 1, 4).mul(2f).add(y.repeat(1, 2).slice(1, 1, 5));   // [4, 4]
        Variable s = t.slice(1, 0, 4, 2).exp();                         // [4, 2]
        Variable e = y.unsqueeze(0).expand(2, 4, 3).flip(2);            // [2, 4, 3]
        Variable z = Variable.cat(List.of(s, e.select(0, 1).slice(1, 0, 2).sin()), 1);   // [4, 4]
        z = z.pad(new int[] {1, 2, 0, -1}, 0.5f);                       // [3, 7]
        z = Variable.stack(List.of(z, z.cos()), 0).indexSelect(2, idx); // [2, 3, 4]
        Variable out = z.softmax(-1).mul(z.silu())
                .sub(x.flatten().slice(0, 0, 12).view(1, 3, 4).relu().div(3f))
                .clamp(-1.5f, 1.5f);
        out.backward(G.get("views.gy"));

        assertClose("views.out", out.value());
        assertClose("views.x.grad", x.grad());
        assertClose("views.y.grad", y.grad());
    }
}
