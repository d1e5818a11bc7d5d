package dev.sfumato.tensor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicIntegerArray;
import org.junit.jupiter.api.Test;

/**
 * {@link LoopProfile}: every top-level loop run while it is open is counted once under its call site, tasks and
 * thread count, with its times; nested loops are not counted again; closed, it records nothing more; and a
 * loop runs every task once whether a profile is open or not.
 */
class LoopProfileTest {

    /** The entry of this class's loops for a method name and thread count. */
    private static LoopProfile.Loop entry(LoopProfile p, String method, int threads) {
        List<LoopProfile.Loop> found = p.loops().stream()
                .filter(l -> l.site().startsWith("LoopProfileTest." + method) && l.threads() == threads)
                .toList();
        assertEquals(1, found.size(), method + " on " + threads + " threads, in " + p.loops());
        return found.get(0);
    }

    private static void sixLoopsOfFiveTasks(AtomicIntegerArray runs) {
        for (int rep = 0; rep < 6; rep++) {
            Parallel.forRange(5, (from, to) -> {
                for (int t = from; t < to; t++) {
                    runs.incrementAndGet(t);
                    // A nested loop runs inline in the task and is not recorded on its own.
                    Parallel.forRange(3, (a, b) -> { });
                }
            });
        }
    }

    private static void oneTask() {
        Parallel.forRange(1, (from, to) -> Parallel.forRange(4, (a, b) -> { }));
    }

    @Test
    void countsEveryTopLevelLoopOnceWithItsTasksAndThreads() throws Exception {
        ThreadCount.restoring(() -> {
            AtomicIntegerArray runs = new AtomicIntegerArray(5);
            try (LoopProfile p = LoopProfile.start()) {
                for (int threads = 1; threads <= 2; threads++) {
                    Parallel.setThreads(threads);
                    sixLoopsOfFiveTasks(runs);
                    oneTask();
                }
                for (int threads = 1; threads <= 2; threads++) {
                    LoopProfile.Loop l = entry(p, "sixLoopsOfFiveTasks", threads);
                    assertEquals(6, l.calls());
                    assertEquals(5, l.tasks());
                    assertTrue(l.wallNanos() > 0);
                    LoopProfile.Loop one = entry(p, "oneTask", threads);
                    assertEquals(1, one.calls());
                    assertEquals(0, one.workerNanos(), "a one-task loop runs inline");
                }
                assertEquals(0, entry(p, "sixLoopsOfFiveTasks", 1).workerNanos(), "no worker on one thread");
                assertEquals(0.0, entry(p, "sixLoopsOfFiveTasks", 1).workerIdle());
                // Nothing but the two call sites: the nested loops counted in their outer ones.
                assertEquals(4, p.loops().stream().filter(l -> l.site().startsWith("LoopProfileTest.")).count(),
                        p.loops().toString());
                assertTrue(p.table().contains("| LoopProfileTest.sixLoopsOfFiveTasks <- "), p.table());
            }
            for (int t = 0; t < 5; t++) {
                assertEquals(12, runs.get(t), "task " + t);
            }
        });
    }

    @Test
    void theWorkersTimeInTasksIsCounted() throws Exception {
        ThreadCount.restoring(() -> {
            Parallel.setThreads(2);
            // Two tasks that each wait until both have started: the worker must run one of them.
            try (LoopProfile p = LoopProfile.start()) {
                CountDownLatch started = new CountDownLatch(2);
                twoTasksThatMeet(started);
                LoopProfile.Loop l = entry(p, "twoTasksThatMeet", 2);
                assertTrue(l.workerNanos() > 0, l.toString());
                assertTrue(l.workerNanos() <= l.wallNanos(), l.toString());
                assertEquals(1, l.joins(), l.toString());
            }
        });
    }

    private static void twoTasksThatMeet(CountDownLatch started) {
        Parallel.forRange(2, (from, to) -> {
            started.countDown();
            try {
                assertTrue(started.await(10, TimeUnit.SECONDS), "the other task never started");
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
    }

    @Test
    void aClosedProfileRecordsNothingMoreAndOnlyOneIsOpen() throws Exception {
        ThreadCount.restoring(() -> {
            LoopProfile p = LoopProfile.start();
            assertThrows(IllegalStateException.class, LoopProfile::start);
            p.close();
            oneTask();
            assertTrue(p.loops().isEmpty(), p.loops().toString());
            long elapsed = p.elapsedNanos();
            assertEquals(elapsed, p.elapsedNanos(), "a closed profile's time stands still");
            LoopProfile.start().close();                     // the slot is free again
        });
    }
}
