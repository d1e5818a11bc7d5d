package dev.sfumato.autograd;

import dev.sfumato.tensor.Recycler;
import dev.sfumato.tensor.Storage;
import dev.sfumato.tensor.Tensor;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The backward pass: runs every node reachable from the output once, after all of its consumers, and
 * sums the gradients that flow into each node. PyTorch's engine, single-threaded.
 *
 * <p>Two iterative passes, so a graph of any depth fits in the default thread stack:
 * <ol>
 *   <li>Discover the nodes reachable from the root with an explicit stack and count, for each node, how
 *       many edges of reachable nodes point at it (its dependencies).</li>
 *   <li>Start from the root with {@code gradOutput}. A node runs when its dependency count drops to zero,
 *       i.e. when all gradient contributions have arrived and been summed into its buffer; its backward
 *       then feeds the nodes its edges point at. This visits nodes in a reverse topological order.</li>
 * </ol>
 * Edges of inputs that need no gradient are null, so those subgraphs are never visited. Unless
 * {@code retainGraph}, each node releases its saved tensors and edges right after it ran, so the memory of
 * the forward pass is returned during backward, as in PyTorch.
 *
 * <p>Inside a {@link Recycler} scope (and without {@code retainGraph}) the engine also hands memory back as
 * soon as this backward is done with it, which is when reference counting would free it in PyTorch: the
 * gradient a node received, once the node has run (unless its backward passed it on, or a leaf keeps it),
 * a gradient added into another, and a tensor that nodes saved, once the last of those nodes has run.
 * Only tensors allocated in the scope are recycled (the recycler ignores the rest), and any later use of
 * one throws rather than reading the values of its next owner.
 *
 * <p>The per-run state lives in fields of the nodes, tagged with a run number ({@code epoch}), which
 * avoids a hash map per backward. Consequently two threads must not run backward through a shared part
 * of a graph at the same time.
 */
final class Engine {

    private static final AtomicInteger EPOCHS = new AtomicInteger();

    private Engine() {}

    static void run(Node root, Tensor gradOutput, boolean retainGraph) {
        int epoch = EPOCHS.incrementAndGet();
        boolean anomaly = GradMode.current().anomaly;

        // With recycling, how many of the nodes that will run saved each storage.
        Map<Storage, int[]> savedBy = !retainGraph && Recycler.inScope() ? new IdentityHashMap<>() : null;

        // 1. Discover reachable nodes and count dependencies (iteratively: graphs can be 10^5 deep).
        ArrayDeque<Node> stack = new ArrayDeque<>();
        visit(root, epoch);
        stack.push(root);
        while (!stack.isEmpty()) {
            Node n = stack.pop();
            if (savedBy != null) {
                for (Tensor t : n.savedTensors()) {
                    savedBy.computeIfAbsent(t.storage(), k -> new int[1])[0]++;
                }
            }
            if (n.released) {
                throw new IllegalStateException("backward through a graph that was already freed: " + n.describe()
                        + " released its saved tensors after an earlier backward; pass retainGraph=true to that"
                        + " backward to go through the graph twice");
            }
            for (Node m : n.next) {
                if (m == null) {
                    continue;
                }
                if (m.epoch != epoch) {
                    visit(m, epoch);
                    stack.push(m);
                }
                m.dependencies++;
            }
        }

        // 2. Run each node once all its consumers have contributed to its gradient buffer.
        root.gradBuffer = gradOutput;
        List<Node> ready = new ArrayList<>();
        ready.add(root);
        while (!ready.isEmpty()) {
            Node n = ready.removeLast();
            Tensor g = n.gradBuffer;
            boolean gOwned = n.gradBufferOwned;
            n.gradBuffer = null;
            Node[] edges = n.next;
            // A null buffer means no consumer produced a gradient (all returned null); still propagate
            // the "done" signal so that the nodes above are released and reached by their other paths.
            Tensor[] grads = g == null ? null : n.backward(g);
            if (grads != null && grads.length != edges.length) {
                throw new IllegalStateException(n.name() + ": backward returned " + grads.length + " gradients for "
                        + edges.length + " inputs");
            }
            for (int i = 0; i < edges.length; i++) {
                Node m = edges[i];
                if (m == null) {
                    continue;
                }
                Tensor gi = grads == null ? null : grads[i];
                if (gi != null) {
                    check(n, i, gi, m, anomaly);
                    // A buffer that may alias something (backward rules may return the same tensor for two
                    // inputs, or the incoming gradient itself) is summed out of place into a new tensor, which
                    // the node then owns; an owned, contiguous buffer takes the next gradients in place. The
                    // same sums in the same order either way: what goes is a new tensor per sum (allocated and
                    // zeroed by the JVM, then collected).
                    if (m.gradBuffer == null) {
                        m.gradBuffer = gi;
                        m.gradBufferOwned = isFresh(gi, g, grads, i);
                    } else {
                        if (m.gradBufferOwned && m.gradBuffer.isContiguous()) {
                            m.gradBuffer.addInPlace(gi);
                        } else {
                            m.gradBuffer = m.gradBuffer.add(gi);
                            m.gradBufferOwned = true; // a new tensor
                        }
                        if (savedBy != null && isFresh(gi, g, grads, i)) {
                            Recycler.recycleNow(gi);                           // summed in: nothing else has it
                        }
                    }
                }
                if (--m.dependencies == 0) {
                    ready.add(m);
                }
            }
            if (savedBy == null) {
                if (!retainGraph) {
                    n.release();
                }
                continue;
            }
            // Recycling: the gradient n received, unless n passed it on (add returns it as it is, a view's
            // backward a view of it) or n is a leaf's sink (the leaf keeps it as its grad).
            if (g != null && gOwned && !(n instanceof AccumulateGrad) && !sharesStorage(g, grads)) {
                Recycler.recycleNow(g);
            }
            // ... and what n saved, once no node that is still to run saved it too.
            List<Tensor> saved = n.savedTensors();
            n.release();
            for (Tensor t : saved) {
                if (--savedBy.get(t.storage())[0] == 0) {
                    Recycler.recycleNow(t);
                }
            }
        }
    }

