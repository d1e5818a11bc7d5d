package dev.sfumato.nn.functional;

import dev.sfumato.autograd.Variable;
import dev.sfumato.nn.layers.CrossEntropyLoss;
import dev.sfumato.nn.layers.L1Loss;
import dev.sfumato.nn.layers.MSELoss;
import dev.sfumato.nn.layers.NLLLoss;
import dev.sfumato.tensor.Tensor;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Error messages, edge cases and the module forms of the losses. */
class LossesTest {

    private static final Variable LOGITS = new Variable(Tensor.of(new float[][] {{1, 2, 3}, {0, -1, 2}}), true);

    private static String message(Runnable r) {
        return assertThrows(IllegalArgumentException.class, r::run).getMessage();
    }

    @Test
    void batchSizeMismatchNamesBothSizesAndShapes() {
        String m = message(() -> Losses.crossEntropy(LOGITS, Tensor.of(0, 1, 2)));
        assertTrue(m.contains("batch size (2)") && m.contains("target batch size (3)") && m.contains("[2, 3]"), m);
    }

    @Test
    void classOutOfRangeNamesValueAndPosition() {
        String m = message(() -> Losses.crossEntropy(LOGITS, Tensor.of(0, 3)));
        assertTrue(m.contains("class 3 at position [1]") && m.contains("3 classes"), m);
        m = message(() -> Losses.nllLoss(LOGITS, Tensor.of(-1, 0)));
        assertTrue(m.contains("class -1 at position [0]"), m);
    }

    @Test
    void fractionalTargetIsRefused() {
        String m = message(() -> Losses.crossEntropy(LOGITS, Tensor.of(0.5f, 1)));
        assertTrue(m.contains("0.5 at position [0]") && m.contains("whole numbers"), m);
    }

    @Test
    void targetWithWrongSpatialShapeIsRefused() {
        Variable x = new Variable(Tensor.zeros(2, 3, 4));
        String m = message(() -> Losses.crossEntropy(x, Tensor.zeros(2, 5)));
        assertTrue(m.contains("must have shape [2, 4]"), m);
    }

    @Test
    void regressionLossesRefuseBroadcasting() {
        String m = message(() -> Losses.mseLoss(LOGITS, Tensor.zeros(3)));
        assertTrue(m.contains("[2, 3]") && m.contains("[3]"), m);
    }

    @Test
    void labelSmoothingOutsideUnitIntervalIsRefused() {
        String m = message(() -> Losses.crossEntropy(LOGITS, Tensor.of(0, 1), 1.5, Reduction.MEAN));
        assertTrue(m.contains("1.5"), m);
    }

    @Test
    void meanOverOnlyIgnoredTargetsIsNaNAsInPyTorch() {
        Variable loss = Losses.crossEntropy(LOGITS, Tensor.of(-100, -100));
        assertTrue(Float.isNaN(loss.item()));
    }

    @Test
    void crossEntropyIsLogSoftmaxThenNll() {
        Tensor t = Tensor.of(2, 0);
        float ce = Losses.crossEntropy(LOGITS, t).item();
        float nll = Losses.nllLoss(LOGITS.logSoftmax(1), t).item();
        assertEquals(nll, ce, 0f);
        // By hand: row 0 picks class 2 of (1, 2, 3), row 1 class 0 of (0, -1, 2).
        double r0 = Math.log(Math.exp(1) + Math.exp(2) + Math.exp(3)) - 3;
        double r1 = Math.log(Math.exp(0) + Math.exp(-1) + Math.exp(2)) - 0;
        assertEquals((r0 + r1) / 2, ce, 1e-6);
    }

    @Test
    void unbatchedInputWithScalarTarget() {
        Variable x = new Variable(Tensor.of(1, 2, 3));
        assertEquals(Losses.crossEntropy(LOGITS, Tensor.of(2, 0), 0, Reduction.NONE).value().get(0),
                Losses.crossEntropy(x, Tensor.scalar(2), 0, Reduction.NONE).item(), 0f);
        assertEquals(0, Losses.crossEntropy(x, Tensor.scalar(2), 0, Reduction.NONE).dim());
    }

    @Test
    void modulesMatchTheFunctions() {
        Tensor t = Tensor.of(2, 0);
        assertEquals(Losses.crossEntropy(LOGITS, t, 0.1, Reduction.SUM).item(),
                CrossEntropyLoss.builder().labelSmoothing(0.1).reduction(Reduction.SUM).build().forward(LOGITS, t).item(), 0f);
        assertEquals(Losses.nllLoss(LOGITS, t, Reduction.MEAN, 0).item(),
                NLLLoss.builder().ignoreIndex(0).build().forward(LOGITS, t).item(), 0f);
        Tensor y = Tensor.ones(2, 3);
        assertEquals(Losses.mseLoss(LOGITS, y).item(), new MSELoss().forward(LOGITS, y).item(), 0f);
        assertEquals(Losses.l1Loss(LOGITS, y, Reduction.SUM).item(), new L1Loss(Reduction.SUM).forward(LOGITS, y).item(), 0f);
        assertEquals("CrossEntropyLoss(reduction=mean, label_smoothing=0.1, ignore_index=-100)",
                CrossEntropyLoss.builder().labelSmoothing(0.1).build().toString());
    }
}
