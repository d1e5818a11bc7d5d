package dev.sfumato.nn.layers;

import dev.sfumato.autograd.Variable;
import dev.sfumato.nn.Module;
import dev.sfumato.tensor.Generator;
import dev.sfumato.tensor.Tensor;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Init, modes, state_dict names, printing and errors of the layers (their values are in LayersGoldenTest). */
class LayersTest {

    @Test
    void linearInitIsPyTorchsUniformBoundAndSeeded() {
        Linear a = Linear.builder(50, 40).generator(new Generator(7)).build();
        Linear b = Linear.builder(50, 40).generator(new Generator(7)).build();
        double bound = 1 / Math.sqrt(50);
        for (Tensor t : List.of(a.weight.value(), a.bias.value())) {
            assertTrue(t.abs().max().item() <= bound, "within ±1/√in");
            assertTrue(t.abs().max().item() > 0.9 * bound, "fills the range");
        }
        assertTrue(a.weight.value().allClose(b.weight.value(), 0, 0), "same seed, same weights");
        assertArrayEquals(new int[] {40, 50}, a.weight.shape(), "weight [out, in]");
    }

    @Test
    void embeddingInitIsStandardNormal() {
        Tensor w = new Embedding(500, 20, new Generator(3)).weight.value();
        assertEquals(0, w.mean().item(), 0.03, "mean");
        assertEquals(1, w.std(false).item(), 0.03, "std");
    }

    @Test
    void embeddingRejectsIndicesOutOfRangeOrFractional() {
        Embedding e = new Embedding(4, 2);
        IllegalArgumentException big = assertThrows(IllegalArgumentException.class, () -> e.forward(Tensor.of(0, 4)));
        assertTrue(big.getMessage().contains("embedding: index 4.0"), big.getMessage());
        assertThrows(IllegalArgumentException.class, () -> e.forward(Tensor.of(1.5f)));
        assertArrayEquals(new int[] {2, 3, 2}, e.forward(Tensor.zeros(2, 3)).shape(), "indices [...] -> [..., dim]");
    }

    @Test
    void dropoutModuleDropsInTrainingOnlyAndReproducesWithASeed() {
        Variable x = new Variable(Tensor.ones(10, 10));
        Dropout a = new Dropout(0.5, new Generator(11));
        Dropout b = new Dropout(0.5, new Generator(11));
        Tensor ya = a.forward(x).value();
        assertTrue(ya.eq(0f).sum().item() > 0, "some elements dropped");
        assertTrue(ya.allClose(b.forward(x).value(), 0, 0), "same seed, same mask");
        a.eval();
        assertSame(x, a.forward(x), "identity in eval");
        assertThrows(IllegalArgumentException.class, () -> new Dropout(1.5));
    }

    @Test
    void batchNormTracksBatchesOnlyInTrainingAndUsesRunningStatsInEval() {
        BatchNorm2d bn = new BatchNorm2d(2);
        Variable x = new Variable(Tensor.randn(new Generator(5), 3, 2, 2, 2).mul(2f).add(1f));
        bn.forward(x);
        bn.forward(x);
        assertEquals(2f, bn.namedBuffers().get("num_batches_tracked").item());
        Tensor mean = bn.runningMean().clone();
        bn.eval();
        Tensor y = bn.forward(x).value();
        assertEquals(2f, bn.namedBuffers().get("num_batches_tracked").item(), "eval does not count");
        assertTrue(mean.allClose(bn.runningMean(), 0, 0), "eval leaves the running mean alone");
        // Eval: (x - running_mean) / sqrt(running_var + eps) with weight 1, bias 0.
        Tensor expected = x.value().sub(bn.runningMean().reshape(1, 2, 1, 1))
                .div(bn.runningVar().add(1e-5f).sqrt().reshape(1, 2, 1, 1));
        assertTrue(expected.allClose(y, 1e-6f, 1e-6f));
    }

    @Test
    void stateDictNamesAreTorchs() {
        assertEquals(List.of("weight", "bias", "running_mean", "running_var", "num_batches_tracked"),
                List.copyOf(new BatchNorm2d(3).stateDict().keySet()));
        assertEquals(List.of("norm.weight", "norm.bias", "q.weight", "q.bias", "k.weight", "k.bias", "v.weight", "v.bias",
                "proj_out.weight", "proj_out.bias"), List.copyOf(SelfAttention2d.builder(4).build().stateDict().keySet()));
        assertEquals(List.of("weight"), List.copyOf(new Embedding(3, 2).stateDict().keySet()));
        assertEquals(List.of(), List.copyOf(new GroupNorm(1, 2, 1e-5, false).stateDict().keySet()));
    }

