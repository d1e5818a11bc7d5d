package dev.sfumato.benchmarks.nn;

import dev.sfumato.autograd.NoGrad;
import dev.sfumato.autograd.Variable;
import dev.sfumato.nn.functional.Convolution;
import dev.sfumato.tensor.Generator;
import dev.sfumato.tensor.Recycler;
import dev.sfumato.tensor.Tensor;

/** The tensors of one convolution benchmark, and the two timed operations: forward, and forward + backward. */
final class ConvCase {

    private final ConvShape s;
    private final Variable x;
    private final Variable w;
    private final Variable b;
    private final Tensor dy;

    ConvCase(ConvShape s, int batch) {
        this.s = s;
        Generator g = new Generator(42);
        int[] stride = {s.stride(), s.stride()};
        this.x = new Variable(Tensor.randn(g, batch, s.cIn(), s.hw(), s.hw()), true);
        this.w = new Variable(Tensor.randn(g, s.transposed() ? new int[] {s.cIn(), s.cOut(), s.k(), s.k()}
                : new int[] {s.cOut(), s.cIn(), s.k(), s.k()}).mul(0.05f), true);
        this.b = new Variable(Tensor.zeros(s.cOut()), true);
        this.dy = Tensor.randn(g, forward().shape());
    }

    Variable forward() {
        int[] st = {s.stride(), s.stride()};
        int[] p = {s.padding(), s.padding()};
        return s.transposed()
                ? Convolution.convTranspose2d(x, w, b, st, p, new int[] {0, 0}, new int[] {1, 1}, 1)
                : Convolution.conv2d(x, w, b, st, p, new int[] {1, 1}, 1);
    }

    /**
     * Forward without grad, in a recycler scope as a sampling step runs it: the output's array goes back to the
     * pool when the call returns, as PyTorch's caching allocator takes back the output the benchmark drops.
     */
    void forwardNoGrad() {
        try (NoGrad ignored = NoGrad.enter(); Recycler.Scope scope = Recycler.open()) {
            forward();
        }
    }

    /**
     * Forward, then backward to x, w and b (as {@code y.backward(dy)} in PyTorch), in a recycler scope as the
     * training step runs it (the leaves' gradients outlive it).
     */
    Tensor forwardBackward() {
        x.zeroGrad();
        w.zeroGrad();
        b.zeroGrad();
        try (Recycler.Scope scope = Recycler.open()) {
            forward().backward(dy);
        }
        return w.grad();
    }
}
