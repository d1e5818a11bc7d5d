package dev.sfumato.nn.layers;

import dev.sfumato.autograd.Variable;
import dev.sfumato.nn.Module;
import dev.sfumato.nn.Parameter;
import dev.sfumato.nn.functional.Attention;
import dev.sfumato.tensor.Tensor;
import dev.sfumato.tensor.testing.Golden;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every layer against PyTorch 1.13 ({@code src/test/python/gen_golden_layers.py}): the module is built with
 * the same options, PyTorch's state_dict is loaded into it by name (strict, so the key names are checked
 * too), and the forward output, the input gradient, every parameter gradient and, for batch norm, the
 * buffers after the step must match.
 *
 * <p>Tolerance. Outputs are float32 sums of up to K products, computed in a different order by PyTorch
 * (MKL-DNN, blocked reductions) and by Sfumato (GEMM, double accumulators). Each order is within about
 * {@code eps·√K} (random-walk rounding) of the exact sum <em>relative to the magnitude of the terms</em>,
 * not of the sum, so an element that cancels to near zero keeps an absolute error of that size. Hence
 * {@code |a − e| ≤ 1e-5·|e| + 8·eps·√K·max|e|}, with K the longest reduction of the case and the tensor's
 * largest value standing in for the magnitude of its terms; K = 1 for elementwise layers.
 */
class LayersGoldenTest {

    private static final Golden GOLDEN = Golden.load("/golden/layers.txt");
    private static final double EPS32 = Math.ulp(1f);

    /** One golden case: how to build the module, its mode, and its longest reduction K. */
    record Case(String name, Supplier<Module> module, boolean train, int terms) {
        @Override
        public String toString() {
            return name;
        }
    }

