package dev.sfumato.tensor;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;

/**
 * The one shared thread pool of Sfumato, and the fixed way work is split over it.
 *
 * <p>Determinism rule: callers split work into <em>tasks whose boundaries depend only on the problem
 * size</em>, never on the thread count, and combine partial results in task order. Threads only decide
 * who runs which task, so a result is bit-identical on 1 and on N threads.
 *
 * <p>The size comes from the system property {@code sfumato.threads} (default: the number of available
 * processors) and can be changed at run time with {@link #setThreads(int)}. We use a pool of our own:
 * the common ForkJoinPool has a single worker on a 2-core machine.
 */
public final class Parallel {

    /** Body of a parallel loop over task indices {@code [from, to)}. */
    @FunctionalInterface
    public interface RangeBody {
        void run(int from, int to);
    }

    private static volatile int threads = initialThreads();
    private static volatile Crew crew;

    private Parallel() {}

    private static int initialThreads() {
        String p = System.getProperty("sfumato.threads");
        if (p == null || p.isBlank()) {
            return Runtime.getRuntime().availableProcessors();
        }
        try {
            int n = Integer.parseInt(p.trim());
            if (n < 1) {
                throw new NumberFormatException();
            }
            return n;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(
                    "system property sfumato.threads must be a positive integer, got '" + p + "'");
        }
    }

    private static final ThreadLocal<Boolean> IN_LOOP = new ThreadLocal<>();
    /** Set while a {@link LoopProfile} times a loop that runs inline on this thread. */
    private static final ThreadLocal<Boolean> INLINE_PROFILED = new ThreadLocal<>();

    /**
     * Whether a {@link #forRange} called here would use more than one thread: false with one thread, on a
     * worker, or on a caller running its own block. Kernels whose results do not depend on how they are cut
     * into tasks use this to skip cutting (and re-packing) when the cut would only run inline.
     */
    public static boolean canSplit() {
        return threads > 1 && IN_LOOP.get() == null && !onWorker();
    }

    private static boolean onWorker() {
        return Thread.currentThread().getName().startsWith("sfumato-worker-");
    }

    /** The number of threads parallel loops use. */
    public static int threads() {
        return threads;
    }

    /**
     * Sets the number of threads used from now on (at least 1). Results do not depend on it. Going down to one
     * thread keeps the workers, parked (one thread runs every loop inline and never wakes them), so that going
     * back up reuses them and their per-thread buffers: a runner that alternates 1 and 2 threads step by step
     * ({@code StepRunner --threads 1,2}) would otherwise start a new worker, and reallocate its scratch buffers,
     * on every switch. Any other change replaces the workers.
     */
    public static synchronized void setThreads(int n) {
        if (n < 1) {
            throw new IllegalArgumentException("Parallel.setThreads: thread count must be >= 1, got " + n);
        }
        threads = n;
        Crew old = crew;
        if (n > 1 && old != null && old.size() != n - 1) {
            crew = null;
            old.stop();
        }
    }

    private static Crew crew() {
        Crew c = crew;
        if (c == null) {
            synchronized (Parallel.class) {
                c = crew;
                if (c == null) {
                    c = new Crew(threads - 1);
                    crew = c;
                }
            }
        }
        return c;
    }

    /**
     * Runs {@code body} over the task range {@code [0, tasks)}. Each task index is run exactly once, on some
     * thread; because the caller's tasks are fixed by the problem size, who runs which task never changes any
     * value.
     *
     * <p>Scheduling is dynamic: the caller starts on the first half of the tasks at once, the workers, when they
     * join, on the second half, each claiming the next task of its half one at a time; a thread whose half is
     * done takes the other half's remaining tasks from the back. A fixed split (half the range per thread on two
     * threads) left one core idle whenever the other half ran slower (a busier cache, a neighbour on the host,
     * a worker that woke late); claiming took the 2-thread training step from 2953 to 2752 ms (medians of four
     * alternating runs, BENCHMARKS.md). Starting the threads far apart (rather than on one shared counter) keeps
     * them off neighbouring tasks, which write neighbouring rows of an output ({@code Loop.claim}).
     *
     * <p>Runs inline when there is one thread, one task, or when called from inside another parallel loop
     * (no nesting), be it on a worker or on the calling thread while it runs its own tasks.
     */
    public static void forRange(int tasks, RangeBody body) {
        if (tasks <= 0) {
            return;
        }
        int pool = threads;
        int n = Math.min(pool, tasks);
        LoopProfile profile = LoopProfile.active();
        if (n <= 1 || !canSplit()) {
            if (profile != null && IN_LOOP.get() == null && INLINE_PROFILED.get() == null && !onWorker()) {
                runInlineProfiled(tasks, body, pool, profile);
            } else {
                body.run(0, tasks);
            }
            return;
        }
        if (profile != null && INLINE_PROFILED.get() != null) {
            profile = null;                                  // counts in the one-task loop that contains it
        }
        long t0 = profile != null ? System.nanoTime() : 0;
        Loop loop = new Loop(tasks, body, Thread.currentThread(), profile != null);
        Crew c = crew();
        c.publish(loop);
        // While the caller runs tasks, loops nested in them run inline, as they do on the workers. Otherwise
        // a nested loop would publish itself in place of this one and take the workers away from it.
        IN_LOOP.set(Boolean.TRUE);
        try {
            loop.claimAndRun();
        } finally {
            IN_LOOP.remove();
        }
        loop.awaitAll();
        c.retire(loop);
        if (profile != null) {
            long joined = loop.firstJoin;
            profile.record(tasks, pool, System.nanoTime() - t0, loop.workerNanos.get(),
                    joined == 0 ? -1 : joined - t0);
        }
        Throwable failure = loop.failure.get();
        if (failure instanceof RuntimeException re) {
            throw re;
        }
        if (failure instanceof Error err) {
            throw err;
        }
        if (failure != null) {
            throw new IllegalStateException(failure);
        }
    }