    /**
     * True when gradient {@code i} of a backward call cannot alias anything: it shares storage neither with
     * the gradient that came in (add returns it as is, sum returns a view of it) nor with another gradient
     * of the same call. Such a tensor can become a leaf's grad without the defensive copy (for a large
     * matmul, the copies were most of autograd's overhead).
     */
    private static boolean isFresh(Tensor gi, Tensor gradIn, Tensor[] grads, int i) {
        if (gi.sharesStorageWith(gradIn)) {
            return false;
        }
        for (int j = 0; j < grads.length; j++) {
            if (j != i && grads[j] != null && gi.sharesStorageWith(grads[j])) {
                return false;
            }
        }
        return true;
    }

    /** Whether {@code g} shares storage with any of the gradients a backward call returned. */
    private static boolean sharesStorage(Tensor g, Tensor[] grads) {
        if (grads != null) {
            for (Tensor t : grads) {
                if (t != null && t.sharesStorageWith(g)) {
                    return true;
                }
            }
        }
        return false;
    }

    private static void visit(Node n, int epoch) {
        n.epoch = epoch;
        n.dependencies = 0;
        n.gradBuffer = null;
        n.gradBufferOwned = false;
    }

    /** A wrong-shaped gradient is a bug in an op's rule; name the op rather than fail later elsewhere. */
    private static void check(Node n, int input, Tensor grad, Node target, boolean anomaly) {
        int[] want = target.outputShape;
        if (want != null && !sameShape(grad, want)) {
            throw new IllegalStateException(n.describe() + ": backward returned a gradient of shape "
                    + Arrays.toString(grad.shape()) + " for input " + input + " of shape " + Arrays.toString(want));
        }
        if ((anomaly || n.site() != null) && !Anomaly.allFinite(grad)) {
            throw new Anomaly.NonFiniteException(n.describe() + " produced NaN/Inf in its gradient for input " + input);
        }
    }

    private static boolean sameShape(Tensor t, int[] shape) {
        if (t.dim() != shape.length) {
            return false;
        }
        for (int d = 0; d < shape.length; d++) {
            if (t.size(d) != shape[d]) {
                return false;
            }
        }
        return true;
    }
}
