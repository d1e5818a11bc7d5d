package dev.sfumato.autograd;

import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.IdentityHashMap;
import java.util.Map;

/**
 * Writes the recorded graph behind a Variable in Graphviz DOT, for {@code dot -Tsvg}: one box per op
 * (its name and output shape), one ellipse per leaf that requires grad (its label and shape), and an
 * arrow from each input to the op that used it, i.e. in the direction of the forward pass. The same
 * picture as the torchviz package draws for PyTorch.
 */
public final class Graphviz {

    private Graphviz() {}

    /** The DOT text of the graph that produced {@code output}; a leaf gives a one-node graph. */
    public static String dot(Variable output) {
        StringBuilder out = new StringBuilder("digraph autograd {\n  rankdir=BT;\n  node [fontname=\"monospace\"];\n");
        Node root = output.gradSink();
        if (root == null) {
            return out.append("}\n").toString();
        }
        Map<Node, Integer> ids = new IdentityHashMap<>();
        ArrayDeque<Node> stack = new ArrayDeque<>();
        ids.put(root, 0);
        stack.push(root);
        // Iterative, like the engine, so deep graphs do not overflow the stack.
        while (!stack.isEmpty()) {
            Node n = stack.pop();
            int id = ids.get(n);
            out.append("  n").append(id).append(" [").append(label(n)).append("];\n");
            if (n.next == null) {
                continue; // released by a backward: its inputs are gone
            }
            for (Node m : n.next) {
                if (m == null) {
                    continue;
                }
                Integer mid = ids.get(m);
                if (mid == null) {
                    mid = ids.size();
                    ids.put(m, mid);
                    stack.push(m);
                }
                out.append("  n").append(mid).append(" -> n").append(id).append(";\n");
            }
        }
        return out.append("}\n").toString();
    }

    private static String label(Node n) {
        String shape = Arrays.toString(n.outputShape);
        if (n instanceof AccumulateGrad acc) {
            String name = acc.leaf().name();
            return "shape=ellipse, label=\"" + (name == null ? "leaf" : escape(name)) + "\\n" + shape + "\"";
        }
        String released = n.released ? "\\n(released)" : "";
        return "shape=box, label=\"" + escape(n.name()) + "\\n" + shape + released + "\"";
    }

    private static String escape(String s) {
        return s.replace("\\", "\\\\").replace("\"", "\\\"");
    }
}
