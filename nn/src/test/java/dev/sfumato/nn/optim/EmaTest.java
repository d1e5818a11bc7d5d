package dev.sfumato.nn.optim;

import dev.sfumato.nn.Module;
import dev.sfumato.nn.Parameter;
import dev.sfumato.tensor.Tensor;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** EMA arithmetic, warmup, buffers, keys and the swap scope. */
class EmaTest {

    static final class Net extends Module {
        final Parameter w = registerParameter("w", new Parameter(Tensor.of(1, 2)));
        final Tensor running = registerBuffer("running", Tensor.of(0));
        final Inner inner = registerModule("inner", new Inner());
    }

    static final class Inner extends Module {
        final Parameter b = registerParameter("b", new Parameter(Tensor.of(10)));
    }

    @Test
    void averagesParametersAndCopiesBuffers() {
        Net net = new Net();
        Ema ema = new Ema(net, 0.5, false);
        net.w.value().copyFrom(Tensor.of(3, 6));
        net.running.fill(7);
        ema.update();
        assertArrayEquals(new float[] {2, 4}, ema.stateDict().get("w").toArray());
        assertArrayEquals(new float[] {7}, ema.stateDict().get("running").toArray());
        assertArrayEquals(new float[] {10}, ema.stateDict().get("inner.b").toArray());
    }

    @Test
    void warmupDecayFollowsLitEma() {
        Ema ema = new Ema(new Net(), 0.9999, true);
        assertEquals(2.0 / 11, ema.currentDecay(), 0);               // update 1
        for (int i = 0; i < 99; i++) {
            ema.update();
        }
        assertEquals(101.0 / 110, ema.currentDecay(), 0);            // update 100
        assertEquals(2.0 / 11, new Ema(new Net(), 0.5, true).currentDecay(), 0);   // min(0.5, 2/11)
    }

    @Test
    void stateDictHasTheModelsKeysAndLoadsIntoAModel() {
        Net net = new Net();
        Ema ema = new Ema(net, 0.9, false);
        assertEquals(net.stateDict().keySet(), ema.stateDict().keySet());
        net.w.value().copyFrom(Tensor.of(11, 12));
        ema.update();
        Net other = new Net();
        other.loadStateDict(ema.stateDict(), true);
        assertArrayEquals(ema.stateDict().get("w").toArray(), other.w.value().toArray());
    }

    @Test
    void swapEvaluatesWithTheAverageThenRestores() {
        Net net = new Net();
        Ema ema = new Ema(net, 0.5, false);
        net.w.value().copyFrom(Tensor.of(3, 6));
        ema.update();
        try (Ema.Swap ignored = ema.swapInto()) {
            assertArrayEquals(new float[] {2, 4}, net.w.value().toArray());
        }
        assertArrayEquals(new float[] {3, 6}, net.w.value().toArray());
    }

    @Test
    void rejectsDecayOutsideUnitInterval() {
        assertThrows(IllegalArgumentException.class, () -> new Ema(new Net(), 1.5, false));
    }
}