    static List<Case> cases() {
        return List.of(
                new Case("conv_s2p1", () -> Conv2d.builder(3, 4, 3).stride(2).padding(1).build(), true, 2 * 4 * 3),
                new Case("conv_dil2", () -> Conv2d.builder(2, 3, 3).padding(2).dilation(2).build(), true, 6 * 5),
                new Case("conv_groups_nobias",
                        () -> Conv2d.builder(4, 6, 2, 3).stride(2, 1).padding(0, 1).groups(2).bias(false).build(), true, 2 * 2 * 7),
                new Case("conv_uneven", () -> Conv2d.builder(3, 2, 4).stride(3).padding(1).build(), true, 3 * 16),
                new Case("conv_1x1", () -> new Conv2d(4, 5, 1), true, 2 * 9),
                // Winograd F(4×4, 3×3) forward and input gradient (Conv2dKernels takes it for this geometry).
                new Case("conv_3x3_winograd", () -> Conv2d.builder(16, 12, 3).padding(1).build(), true, 10 * 7 * 6),
                new Case("convT_s2p1", () -> ConvTranspose2d.builder(3, 2, 4).stride(2).padding(1).build(), true, 2 * 6 * 8),
                new Case("convT_outpad", () -> ConvTranspose2d.builder(2, 3, 3).stride(2).padding(1).outputPadding(1).build(), true, 8 * 6),
                new Case("convT_groups_nobias", () -> ConvTranspose2d.builder(4, 6, 3).groups(2).bias(false).build(), true, 25),
                new Case("convT_dil2", () -> ConvTranspose2d.builder(2, 2, 3).stride(2).dilation(2).build(), true, 9 * 8),
                new Case("maxpool_k2", () -> new MaxPool2d(2), true, 1),
                new Case("maxpool_k3s2p1", () -> new MaxPool2d(3, 2, 1), true, 1),
                new Case("avgpool_k2", () -> new AvgPool2d(2), true, 4),
                new Case("avgpool_k3s2p1_incl", () -> new AvgPool2d(3, 2, 1, true), true, 9),
                new Case("avgpool_k3s2p1_excl", () -> new AvgPool2d(3, 2, 1, false), true, 9),
                new Case("adaptive_3x2", () -> new AdaptiveAvgPool2d(3, 2), true, 12),
                new Case("adaptive_1", () -> new AdaptiveAvgPool2d(1), true, 16),
                new Case("upsample_2", () -> new Upsample(2), true, 4),
                new Case("upsample_3", () -> new Upsample(3), true, 9),
                new Case("groupnorm_2_6", () -> new GroupNorm(2, 6), true, 36),
                new Case("groupnorm_3_6_noaffine_1d", () -> new GroupNorm(3, 6, 1e-5, false), true, 10),
                new Case("groupnorm_1_4_eps", () -> new GroupNorm(1, 4, 1e-3, true), true, 16),
                new Case("groupnorm_4_4", () -> new GroupNorm(4, 4), true, 18),
                new Case("layernorm_5", () -> new LayerNorm(5), true, 5),
                new Case("layernorm_3x4", () -> new LayerNorm(3, 4), true, 12),
                new Case("layernorm_4_noaffine", () -> new LayerNorm(new int[] {4}, 1e-5, false), true, 4),
                new Case("batchnorm_train", () -> new BatchNorm2d(3), true, 24),
                new Case("batchnorm_train_m03", () -> BatchNorm2d.builder(2).momentum(0.3).eps(1e-3).build(), true, 18),
                new Case("batchnorm_eval", () -> new BatchNorm2d(3), false, 12),
                new Case("batchnorm_noaffine_train", () -> BatchNorm2d.builder(2).affine(false).build(), true, 18),
                new Case("linear_5_3", () -> new Linear(5, 3), true, 5),
                new Case("linear_4_2_nobias_3d", () -> Linear.builder(4, 2).bias(false).build(), true, 6),
                new Case("embedding_7_3", () -> new Embedding(7, 3), true, 2),
                new Case("dropout_eval", () -> new Dropout(0.4), false, 1),
                new Case("relu", ReLU::new, true, 1),
                new Case("silu", SiLU::new, true, 1),
                new Case("gelu", GELU::new, true, 1),
                new Case("tanh", Tanh::new, true, 1),
                new Case("sigmoid", Sigmoid::new, true, 1),
                new Case("identity", Identity::new, true, 1),
                new Case("flatten", Flatten::new, true, 1),
                new Case("attn_c4_h1_g2", () -> SelfAttention2d.builder(4).groups(2).build(), true, 2 * 9 * 4),
                new Case("attn_c6_h3_g3", () -> SelfAttention2d.builder(6).heads(3).groups(3).build(), true, 6 * 6),
                new Case("attn_c8_h2_g8", () -> SelfAttention2d.builder(8).heads(2).build(), true, 16 * 8));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void matchesPyTorch(Case c) {
        String p = c.name() + ".";
        Module m = c.module().get();
        m.train(c.train());
        m.loadStateDict(withPrefix(p + "state."), true);

        boolean indices = c.name().startsWith("embedding");
        Variable x = new Variable(GOLDEN.get(p + "x").clone(), !indices);
        Variable y = m.forward(x);
        assertClose(GOLDEN.get(p + "y"), y.value(), c.terms(), p + "y");
        y.backward(GOLDEN.get(p + "gy"));
        if (!indices) {
            assertClose(GOLDEN.get(p + "x.grad"), x.grad(), c.terms(), p + "x.grad");
        }
        Map<String, Parameter> params = m.namedParameters();
        for (Map.Entry<String, Tensor> e : withPrefix(p + "grad.").entrySet()) {
            Parameter param = params.get(e.getKey());
            assertTrue(param != null, p + ": PyTorch has a gradient for '" + e.getKey() + "' but the module has no such parameter");
            if (e.getKey().equals("k.bias")) {
                // Adding b to every key shifts each row of q kᵀ by the constant q·b, which softmax ignores:
                // the key bias gradient is zero in exact arithmetic and only rounding remains. Its summands
                // are the key gradients, so their size (that of the key weight's gradient) sets the bound.
                double scale = maxAbs(GOLDEN.get(p + "grad.k.weight"));
                assertClose(e.getValue(), param.grad(), c.terms(), scale, p + "grad." + e.getKey());
            } else {
                assertClose(e.getValue(), param.grad(), c.terms(), p + "grad." + e.getKey());
            }
        }
        assertEquals(withPrefix(p + "grad.").keySet(), params.keySet(), p + " parameter names");
        Map<String, Tensor> buffers = m.namedBuffers();
        for (Map.Entry<String, Tensor> e : withPrefix(p + "after.").entrySet()) {
            assertClose(e.getValue(), buffers.get(e.getKey()), c.terms(), p + "after." + e.getKey());
        }
    }

    @Test
    void scaledDotProductAttentionMatchesPyTorch() {
        Variable q = new Variable(GOLDEN.get("sdpa.q").clone(), true);
        Variable k = new Variable(GOLDEN.get("sdpa.k").clone(), true);
        Variable v = new Variable(GOLDEN.get("sdpa.v").clone(), true);
        Variable y = Attention.scaledDotProductAttention(q, k, v);    // [2, 3, 3]
        int terms = 5 * 4;
        assertClose(GOLDEN.get("sdpa.y"), y.value(), terms, "sdpa.y");
        y.backward(GOLDEN.get("sdpa.gy"));
        assertClose(GOLDEN.get("sdpa.q.grad"), q.grad(), terms, "sdpa.q.grad");
        assertClose(GOLDEN.get("sdpa.k.grad"), k.grad(), terms, "sdpa.k.grad");
        assertClose(GOLDEN.get("sdpa.v.grad"), v.grad(), terms, "sdpa.v.grad");
    }

    /** The golden tensors named {@code prefix + key}, keyed by {@code key}. */
    private static Map<String, Tensor> withPrefix(String prefix) {
        Map<String, Tensor> out = new LinkedHashMap<>();
        for (String n : GOLDEN.names()) {
            if (n.startsWith(prefix)) {
                out.put(n.substring(prefix.length()), GOLDEN.get(n));
            }
        }
        return out;
    }

    private static double maxAbs(Tensor t) {
        double max = 0;
        for (float v : t.toArray()) {
            max = Math.max(max, Math.abs(v));
        }
        return max;
    }

    private static void assertClose(Tensor expected, Tensor actual, int terms, String what) {
        assertClose(expected, actual, terms, maxAbs(expected), what);
    }

    /** {@code |a − e| ≤ 1e-5·|e| + 8·eps·√terms·magnitude}, magnitude standing for the size of the summands. */
    private static void assertClose(Tensor expected, Tensor actual, int terms, double magnitude, String what) {
        assertTrue(actual != null, what + ": no value (gradient not computed?)");
        assertArrayEquals(expected.shape(), actual.shape(), what + " shape");
        float[] e = expected.toArray();
        float[] a = actual.toArray();
        double atol = 8 * EPS32 * Math.sqrt(terms) * magnitude;
        for (int i = 0; i < e.length; i++) {
            double tol = 1e-5 * Math.abs(e[i]) + atol;
            assertTrue(Math.abs(e[i] - a[i]) <= tol, what + " differs at flat index " + i + ": PyTorch " + e[i]
                    + ", Sfumato " + a[i] + " (tolerance " + tol + ")");
        }
    }
}
