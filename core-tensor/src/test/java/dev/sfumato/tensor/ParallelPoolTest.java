package dev.sfumato.tensor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * The pool behind {@link Parallel#forRange}: every task runs exactly once, failures in any block reach the
 * caller and leave the pool usable, loops started from several threads at once all complete, and changing
 * the thread count between loops stops the old workers without losing a loop.
 */
class ParallelPoolTest {

    @Test
    void everyTaskRunsOnceOverManyBackToBackLoops() {
        int before = Parallel.threads();
        try {
            for (int threads = 1; threads <= 3; threads++) {
                Parallel.setThreads(threads);
                for (int tasks = 1; tasks <= 9; tasks++) {
                    AtomicIntegerArray runs = new AtomicIntegerArray(tasks);
                    for (int rep = 0; rep < 200; rep++) {
                        Parallel.forRange(tasks, (from, to) -> {
                            for (int t = from; t < to; t++) {
                                runs.incrementAndGet(t);
                            }
                        });
                    }
                    for (int t = 0; t < tasks; t++) {
                        assertEquals(200, runs.get(t), "task " + t + " of " + tasks + " on " + threads + " threads");
                    }
                }
            }
        } finally {
            Parallel.setThreads(before);
        }
    }

    @Test
    void aFailureInAWorkersBlockReachesTheCallerAndThePoolStillWorks() {
        int before = Parallel.threads();
        try {
            Parallel.setThreads(2);
            IllegalStateException boom = new IllegalStateException("boom in the last task");
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> Parallel.forRange(4, (from, to) -> {
                if (to == 4) {
                    throw boom;
                }
            }));
            assertSame(boom, e);
            AssertionError err = assertThrows(AssertionError.class, () -> Parallel.forRange(4, (from, to) -> {
                if (from == 0) {
                    throw new AssertionError("in the caller's block");
                }
            }));
            assertEquals("in the caller's block", err.getMessage());
            AtomicIntegerArray runs = new AtomicIntegerArray(4);
            Parallel.forRange(4, (from, to) -> {
                for (int t = from; t < to; t++) {
                    runs.incrementAndGet(t);
                }
            });
            for (int t = 0; t < 4; t++) {
                assertEquals(1, runs.get(t));
            }
        } finally {
            Parallel.setThreads(before);
        }
    }

    @Test
    void loopsFromSeveralThreadsAtOnceAllComplete() throws InterruptedException {
        int before = Parallel.threads();
        try {
            Parallel.setThreads(2);
            int callers = 4;
            AtomicIntegerArray sums = new AtomicIntegerArray(callers);
            AtomicReference<Throwable> failure = new AtomicReference<>();
            Thread[] ts = new Thread[callers];
            for (int c = 0; c < callers; c++) {
                int caller = c;
                ts[c] = new Thread(() -> {
                    try {
                        for (int rep = 0; rep < 500; rep++) {
                            Parallel.forRange(8, (from, to) -> sums.addAndGet(caller, to - from));
                        }
                    } catch (Throwable t) {
                        failure.set(t);
                    }
                });
                ts[c].start();
            }
            for (Thread t : ts) {
                t.join(60_000);
            }
            assertEquals(null, failure.get());
            for (int c = 0; c < callers; c++) {
                assertEquals(8 * 500, sums.get(c), "caller " + c);
            }
        } finally {
            Parallel.setThreads(before);
        }
    }
}
