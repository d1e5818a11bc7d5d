package dev.sfumato.nn.optim;

import dev.sfumato.autograd.Variable;
import dev.sfumato.nn.serialization.Safetensors;
import dev.sfumato.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Resuming from a state dict is bit-identical to never stopping: k steps, save the optimiser (and schedule)
 * through a safetensors file, load into fresh ones over a copy of the parameters, continue; compare with
 * the uninterrupted run.
 */
class OptimizerStateDictTest {

    private static final int BEFORE = 4;
    private static final int AFTER = 5;

    @TempDir
    Path dir;

    private static List<Variable> copy(List<Variable> params) {
        List<Variable> out = new ArrayList<>();
        for (Variable p : params) {
            out.add(Variable.param(p.value().clone()));
        }
        return out;
    }

    private static void train(List<Variable> p, Optimizer opt, LrScheduler sched, int steps) {
        for (int i = 0; i < steps; i++) {
            opt.zeroGrad();
            OptimGoldenTest.loss(p).backward();
            opt.step();
            sched.step();
        }
    }

    private void roundTrip(Function<List<Variable>, Optimizer> make) throws IOException {
        // Uninterrupted.
        List<Variable> a = OptimGoldenTest.freshParams();
        Optimizer optA = make.apply(a);
        LrScheduler schedA = new SequentialLR(optA, List.of(new LinearWarmup(optA, 0.3, 3), new CosineAnnealing(optA, 7)), 3);
        train(a, optA, schedA, BEFORE + AFTER);

        // Interrupted after BEFORE steps, resumed from files.
        List<Variable> b = OptimGoldenTest.freshParams();
        Optimizer optB = make.apply(b);
        LrScheduler schedB = new SequentialLR(optB, List.of(new LinearWarmup(optB, 0.3, 3), new CosineAnnealing(optB, 7)), 3);
        train(b, optB, schedB, BEFORE);
        Path optFile = dir.resolve("opt.safetensors");
        Path schedFile = dir.resolve("sched.safetensors");
        Safetensors.save(optB.stateDict(), optFile);
        Safetensors.save(schedB.stateDict(), schedFile);

        List<Variable> c = copy(b);
        Optimizer optC = make.apply(c);
        LrScheduler schedC = new SequentialLR(optC, List.of(new LinearWarmup(optC, 0.3, 3), new CosineAnnealing(optC, 7)), 3);
        optC.loadStateDict(Safetensors.load(optFile));
        schedC.loadStateDict(Safetensors.load(schedFile));
        assertEquals(optB.lr(), optC.lr(), 0);
        train(c, optC, schedC, AFTER);

        for (int i = 0; i < a.size(); i++) {
            assertArrayEquals(a.get(i).value().toArray(), c.get(i).value().toArray(), "parameter " + i);
        }
        Map<String, Tensor> sa = optA.stateDict();
        Map<String, Tensor> sc = optC.stateDict();
        assertEquals(sa.keySet(), sc.keySet());
        for (String k : sa.keySet()) {
            assertArrayEquals(sa.get(k).toArray(), sc.get(k).toArray(), k);
        }
    }

    @Test
    void sgdResumesBitForBit() throws IOException {
        roundTrip(p -> SGD.builder(p, 0.1).momentum(0.9).nesterov(true).weightDecay(1e-3).build());
    }

    @Test
    void adamResumesBitForBit() throws IOException {
        roundTrip(p -> Adam.builder(p).lr(3e-3).weightDecay(1e-3).amsgrad(true).build());
    }

    @Test
    void adamWResumesBitForBit() throws IOException {
        roundTrip(p -> AdamW.builder(p).lr(3e-3).build());
    }

    @Test
    void keysFollowPyTorch() {
        List<Variable> p = OptimGoldenTest.freshParams();
        Optimizer opt = Adam.builder(p).lr(2e-4).build();
        OptimGoldenTest.loss(p).backward();
        opt.step();
        Map<String, Tensor> s = opt.stateDict();
        assertTrue(s.containsKey("state.0.exp_avg") && s.containsKey("state.3.exp_avg_sq"), s.keySet().toString());
        assertEquals(1f, s.get("state.2.step").item());
        assertTrue(s.keySet().stream().noneMatch(k -> k.startsWith("state.4.")), "the unused parameter has no state");
        assertEquals(2e-4, ExactDouble.decode("lr", s.get("param_groups.0.lr")), 0);
        assertEquals((float) 2e-4, s.get("param_groups.0.lr").get(0), 0f);
    }

    @Test
    void stateDictIsASnapshot() {
        List<Variable> p = OptimGoldenTest.freshParams();
        Optimizer opt = SGD.builder(p, 0.1).momentum(0.9).build();
        OptimGoldenTest.loss(p).backward();
        opt.step();
        float[] before = opt.stateDict().get("state.0.momentum_buffer").toArray();
        Map<String, Tensor> taken = opt.stateDict();
        opt.step();
        assertArrayEquals(before, taken.get("state.0.momentum_buffer").toArray());
    }

    @Test
    void loadRejectsBadKeysAndShapes() {
        List<Variable> p = OptimGoldenTest.freshParams();
        Optimizer opt = Adam.builder(p).build();
        Map<String, Tensor> good = opt.stateDict();

        Map<String, Tensor> unknown = new java.util.LinkedHashMap<>(good);
        unknown.put("param_groups.0.momentum", ExactDouble.encode(0.9));
        assertTrue(message(opt, unknown).contains("no hyperparameter 'momentum'"));

        Map<String, Tensor> outOfRange = new java.util.LinkedHashMap<>(good);
        outOfRange.put("state.9.exp_avg", Tensor.zeros(3));
        assertTrue(message(opt, outOfRange).contains("names parameter 9 but Adam has 5 parameters"));

        Map<String, Tensor> badShape = new java.util.LinkedHashMap<>(good);
        badShape.put("state.0.exp_avg", Tensor.zeros(3));
        String m = message(opt, badShape);
        assertTrue(m.contains("'state.0.exp_avg' has shape [3]") && m.contains("[5, 16]"), m);

        Map<String, Tensor> vectorStep = new java.util.LinkedHashMap<>(good);
        vectorStep.put("state.1.step", Tensor.of(3, 3));
        assertTrue(message(opt, vectorStep).contains("a step count is a scalar"));

        Map<String, Tensor> missing = new java.util.LinkedHashMap<>(good);
        missing.remove("param_groups.0.eps");
        assertTrue(message(opt, missing).contains("needs hyperparameters"));
    }

    private static String message(Optimizer opt, Map<String, Tensor> dict) {
        return assertThrows(IllegalArgumentException.class, () -> opt.loadStateDict(dict)).getMessage();
    }
}
