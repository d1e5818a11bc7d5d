package dev.sfumato.nn.layers;

import dev.sfumato.autograd.NoGrad;
import dev.sfumato.autograd.Variable;
import dev.sfumato.nn.Parameter;
import dev.sfumato.nn.Sequential;
import dev.sfumato.tensor.Generator;
import dev.sfumato.tensor.Tensor;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * End to end: a small convolutional classifier built from the layers (conv, group norm, SiLU, attention,
 * pooling, dropout, flatten, linear) overfits one seeded batch with plain SGD. If any layer's backward
 * were wrong in a way the per-op checks missed (a gradient not reaching a parameter, a wrong sign through
 * a composite), the loss would not fall.
 */
class TinyModelOverfitTest {

    @Test
    void overfitsOneBatch() {
        Generator g = new Generator(2024);
        Sequential model = new Sequential(
                Conv2d.builder(1, 8, 3).padding(1).generator(g).build(),    // [6, 8, 8, 8]
                new GroupNorm(4, 8),
                new SiLU(),
                SelfAttention2d.builder(8).heads(2).groups(4).generator(g).build(),
                new MaxPool2d(2),                                          // [6, 8, 4, 4]
                new Dropout(0.1, new Generator(7)),
                new Flatten(),                                             // [6, 128]
                Linear.builder(128, 3).generator(g).build());              // [6, 3]
        Tensor x = Tensor.randn(new Generator(1), 6, 1, 8, 8);
        Tensor labels = Tensor.of(0, 1, 2, 0, 1, 2).reshape(6, 1);        // class per sample

        float first = Float.NaN;
        float last = Float.NaN;
        for (int step = 0; step < 40; step++) {
            model.zeroGrad();
            Variable logits = model.forward(new Variable(x));
            // Cross-entropy from primitives: −mean log softmax(logits)[label].
            Variable loss = logits.logSoftmax(1).gather(1, labels).mean().neg();
            loss.backward();
            try (NoGrad ignored = NoGrad.enter()) {
                for (Parameter p : model.parameters()) {
                    assertTrue(p.grad() != null, "every parameter receives a gradient");
                    p.value().addInPlace(p.grad(), -0.1f);
                }
            }
            if (step == 0) {
                first = loss.item();
            }
            last = loss.item();
        }
        // Three balanced classes at random init: about ln 3.
        assertEquals(Math.log(3), first, 0.5, "initial loss");
        assertTrue(last < 0.05 * first, "loss fell from " + first + " to only " + last);

        model.eval();
        Tensor predicted = model.forward(new Variable(x)).value().argmax(1, true);
        assertTrue(predicted.allClose(labels, 0, 0), "the batch is memorised: " + predicted);
    }
}
