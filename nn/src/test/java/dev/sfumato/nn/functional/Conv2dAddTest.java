package dev.sfumato.nn.functional;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sfumato.autograd.Variable;
import dev.sfumato.tensor.Generator;
import dev.sfumato.tensor.Tensor;
import org.junit.jupiter.api.Test;

/**
 * {@link Convolution#conv2dAdd} is {@code conv2d(...).add(addend)} summed into the convolution's output: the same
 * values and the same gradients, bit for bit, on the kernels the U-Net's residual blocks use (Winograd's 3×3 with
 * a per-sample bias, a 1×1 with a residual) and on the channels-last stride 2.
 */
class Conv2dAddTest {

    @Test
    void equalsTheConvolutionFollowedByAnAdd() {
        check(new int[] {3, 16, 9, 9}, new int[] {16, 16, 3, 3}, 1, 1, new int[] {3, 16, 1, 1}, 1);
        check(new int[] {2, 8, 6, 7}, new int[] {12, 8, 1, 1}, 1, 0, new int[] {2, 12, 6, 7}, 2);
        check(new int[] {2, 32, 10, 10}, new int[] {32, 32, 3, 3}, 2, 1, new int[] {2, 32, 5, 5}, 3);
    }

    @Test
    void anAddendThatDoesNotBroadcastToTheOutputIsRejected() {
        Generator g = new Generator(4);
        Variable x = new Variable(Tensor.randn(g, 1, 2, 5, 5));
        Variable w = new Variable(Tensor.randn(g, 3, 2, 3, 3));
        // [1, 3, 5, 5] would broadcast the output up to 5×5 rather than add into its 3×3.
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Convolution.conv2dAdd(x, w,
                null, new int[] {1, 1}, new int[] {0, 0}, new int[] {1, 1}, 1, new Variable(Tensor.randn(g, 1, 3, 5, 5))));
        assertTrue(e.getMessage().contains("[1, 3, 5, 5]") && e.getMessage().contains("[1, 3, 3, 3]"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Convolution.conv2dAdd(x, w, null, new int[] {1, 1},
                new int[] {0, 0}, new int[] {1, 1}, 1, new Variable(Tensor.randn(g, 2, 3, 1, 1))));
    }

    private static void check(int[] xShape, int[] wShape, int stride, int padding, int[] addendShape, long seed) {
        Generator g = new Generator(seed);
        Tensor x = Tensor.randn(g, xShape);
        Tensor w = Tensor.randn(g, wShape);
        Tensor b = Tensor.randn(g, wShape[0]);
        Tensor a = Tensor.randn(g, addendShape);
        int[] s = {stride, stride};
        int[] p = {padding, padding};
        int[] one = {1, 1};
        Variable[] fused = leaves(x, w, b, a);
        Variable yFused = Convolution.conv2dAdd(fused[0], fused[1], fused[2], s, p, one, 1, fused[3]);
        Variable[] plain = leaves(x, w, b, a);
        Variable yPlain = Convolution.conv2d(plain[0], plain[1], plain[2], s, p, one, 1).add(plain[3]);
        assertArrayEquals(yPlain.value().toArray(), yFused.value().toArray(), "forward");
        Tensor dy = Tensor.randn(g, yPlain.shape());
        yFused.backward(dy);
        yPlain.backward(dy);
        String[] names = {"x", "w", "b", "addend"};
        for (int i = 0; i < 4; i++) {
            assertArrayEquals(plain[i].grad().toArray(), fused[i].grad().toArray(), "gradient of " + names[i]);
        }
    }

    private static Variable[] leaves(Tensor... ts) {
        Variable[] v = new Variable[ts.length];
        for (int i = 0; i < ts.length; i++) {
            v[i] = new Variable(ts[i].clone(), true);
        }
        return v;
    }
}
