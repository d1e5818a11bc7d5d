package dev.sfumato.tensor;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Where the parallel loops' time goes while a profile is open, loop by loop: the thread pool's counterpart of
 * {@code torch.profiler}, for finding what keeps a second thread from doubling the speed.
 *
 * <pre>
 * try (LoopProfile profile = LoopProfile.start()) {
 *     for (int i = 0; i &lt; 10; i++) trainer.step();
 *     System.out.print(profile.table());
 * }
 * </pre>
 *
 * <p>Every top-level {@link Parallel#forRange} call made while the profile is open (on any thread) is recorded
 * under its call site (the two innermost frames outside {@code Parallel}), its number of tasks (which tells the
 * layers of one call site apart) and the pool's thread count: the calls, the caller's wall time from publishing
 * the loop to its return, and, on more than one thread, the workers' time inside the loop's tasks and how late
 * the first worker joined. The workers are idle inside a loop for {@code threads − 1} times its wall time minus
 * their time in tasks: the ends of loops whose last task one thread runs alone, and late joins. A loop that runs
 * inline (one thread, or one task) is recorded with its wall time only; with more threads in the pool, its
 * workers idle throughout. Loops nested in another loop count in it, not again (in a one-task loop that contains
 * a parallel one, the workers' time in the inner one is not counted). Time outside every loop is serial code.
 *
 * <p>Closed, the profile costs one volatile read per loop. Open, each loop also walks the stack once (a few
 * microseconds), so profile a few steps, not a benchmark. Results do not depend on whether a profile is open.
 */
public final class LoopProfile implements AutoCloseable {

    private static volatile LoopProfile active;

    private final Map<Key, long[]> loops = new ConcurrentHashMap<>();
    private final long started = System.nanoTime();
    private volatile long stopped;

    private LoopProfile() {}

    /** Opens a profile; at most one is open at a time. */
    public static synchronized LoopProfile start() {
        if (active != null) {
            throw new IllegalStateException("LoopProfile.start: a profile is already open; close it first");
        }
        LoopProfile p = new LoopProfile();
        active = p;
        return p;
    }

    /** The open profile, or null. */
    static LoopProfile active() {
        return active;
    }

    /** Stops recording; the figures stay readable. */
    @Override
    public void close() {
        synchronized (LoopProfile.class) {
            if (active == this) {
                active = null;
                stopped = System.nanoTime();
            }
        }
    }

    /** One loop's call site, tasks and thread count. */
    private record Key(String site, int tasks, int threads) {}

    /** What was recorded for one call site, number of tasks and thread count; times in nanoseconds. */
    public record Loop(String site, int tasks, int threads, long calls, long wallNanos, long workerNanos,
                       long joins, long joinNanos) {

        /** The workers' time in this loop with no task to run, as a share of theirs: 0 on one thread. */
        public double workerIdle() {
            long capacity = (threads - 1) * wallNanos;
            return capacity == 0 ? 0 : 1 - (double) workerNanos / capacity;
        }
    }

    /**
     * Records one call: {@code workerNanos} the workers' time in its tasks, {@code joinNanos} how late the
     * first worker joined, or −1 when none did (one thread, or the caller finished first).
     */
    void record(int tasks, int threads, long wallNanos, long workerNanos, long joinNanos) {
        if (stopped != 0) {
            return;                                          // a loop that was still running when it closed
        }
        String site = StackWalker.getInstance().walk(frames -> frames
                .filter(f -> !f.getClassName().startsWith(Parallel.class.getName())
                        && !f.getClassName().equals(LoopProfile.class.getName()))
                .limit(2)
                .map(f -> f.getClassName().substring(f.getClassName().lastIndexOf('.') + 1) + "." + f.getMethodName())
                .reduce((inner, outer) -> inner + " <- " + outer)
                .orElse("?"));
        long[] v = loops.computeIfAbsent(new Key(site, tasks, threads), k -> new long[5]);
        synchronized (v) {
            v[0]++;
            v[1] += wallNanos;
            v[2] += workerNanos;
            if (joinNanos >= 0) {
                v[3]++;
                v[4] += joinNanos;
            }
        }
    }

    /** The loops recorded so far, the longest wall time first. */
    public List<Loop> loops() {
        List<Loop> all = new ArrayList<>();
        loops.forEach((k, v) -> {
            synchronized (v) {
                all.add(new Loop(k.site(), k.tasks(), k.threads(), v[0], v[1], v[2], v[3], v[4]));
            }
        });
        all.sort(Comparator.comparingLong(Loop::wallNanos).reversed());
        return all;
    }

    /** Nanoseconds from {@link #start} to {@link #close} (or to now, while open). */
    public long elapsedNanos() {
        long end = stopped;
        return (end == 0 ? System.nanoTime() : end) - started;
    }

    /** The loops as a Markdown table, with the time inside and outside them. */
    public String table() {
        List<Loop> all = loops();
        long inside = all.stream().mapToLong(Loop::wallNanos).sum();
        StringBuilder b = new StringBuilder();
        b.append(String.format(Locale.ROOT, "%.1f ms profiled: %.1f ms in loops, %.1f ms outside them%n%n",
                elapsedNanos() / 1e6, inside / 1e6, (elapsedNanos() - inside) / 1e6));
        b.append("| loop | tasks | threads | calls | wall ms | workers in tasks ms | workers idle | "
                + "mean join µs |\n|---|---:|---:|---:|---:|---:|---:|---:|\n");
        for (Loop l : all) {
            b.append(String.format(Locale.ROOT, "| %s | %d | %d | %d | %.1f | %.1f | %s | %s |%n", l.site(),
                    l.tasks(), l.threads(), l.calls(), l.wallNanos() / 1e6,
                    l.workerNanos() / 1e6, l.threads() > 1 ? String.format(Locale.ROOT, "%.1f%%",
                            100 * l.workerIdle()) : "", l.joins() > 0 ? String.format(Locale.ROOT, "%.1f",
                            l.joinNanos() / 1e3 / l.joins()) : ""));
        }
        return b.toString();
    }
}
