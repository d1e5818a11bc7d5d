package dev.sfumato.diffusion.model;

import dev.sfumato.autograd.Variable;
import dev.sfumato.tensor.Generator;
import dev.sfumato.tensor.Tensor;
import org.junit.jupiter.api.Test;

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

    @Test
    void wrongImageSizeNamesBothShapes() {
        UNet net = new UNet(new UNetConfig(1, 8, 8, new int[] {1, 2}, 1, new int[0], 0.0, 0, 1), 1);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> net.forward(new Variable(Tensor.zeros(2, 1, 28, 28)), Tensor.of(1, 2), null));
        assertEquals("UNet: expected images [N, 1, 8, 8] for this config, got [2, 1, 28, 28]", e.getMessage());
    }
}
