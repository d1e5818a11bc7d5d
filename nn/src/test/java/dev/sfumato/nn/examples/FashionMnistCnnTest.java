package dev.sfumato.nn.examples;

import dev.sfumato.autograd.Variable;
import dev.sfumato.nn.functional.Losses;
import dev.sfumato.nn.optim.Adam;
import dev.sfumato.tensor.Generator;
import dev.sfumato.tensor.Tensor;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The Fashion-MNIST CNN on synthetic data, fast enough for the default suite; the real training run (≥ 90%
 * test accuracy) is {@code ./sfumato classifier}, see the README.
 */
class FashionMnistCnnTest {

    /**
     * 2n images [2n, 1, 28, 28] in [−1, 1]: class 0 has a bright top half, class 1 a bright bottom half, both
     * with noise, so the classes are linearly separable; labels [2n] alternate 0, 1.
     */
    static Tensor[] twoClasses(int n, long seed) {
        float[] noise = Tensor.randn(new Generator(seed), 2 * n, 1, 28, 28).toArray();
        float[] x = new float[2 * n * 28 * 28];
        float[] y = new float[2 * n];
        for (int i = 0; i < 2 * n; i++) {
            y[i] = i % 2;
            for (int r = 0; r < 28; r++) {
                boolean bright = (r < 14) == (y[i] == 0);
                for (int c = 0; c < 28; c++) {
                    int k = (i * 28 + r) * 28 + c;
                    x[k] = Math.clamp((bright ? 0.5f : -0.5f) + 0.3f * noise[k], -1f, 1f);
                }
            }
        }
        return new Tensor[] {Tensor.wrap(x, 2 * n, 1, 28, 28), Tensor.wrap(y, 2 * n)};
    }

    @Test
    void shapesAndParameterCount() {
        FashionMnistCnn model = new FashionMnistCnn(new Generator(0));
        assertEquals(421_642, model.parameterCount());
        assertEquals(List.of("conv1.weight", "conv1.bias", "conv2.weight", "conv2.bias", "fc1.weight", "fc1.bias",
                "fc2.weight", "fc2.bias"), List.copyOf(model.stateDict().keySet()));
        model.eval();
        Variable x = new Variable(Tensor.randn(new Generator(1), 3, 1, 28, 28).tanh());
        Tensor features = model.features(x).value();
        assertArrayEquals(new int[] {3, 128}, features.shape());
        assertTrue(features.min().item() >= 0, "features come after a ReLU");
        assertArrayEquals(new int[] {3, 10}, model.forward(x).value().shape());
    }

    @Test
    void rejectsImagesOfAnotherSize() {
        FashionMnistCnn model = new FashionMnistCnn(new Generator(0));
        var e = assertThrows(IllegalArgumentException.class,
                () -> model.forward(new Variable(Tensor.zeros(2, 1, 32, 32))));
        assertTrue(e.getMessage().contains("[2, 1, 32, 32]"), e.getMessage());
    }

    @Test
    void learnsTwoSeparableClassesInAFewAdamSteps() {
        Tensor[] train = twoClasses(8, 3);
        FashionMnistCnn model = new FashionMnistCnn(new Generator(5));
        Adam adam = Adam.builder(model.parameters()).lr(1e-3).build();
        float first = Float.NaN;
        float last = Float.NaN;
        for (int step = 0; step < 8; step++) {
            adam.zeroGrad();
            Variable loss = Losses.crossEntropy(model.forward(new Variable(train[0])), train[1]);
            loss.backward();
            adam.step();
            if (step == 0) {
                first = loss.item();
            }
            last = loss.item();
        }
        // Ten outputs near zero at init: about ln 10, whatever the two labels.
        assertEquals(Math.log(10), first, 0.2, "initial loss");
        assertTrue(last < 0.05 * first, "loss fell from " + first + " to only " + last);

        // Fresh images of the same two classes are all classified right.
        Tensor[] test = twoClasses(16, 4);
        model.eval();
        Tensor predicted = model.forward(new Variable(test[0])).value().argmax(1, false);
        assertEquals(32f, predicted.eq(test[1]).sum().item(), "test predictions " + predicted);
    }
}
