package dev.sfumato.autograd;

import dev.sfumato.tensor.Tensor;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The DOT export names ops and shapes and draws one arrow per edge. */
class GraphvizTest {

    @Test
    void linearLayerGraph() {
        Variable x = new Variable(Tensor.ones(2, 3));
        Variable w = Variable.param(Tensor.ones(3, 4)).named("weight");
        Variable b = Variable.param(Tensor.zeros(4)).named("bias");
        Variable y = x.matmul(w).add(b).relu().sum();
        String dot = Graphviz.dot(y);

        assertTrue(dot.startsWith("digraph autograd {"), dot);
        assertTrue(dot.contains("label=\"matmul\\n[2, 4]\""), dot);
        assertTrue(dot.contains("label=\"add\\n[2, 4]\""), dot);
        assertTrue(dot.contains("label=\"relu\\n[2, 4]\""), dot);
        assertTrue(dot.contains("label=\"sum\\n[]\""), dot);
        assertTrue(dot.contains("label=\"weight\\n[3, 4]\""), dot);
        assertTrue(dot.contains("label=\"bias\\n[4]\""), dot);
        // matmul <- weight (x is a constant: no node), add <- matmul, add <- bias, relu <- add, sum <- relu.
        assertEquals(5, dot.split("->", -1).length - 1, dot);
    }

    @Test
    void aConstantGivesAnEmptyGraph() {
        assertEquals("digraph autograd {\n  rankdir=BT;\n  node [fontname=\"monospace\"];\n}\n",
                Graphviz.dot(new Variable(Tensor.ones(2))));
    }
}
