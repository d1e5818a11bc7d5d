package dev.sfumato.autograd;

import dev.sfumato.tensor.Tensor;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** In-place writes versus saved tensors, and the in-place methods of Variable. */
class InPlaceTest {

    @Test
    void modifyingASavedOutputIsDetectedAtBackward() {
        Variable x = Variable.param(Tensor.of(1f, 2f));
        Variable y = x.exp();                 // saves y's value
        Variable loss = y.sum();
        y.value().set(0f, 0);                 // version 0 -> 1
        IllegalStateException e = assertThrows(IllegalStateException.class, loss::backward);
        assertEquals("in-place modification: exp saved a tensor at version 0 that is now at version 1"
                + " (enter Anomaly.detect() to see where exp was created)", e.getMessage());
    }

    @Test
    void inAnomalyModeTheMessageNamesTheSourceLine() {
        Variable x = Variable.param(Tensor.of(1f, 2f));
        Variable w = Variable.param(Tensor.of(3f, 4f));
        Variable y;
        int line;
        try (Anomaly _ = Anomaly.detect()) {
            line = new Throwable().getStackTrace()[0].getLineNumber() + 1;
            y = x.mul(w);
        }
        w.value().set(0f, 1);                 // an optimiser step taken too early
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> y.sum().backward());
        assertEquals("in-place modification: mul (created at InPlaceTest.java:" + line + ") saved a tensor at version 0"
                + " that is now at version 1", e.getMessage());
    }

    @Test
    void writesThroughAnotherViewOfTheStorageCountToo() {
        Tensor base = Tensor.of(1f, 2f, 3f, 4f);
        Variable x = Variable.param(base.view(2, 2));
        Variable y = x.square().sum();
        base.narrow(0, 3, 1).fill(9f);        // a different view of the same storage
        assertThrows(IllegalStateException.class, y::backward);
    }

    @Test
    void leafThatRequiresGradRefusesInPlaceWhileRecording() {
        Variable p = Variable.param(Tensor.of(1f, 2f));
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> p.mulInPlace(2f));
        assertEquals(true, e.getMessage().contains("NoGrad"), e.getMessage());
    }

    @Test
    void optimiserStyleUpdateInsideNoGrad() {
        Variable p = Variable.param(Tensor.of(1f, 2f));
        p.mul(p).sum().backward();            // grad = 2p = [2, 4]
        try (NoGrad _ = NoGrad.enter()) {
            p.addInPlace(p.grad(), -0.5f);    // p -= 0.5 * grad
        }
        assertArrayEquals(new float[] {0f, 0f}, p.value().toArray());
        // The update does not break later graphs: a fresh forward saves the new version.
        p.zeroGrad();
        p.add(1f).square().sum().backward();
        assertArrayEquals(new float[] {2f, 2f}, p.grad().toArray());
    }
}
