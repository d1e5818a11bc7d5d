package dev.sfumato.diffusion.model;

import dev.sfumato.autograd.Variable;
import dev.sfumato.tensor.Tensor;
import dev.sfumato.tensor.testing.Golden;
import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertTrue;

/** The U-Net against its PyTorch twin with the same weights (golden/unet.txt, gen_golden_unet.py). */
class UNetGoldenTest {

    @Test
    void matchesThePyTorchTwinForwardAndBackward() {
        Golden g = Golden.load("/golden/unet.txt");
        UNet net = new UNet(new UNetConfig(2, 8, 8, new int[] {1, 2}, 1, new int[] {4}, 0.0, 3, 2), 0);
        net.eval();
        Map<String, Tensor> state = new LinkedHashMap<>();
        for (String name : g.names()) {
            if (name.startsWith("param.")) {
                state.put(name.substring("param.".length()), g.get(name));
            }
        }
        net.loadStateDict(state, true); // strict: the state_dict names of both sides agree
        Variable x = new Variable(g.get("x"), true);
        Variable out = net.forward(x, g.get("t"), g.get("y"));
        assertClose(g.get("out"), out.value(), "out");
        out.backward(g.get("grad_out"));
        assertClose(g.get("grad_x"), x.grad(), "grad_x");
        var params = net.namedParameters();
        for (String name : new String[] {"conv_in.weight", "temb.dense0.weight", "class_emb.weight", "mid_attn.q.weight",
                "down.0.conv1.weight", "up.0.skip.weight", "conv_out.bias"}) {
            assertClose(g.get("grad." + name), params.get(name).grad(), "grad." + name);
        }
    }

    /** Float32 through ~20 layers: relative 1e-4 of the tensor's scale, elementwise. */
    private static void assertClose(Tensor expected, Tensor actual, String what) {
        float scale = expected.abs().max().item();
        float[] e = expected.toArray();
        float[] a = actual.toArray();
        for (int i = 0; i < e.length; i++) {
            assertTrue(Math.abs(e[i] - a[i]) <= 1e-4f * scale + 1e-6f,
                    what + "[" + i + "]: PyTorch " + e[i] + ", Sfumato " + a[i] + " (scale " + scale + ")");
        }
    }
}