    @Test
    void selfAttentionWithZeroedOutputStartsAsTheIdentity() {
        SelfAttention2d attn = SelfAttention2d.builder(8).heads(2).zeroInitOutput(true).build();
        Tensor x = Tensor.randn(new Generator(9), 2, 8, 3, 3);
        assertTrue(x.allClose(attn.forward(new Variable(x)).value(), 0, 0));
        SelfAttention2d random = SelfAttention2d.builder(8).heads(2).build();
        assertNotEquals(0f, random.forward(new Variable(x)).value().sub(x).abs().max().item(), "branch is not zero");
    }

    @Test
    void selfAttentionDefaultGroupsAreTheLargestDivisorUpTo32() {
        assertEquals(32, SelfAttention2d.defaultGroups(128));
        assertEquals(24, SelfAttention2d.defaultGroups(48));
        assertEquals(6, SelfAttention2d.defaultGroups(6));
        assertEquals(1, SelfAttention2d.defaultGroups(37));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> SelfAttention2d.builder(6).heads(4).build());
        assertTrue(e.getMessage().contains("divisible by heads 4"), e.getMessage());
    }

    @Test
    void printsLikePyTorch() {
        List<Module> modules = List.of(new Linear(5, 3), Linear.builder(4, 2).bias(false).build(), new Embedding(7, 3),
                new Dropout(0.4), new ReLU(), new GELU(), new Flatten(), new Identity(), new GroupNorm(2, 6),
                new GroupNorm(3, 6, 1e-5, false), new LayerNorm(5), new LayerNorm(3, 4), new BatchNorm2d(3),
                BatchNorm2d.builder(2).momentum(0.3).eps(1e-3).affine(false).build(), new SiLU(), new Sigmoid(), new Tanh());
        // Printed by torch 1.13 for the same constructors.
        List<String> torch = List.of(
                "Linear(in_features=5, out_features=3, bias=True)",
                "Linear(in_features=4, out_features=2, bias=False)",
                "Embedding(7, 3)",
                "Dropout(p=0.4, inplace=False)",
                "ReLU()",
                "GELU(approximate='none')",
                "Flatten(start_dim=1, end_dim=-1)",
                "Identity()",
                "GroupNorm(2, 6, eps=1e-05, affine=True)",
                "GroupNorm(3, 6, eps=1e-05, affine=False)",
                "LayerNorm((5,), eps=1e-05, elementwise_affine=True)",
                "LayerNorm((3, 4), eps=1e-05, elementwise_affine=True)",
                "BatchNorm2d(3, eps=1e-05, momentum=0.1, affine=True, track_running_stats=True)",
                "BatchNorm2d(2, eps=0.001, momentum=0.3, affine=False, track_running_stats=True)",
                "SiLU()",
                "Sigmoid()",
                "Tanh()");
        for (int i = 0; i < modules.size(); i++) {
            assertEquals(torch.get(i), modules.get(i).toString());
        }
    }

    @Test
    void pythonFloatRepr() {
        assertEquals("1e-05", Repr.pyFloat(1e-5));
        assertEquals("1e-06", Repr.pyFloat(1e-6));
        assertEquals("0.0001", Repr.pyFloat(1e-4));
        assertEquals("0.1", Repr.pyFloat(0.1));
        assertEquals("2.0", Repr.pyFloat(2));
        assertEquals("-2.5e-07", Repr.pyFloat(-2.5e-7));
        assertEquals("1e+16", Repr.pyFloat(1e16));
        assertEquals("1234567.0", Repr.pyFloat(1234567));
    }

    @Test
    void errorsNameTheOpTheShapesAndTheArgument() {
        IllegalArgumentException lin = assertThrows(IllegalArgumentException.class,
                () -> new Linear(3, 2).forward(new Variable(Tensor.zeros(4, 5))));
        assertEquals("linear: input [4, 5] and weight [2, 3] do not fit (expected input [..., in] and weight [out, in])",
                lin.getMessage());
        IllegalArgumentException gn = assertThrows(IllegalArgumentException.class,
                () -> new GroupNorm(2, 4).forward(new Variable(Tensor.zeros(1, 3, 2))));
        assertTrue(gn.getMessage().startsWith("group_norm:") && gn.getMessage().contains("[1, 3, 2]"), gn.getMessage());
        IllegalArgumentException ln = assertThrows(IllegalArgumentException.class,
                () -> new LayerNorm(4).forward(new Variable(Tensor.zeros(2, 3))));
        assertEquals("layer_norm: input [2, 3] does not end with normalized_shape [4]", ln.getMessage());
        IllegalArgumentException bn = assertThrows(IllegalArgumentException.class,
                () -> new BatchNorm2d(2).forward(new Variable(Tensor.zeros(1, 2, 1, 1))));
        assertTrue(bn.getMessage().contains("more than 1 value per channel"), bn.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new GroupNorm(3, 4));
    }
}
