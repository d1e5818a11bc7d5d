package dev.sfumato.nn.optim;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Doubles survive the three-float encoding bit for bit. */
class ExactDoubleTest {

    @Property(tries = 2000)
    void randomDoublesRoundTrip(@ForAll double d) {
        if (Double.isFinite(d) && (d == 0 || Math.abs(d) > 0x1p-70) && Math.abs(d) < Float.MAX_VALUE) {
            assertEquals(Double.doubleToLongBits(d), Double.doubleToLongBits(ExactDouble.decode("x", ExactDouble.encode(d))));
        }
    }

    @Test
    void hyperparameterValuesRoundTrip() {
        for (double d : new double[] {0, 1, 1e-3, 2e-4, 0.9, 0.999, 1e-8, 1e-2, 0.1 * 3, 1 - 0.9, Math.PI, 1.0 / 3}) {
            assertEquals(d, ExactDouble.decode("x", ExactDouble.encode(d)), 0);
        }
    }
}
