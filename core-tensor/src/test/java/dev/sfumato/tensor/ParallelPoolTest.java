package dev.sfumato.tensor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * The pool behind {@link Parallel#forRange}: every task runs exactly once, failures in any task reach the
 * caller and leave the pool usable, loops started from several threads at once all complete, changing the
 * thread count between loops stops the old workers without losing a loop, and a thread held up in one task
 * does not hold up the others.
 */
class ParallelPoolTest {

    @Test
    void everyTaskRunsOnceOverManyBackToBackLoops() throws Exception {
        ThreadCount.restoring(() -> {
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
        });
    }

    @Test
    void aFailureInAWorkersBlockReachesTheCallerAndThePoolStillWorks() throws Exception {
        ThreadCount.restoring(() -> {
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
        });
    }

    @Test
    void loopsFromSeveralThreadsAtOnceAllComplete() throws Exception {
        ThreadCount.restoring(() -> {
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
        });
    }

    /**
     * Scheduling is dynamic: while one thread is held up in a task, the other runs every remaining task.
     * Task 0 waits until all the others have finished, so with a fixed split (task 0 and half the others on
     * one thread) the loop could not finish and the wait would time out.
     */
    @Test
    void whileOneTaskIsHeldUpTheOtherThreadRunsAllTheRest() throws Exception {
        ThreadCount.restoring(() -> {
            Parallel.setThreads(2);
            int tasks = 16;
            CountDownLatch others = new CountDownLatch(tasks - 1);
            AtomicReference<Boolean> waited = new AtomicReference<>();
            Parallel.forRange(tasks, (from, to) -> {
                for (int t = from; t < to; t++) {
                    if (t == 0) {
                        try {
                            waited.set(others.await(30, TimeUnit.SECONDS));
                        } catch (InterruptedException e) {
                            throw new IllegalStateException(e);
                        }
                    } else {
                        others.countDown();
                    }
                }
            });
            assertEquals(Boolean.TRUE, waited.get(), "task 0 waited in vain for the other 15");
        });
    }

    /**
     * On two threads the caller runs its half of the tasks from task 0 up and the worker its half from the middle
     * up, each a run of neighbours, and whichever finishes first takes the other's remaining tasks from the back:
     * neighbouring tasks (which write neighbouring rows of an output) run on different threads only where the
     * runs meet.
     */
    @Test
    void eachThreadRunsItsHalfInOrderAndTakesTheOthersLastTasksFromTheBack() throws Exception {
        ThreadCount.restoring(() -> {
            Parallel.setThreads(2);
            int tasks = 64;
            int mid = tasks / 2;
            Thread caller = Thread.currentThread();
            for (int rep = 0; rep < 50; rep++) {
                java.util.List<Integer> mine = java.util.Collections.synchronizedList(new java.util.ArrayList<>());
                java.util.List<Integer> theirs = java.util.Collections.synchronizedList(new java.util.ArrayList<>());
                Parallel.forRange(tasks, (from, to) -> {
                    for (int t = from; t < to; t++) {
                        (Thread.currentThread() == caller ? mine : theirs).add(t);
                        Thread.onSpinWait();
                    }
                });
                assertRunsThenSteals(mine, 0, mid, tasks);
                assertRunsThenSteals(theirs, mid, tasks, mid);
            }
        });
    }

    /** {@code ran} is first, mid, first + 1, ... up to some point, then end − 1, end − 2, ... of the other half. */
    private static void assertRunsThenSteals(java.util.List<Integer> ran, int first, int ownEnd, int otherEnd) {
        int i = 0;
        while (i < ran.size() && ran.get(i) == first + i && first + i < ownEnd) {
            i++;
        }
        for (int k = 0; i < ran.size(); i++, k++) {
            assertEquals(otherEnd - 1 - k, ran.get(i), "tasks run in this order: " + ran);
        }
    }

    /** Changing the thread count stops the old workers: no thread is leaked, and the new crew runs the loops. */
    @Test
    void oldWorkersStopWhenTheThreadCountChanges() throws Exception {
        ThreadCount.restoring(() -> {
            Parallel.setThreads(4);
            AtomicIntegerArray runs = new AtomicIntegerArray(64);
            Parallel.forRange(64, (from, to) -> runs.incrementAndGet(from));
            Parallel.setThreads(2);
            Parallel.forRange(64, (from, to) -> runs.incrementAndGet(from));
            for (int t = 0; t < 64; t++) {
                assertEquals(2, runs.get(t), "task " + t);
            }
            long deadline = System.nanoTime() + 10_000_000_000L;
            long alive;
            do {
                Thread.sleep(10);
                alive = Thread.getAllStackTraces().keySet().stream()
                        .filter(t -> t.isAlive() && t.getName().startsWith("sfumato-worker-")).count();
            } while (alive != 1 && System.nanoTime() < deadline);
            assertEquals(1, alive, "workers alive after going from 4 threads to 2");
        });
    }

    /**
     * Going down to one thread keeps the worker (parked) and going back up reuses it, so a runner alternating the
     * two counts does not start a thread, and allocate its buffers, on every switch; on one thread every task
     * runs on the caller.
     */
    @Test
    void theWorkerIsKeptThroughOneThreadAndReused() throws Exception {
        ThreadCount.restoring(() -> {
            Parallel.setThreads(2);
            Thread before = workerOfATwoTaskLoop();
            Parallel.setThreads(1);
            Thread caller = Thread.currentThread();
            Parallel.forRange(8, (from, to) -> assertSame(caller, Thread.currentThread(), "task " + from));
            Parallel.setThreads(2);
            assertSame(before, workerOfATwoTaskLoop(), "the worker after going 2 -> 1 -> 2 threads");
            assertEquals(1, Thread.getAllStackTraces().keySet().stream()
                    .filter(t -> t.isAlive() && t.getName().startsWith("sfumato-worker-")).count(), "workers alive");
        });
    }

    /** Runs a loop of two tasks that each wait for the other, so the worker runs one; returns that thread. */
    private static Thread workerOfATwoTaskLoop() {
        CountDownLatch both = new CountDownLatch(2);
        AtomicReference<Thread> worker = new AtomicReference<>();
        Thread caller = Thread.currentThread();
        Parallel.forRange(2, (from, to) -> {
            both.countDown();
            try {
                assertEquals(true, both.await(10, TimeUnit.SECONDS), "both threads in the loop");
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
            if (Thread.currentThread() != caller) {
                worker.set(Thread.currentThread());
            }
        });
        return worker.get();
    }
}
