package dev.sfumato.tensor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.ConcurrentHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A parallel loop nested inside another runs inline on the thread that runs the outer block, the caller's
 * own block included. Before, the caller's nested loop queued its tasks behind the workers' blocks and the
 * caller waited idle (it showed as poor 2-thread scaling of the convolutions, which nest a GEMM in a loop
 * over samples).
 */
class ParallelNestingTest {

    @Test
    void nestedLoopsRunOnTheThreadOfTheirOuterBlock() {
        int before = Parallel.threads();
        try {
            Parallel.setThreads(2);
            assertTrue(Parallel.canSplit(), "the test thread may split");
            Map<Integer, String> outer = new ConcurrentHashMap<>();
            Map<Integer, String> inner = new ConcurrentHashMap<>();
            Parallel.forRange(2, (b0, b1) -> {
                for (int b = b0; b < b1; b++) {
                    outer.put(b, Thread.currentThread().getName());
                    assertFalse(Parallel.canSplit(), "inside a loop nothing splits again");
                    int block = b;
                    Parallel.forRange(4, (t0, t1) -> {
                        for (int t = t0; t < t1; t++) {
                            inner.put(block * 4 + t, Thread.currentThread().getName());
                        }
                    });
                }
            });
            assertEquals(2, outer.size());
            for (int t = 0; t < 8; t++) {
                assertEquals(outer.get(t / 4), inner.get(t), "nested task " + t + " ran on its outer block's thread");
            }
            assertTrue(Parallel.canSplit(), "the caller may split again after the loop");
        } finally {
            Parallel.setThreads(before);
        }
    }
}