    /**
     * A top-level loop that runs inline, timed for {@code profile}; loops nested in it count in it (as they do in
     * a parallel loop's tasks), not again.
     */
    private static void runInlineProfiled(int tasks, RangeBody body, int pool, LoopProfile profile) {
        long t0 = System.nanoTime();
        INLINE_PROFILED.set(Boolean.TRUE);
        try {
            body.run(0, tasks);
        } finally {
            INLINE_PROFILED.remove();
        }
        profile.record(tasks, pool, System.nanoTime() - t0, 0, -1);
    }

    /**
     * The worker threads ({@code threads − 1}; the caller of a loop is the remaining one). A caller publishes
     * its loop; every worker runs tasks of the latest published loop, then keeps polling for the next one for
     * {@link #SPIN_NANOS} before it parks. Waking a parked thread took 60-190 µs on this project's 2-vCPU
     * virtual machine (the idle vCPU is halted and the host has to schedule it again), during which the caller
     * worked alone, and a training step runs thousands of loops; OpenMP runtimes spin for the same reason.
     */
    private static final class Crew {
        /** How long an idle worker polls for the next loop before it parks. */
        static final long SPIN_NANOS = 500_000;

        private final Worker[] workers;
        private final AtomicReference<Loop> latest = new AtomicReference<>();
        private volatile boolean stopped;

        Crew(int size) {
            workers = new Worker[size];
            for (int i = 0; i < size; i++) {
                workers[i] = new Worker(this, i + 1);
                workers[i].start();
            }
        }

        int size() {
            return workers.length;
        }

        /** Makes {@code loop} the one the workers join; wakes those that have parked. */
        void publish(Loop loop) {
            latest.set(loop);
            // After the write above: a worker that parks re-reads latest after raising its flag, so either it
            // sees this loop or this read sees its flag (both are volatile).
            for (Worker w : workers) {
                if (w.parked) {
                    LockSupport.unpark(w);
                }
            }
        }

        /** Forgets a finished loop (unless another caller has published since), so its arrays can be collected. */
        void retire(Loop loop) {
            latest.compareAndSet(loop, null);
        }

        void stop() {
            stopped = true;
            for (Worker w : workers) {
                LockSupport.unpark(w);
            }
        }
    }

    private static final class Worker extends Thread {
        private final Crew crew;
        private volatile boolean parked;

        Worker(Crew crew, int id) {
            super("sfumato-worker-" + id);
            setDaemon(true);
            this.crew = crew;
        }

        @Override
        public void run() {
            Loop seen = null;
            long idleSince = System.nanoTime();
            while (!crew.stopped) {
                Loop loop = crew.latest.get();
                if (loop != seen) {
                    seen = loop;
                    if (loop != null) {
                        loop.claimAndRun();
                        idleSince = System.nanoTime();
                    }
                } else if (System.nanoTime() - idleSince < Crew.SPIN_NANOS) {
                    Thread.onSpinWait();
                } else {
                    parked = true;
                    if (crew.latest.get() == seen && !crew.stopped) {
                        LockSupport.park(this);
                    }
                    parked = false;
                    idleSince = System.nanoTime();
                }
            }
        }
    }

    /** One parallel loop: the next task to claim, the tasks finished, and the first failure. */
    private static final class Loop {
        /** Spins of the waiting caller before it parks: the last task of a worker is often microseconds away. */
        private static final int SPINS = 1 << 12;

