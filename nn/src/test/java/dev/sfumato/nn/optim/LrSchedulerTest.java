package dev.sfumato.nn.optim;

import dev.sfumato.autograd.Variable;
import dev.sfumato.tensor.Tensor;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Schedules: the base is the optimiser's initial lr, resuming restores the lr, and bad arguments are named. */
class LrSchedulerTest {

    private static Optimizer sgd(double lr) {
        return SGD.builder(List.of(Variable.param(Tensor.zeros(1))), lr).build();
    }

    @Test
    void schedulesReadTheInitialLrNotTheCurrentOne() {
        Optimizer opt = sgd(0.1);
        LinearWarmup warmup = new LinearWarmup(opt, 10);
        assertEquals(0, opt.lr());
        CosineAnnealing cosine = new CosineAnnealing(opt, 10);   // made after the warmup zeroed the lr
        assertEquals(0.1, cosine.lrAt(0), 0);
        assertEquals(0.1, warmup.lrAt(10), 1e-17);
    }

    @Test
    void loadStateDictRestoresTheCounterAndTheLr() {
        Optimizer a = sgd(0.1);
        StepLR s = new StepLR(a, 2, 0.5);
        for (int i = 0; i < 5; i++) {
            s.step();
        }
        Optimizer b = sgd(0.1);
        StepLR t = new StepLR(b, 2, 0.5);
        t.loadStateDict(s.stateDict());
        assertEquals(5, t.lastEpoch());
        assertEquals(0.025, b.lr(), 0);
    }

    @Test
    void badArgumentsAreNamed() {
        Optimizer opt = sgd(0.1);
        assertTrue(assertThrows(IllegalArgumentException.class, () -> new LinearWarmup(opt, 1.5, 3)).getMessage().contains("1.5"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> new CosineAnnealing(opt, 0)).getMessage().contains("tMax"));
        String m = assertThrows(IllegalArgumentException.class,
                () -> new SequentialLR(opt, List.of(new StepLR(opt, 1)), 3)).getMessage();
        assertTrue(m.contains("one milestone fewer"), m);
        assertTrue(assertThrows(IllegalArgumentException.class, () -> opt.setLr(-1)).getMessage().contains("-1"));
    }

    @Test
    void optimiserArgumentsAreChecked() {
        Variable p = Variable.param(Tensor.zeros(1));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> SGD.builder(List.of(), 0.1).build())
                .getMessage().contains("empty parameter list"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> SGD.builder(List.of(p, p), 0.1).build())
                .getMessage().contains("appears twice"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> SGD.builder(List.of(p), 0.1).nesterov(true).build())
                .getMessage().contains("Nesterov"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Adam.builder(List.of(p)).betas(0.9, 1.0).build())
                .getMessage().contains("betas"));
    }
}
