package dev.sfumato.diffusion.model;

import dev.sfumato.autograd.NoGrad;
import dev.sfumato.autograd.Variable;
import dev.sfumato.nn.Parameter;
import dev.sfumato.tensor.Recycler;
import dev.sfumato.tensor.Generator;
import dev.sfumato.tensor.Tensor;
import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class UNetTest {

    @Test
    void defaultConfigHasTheReferenceParameterCount() {
        UNet net = new UNet(UNetConfig.fashionMnist(), 0);
        System.out.println(net.summary());
        // The same count as the PyTorch twin, benchmarks/scripts/ddpm_unet_torch.py (218 tensors).
        assertEquals(1_539_329L, net.parameterCount());
        assertEquals(218, net.parameters().size());
    }

    @Test
    void predictsImagesOfTheInputShapeAndStartsAtZero() {
        UNetConfig c = new UNetConfig(1, 8, 8, new int[] {1, 2}, 1, new int[] {4}, 0.0, 0, 1);
        UNet net = new UNet(c, 1);
        Tensor x = Tensor.randn(new Generator(3), 2, 1, 8, 8);
        Variable y = net.forward(new Variable(x), Tensor.of(0, 999), null);
        assertArrayEquals(new int[] {2, 1, 8, 8}, y.shape());
        // conv_out starts at zero (init_scale=0 in the original code): the first prediction is exactly 0.
        assertEquals(0f, y.value().abs().max().item());
        y.sum().backward();
        assertNotNull(net.convOut.weight.grad());
        assertTrue(net.convOut.weight.grad().abs().sum().item() > 0);
    }

    /**
     * Inside a recycler scope each block runs in a scope of its own, which recycles at its close what no autograd
     * node saved (the group norm's output that dropout consumed, the 1×1 convolution's residual, attention's
     * temporaries): the gradients are the same bits as without any scope. The build's tests run in poison mode,
     * so a recycled array read by mistake would show up as NaN here rather than pass by luck.
     */
    @Test
    void aTrainingStepInARecyclerScopeHasTheGradientsOfOneWithout() {
        UNetConfig c = new UNetConfig(1, 8, 8, new int[] {1, 2}, 1, new int[] {4}, 0.1, 0, 1);
        Map<String, float[]> plain = gradients(c, false);
        Map<String, float[]> scoped = gradients(c, true);
        assertEquals(plain.keySet(), scoped.keySet());
        for (String name : plain.keySet()) {
            assertArrayEquals(plain.get(name), scoped.get(name), name);
            float most = 0f;
            for (float v : plain.get(name)) {
                most = Math.max(most, Math.abs(v));
            }
            assertTrue(most > 0f, name + ": a gradient that is all zero would test little");
        }
    }

    private static Map<String, float[]> gradients(UNetConfig c, boolean inScope) {
        UNet net = new UNet(c, 1);
        Generator g = new Generator(5);
        try (NoGrad ignored = NoGrad.enter()) {
            for (Parameter p : net.parameters()) {
                // Random weights everywhere: the zero-initialised last convolutions would zero most gradients.
                p.copyFrom(Tensor.randn(g, p.shape()).mul(0.2f));
            }
        }
        Tensor x = Tensor.randn(g, 2, 1, 8, 8);
        try (Recycler.Scope scope = inScope ? Recycler.open() : null) {
            net.forward(new Variable(x), Tensor.of(3, 500), null).square().mean().backward();
        }
        Map<String, float[]> grads = new LinkedHashMap<>();
        net.namedParameters().forEach((name, p) -> grads.put(name, p.grad().toArray()));
        return grads;
    }

    @Test
    void wrongImageSizeNamesBothShapes() {
        UNet net = new UNet(new UNetConfig(1, 8, 8, new int[] {1, 2}, 1, new int[0], 0.0, 0, 1), 1);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> net.forward(new Variable(Tensor.zeros(2, 1, 28, 28)), Tensor.of(1, 2), null));
        assertEquals("UNet: expected images [N, 1, 8, 8] for this config, got [2, 1, 28, 28]", e.getMessage());
    }
}