        private final int tasks;
        private final RangeBody body;
        private final Thread caller;
        /**
         * The unclaimed tasks of the caller's half and of the workers' half, each {@code [front, back)} packed as
         * {@code back << 32 | front}.
         */
        private final AtomicLong callerHalf;
        private final AtomicLong workerHalf;
        private final AtomicInteger finished = new AtomicInteger();
        private final AtomicReference<Throwable> failure = new AtomicReference<>();
        /** With a {@link LoopProfile} open: the workers' time in tasks, and when the first one claimed a task. */
        private final AtomicLong workerNanos;
        private volatile long firstJoin;

        Loop(int tasks, RangeBody body, Thread caller, boolean profiled) {
            this.tasks = tasks;
            this.body = body;
            this.caller = caller;
            this.workerNanos = profiled ? new AtomicLong() : null;
            int mid = (tasks + 1) / 2;
            this.callerHalf = new AtomicLong((long) mid << 32);
            this.workerHalf = new AtomicLong((long) tasks << 32 | mid);
        }

        /**
         * The next task for the caller or a worker: the front of its own half,
         * else the back of the other's, or −1 when none is left. The caller starts at task 0 and the workers at
         * the middle, so the two threads run tasks far apart, each a run of neighbours, until one half is done
         * and its thread takes over the other's last tasks. With one shared counter they ran neighbouring tasks
         * at the same moment: those write neighbouring rows of an output, and the cache lines on the boundary
         * went back and forth between the cores (the Winograd forward's scatter into NCHW took 0.55 ms of a
         * 32→32 28×28 convolution on one thread and 0.96 ms, summed over the two, on two).
         */
        private int claim(boolean caller) {
            int t = take(caller ? callerHalf : workerHalf, true);
            return t >= 0 ? t : take(caller ? workerHalf : callerHalf, false);
        }

        private static int take(AtomicLong half, boolean front) {
            while (true) {
                long e = half.get();
                int f = (int) e;
                int b = (int) (e >>> 32);
                if (f >= b) {
                    return -1;
                }
                if (half.compareAndSet(e, front ? e + 1 : e - (1L << 32))) {
                    return front ? f : b - 1;
                }
            }
        }

        /**
         * Claims tasks one at a time and runs them until none is left. A worker that joins after the caller
         * has claimed them all returns at once. After a failure the remaining tasks are claimed but skipped.
         * A failure is caught here, so it never ends a worker thread.
         */
        void claimAndRun() {
            boolean onCaller = Thread.currentThread() == caller;
            boolean timed = workerNanos != null && !onCaller;
            for (int t = claim(onCaller); t >= 0; t = claim(onCaller)) {
                long t0 = timed ? System.nanoTime() : 0;
                if (timed && firstJoin == 0) {
                    firstJoin = t0;
                }
                try {
                    if (failure.get() == null) {
                        body.run(t, t + 1);
                    }
                } catch (Throwable e) {
                    failure.compareAndSet(null, e);
                } finally {
                    if (timed) {
                        workerNanos.addAndGet(System.nanoTime() - t0);
                    }
                    // The increment publishes the task's writes (and time) to the caller, which reads the count.
                    if (finished.incrementAndGet() == tasks) {
                        LockSupport.unpark(caller);
                    }
                }
            }
        }

        /** On the caller, once it has no task left to claim: waits until the workers' tasks are finished too. */
        void awaitAll() {
            for (int spin = 0; finished.get() < tasks; spin++) {
                if (spin < SPINS) {
                    Thread.onSpinWait();
                } else {
                    LockSupport.park(this);
                }
            }
        }
    }

    /**
     * Runs {@code body} over the items {@code [0, count)} in tasks of consecutive items, as many per task as make
     * {@code minUnits} units of work at {@code unitsPerItem} each (at least one item); the body receives item
     * ranges. For loops over many small independent items (group norm's (sample, group) pairs, pooling's planes):
     * a task per item, each claimed with two contended atomic operations, cost more than its work on two threads
     * (group norm's 2048 pairs of 98-784 floats ran no faster than on one thread). The tasks depend only on the
     * sizes; which items share a task changes no value when each item's work is its own.
     */
    public static void forRuns(int count, int unitsPerItem, int minUnits, RangeBody body) {
        int per = Math.max(1, minUnits / Math.max(1, unitsPerItem));
        forRange(taskCount(count, per), (t0, t1) -> body.run(t0 * per, (int) Math.min(count, (long) t1 * per)));
    }

    /**
     * Splits {@code [0, n)} into tasks of {@code grain} elements (the last may be shorter). The number of
     * tasks depends only on {@code n} and {@code grain}, which keeps reductions over them deterministic.
     */
    public static int taskCount(long n, int grain) {
        if (grain < 1) {
            throw new IllegalArgumentException("Parallel.taskCount: grain must be >= 1, got " + grain);
        }
        return (int) ((n + grain - 1) / grain);
    }
}
