package dev.sfumato.autograd;

import dev.sfumato.tensor.Tensor;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Anomaly mode: NaN/Inf in forward or backward is blamed on the op and the line that created it. */
class AnomalyTest {

    @Test
    void offByDefaultAndNothingIsCaptured() {
        assertFalse(Anomaly.isEnabled());
        Variable x = Variable.param(Tensor.of(0f));
        Variable y = x.log();                          // -inf, silently, as in PyTorch
        assertNull(y.gradFn().site());
        assertDoesNotThrow(() -> y.sum().backward());
    }

    @Test
    void forwardNaNNamesTheOpAndLine() {
        Variable x = Variable.param(Tensor.of(1f, -1f));
        try (Anomaly _ = Anomaly.detect()) {
            Variable y = x.mul(2f);
            int line = new Throwable().getStackTrace()[0].getLineNumber() + 1;
            Anomaly.NonFiniteException e = assertThrows(Anomaly.NonFiniteException.class, () -> y.sqrt());
            assertEquals("sqrt (created at AnomalyTest.java:" + line + ") produced NaN/Inf in its forward output"
                    + " from finite inputs", e.getMessage());
        }
    }

    @Test
    void backwardInfNamesTheOpAndLine() {
        Variable x = Variable.param(Tensor.of(0f, 4f));
        Variable loss;
        int line;
        try (Anomaly _ = Anomaly.detect()) {
            line = new Throwable().getStackTrace()[0].getLineNumber() + 1;
            Variable y = x.sqrt();                     // sqrt(0) = 0 is fine; its derivative 1/(2*0) is not
            loss = y.sum();
            Anomaly.NonFiniteException e = assertThrows(Anomaly.NonFiniteException.class, loss::backward);
            assertEquals("sqrt (created at AnomalyTest.java:" + line + ") produced NaN/Inf in its gradient for input 0",
                    e.getMessage());
        }
    }

    @Test
    void scopesNest() {
        try (Anomaly _ = Anomaly.detect()) {
            try (Anomaly _ = Anomaly.detect()) {
                assertTrue(Anomaly.isEnabled());
            }
            assertTrue(Anomaly.isEnabled());
        }
        assertFalse(Anomaly.isEnabled());
    }
}
