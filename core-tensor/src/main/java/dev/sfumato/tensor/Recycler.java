package dev.sfumato.tensor;

import java.lang.ref.SoftReference;
import java.lang.ref.WeakReference;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.WeakHashMap;

/**
 * Reuse of large tensor storages inside an explicit scope: the role of PyTorch's caching allocator, for code
 * that knows when its tensors die.
 *
 * <p>Why: Java zeroes every new array, and a new large array is memory that is not in cache, so allocating
 * one runs at DRAM write speed (8 GB/s on the benchmark machine, against 42 GB/s for filling an array that is
 * in cache) on the allocating thread while the other threads wait, and the collector then has to find it and
 * free it. A U-Net training step at batch 64 allocated 1.17 GB that way, a sampling step 503 MB. PyTorch frees
 * a tensor when its last reference goes (reference counting) and gives the memory, still in cache, to the
 * next tensor of that size. The JVM cannot tell when the last reference goes, but the caller of a network
 * evaluation can tell that everything the evaluation allocated is dead once it returns, except its result.
 * That is a scope:
 *
 * <pre>{@code
 * try (Recycler.Scope scope = Recycler.open()) {
 *     Tensor eps = scope.keep(model.forward(x, t).value());   // outlives the scope
 *     ...
 * }   // every other tensor allocated in the scope is recycled here
 * }</pre>
 *
 * <p>The contract. Inside a scope, every tensor of at least {@link #MIN_FLOATS} elements that this library
 * allocates on the scope's thread is tracked. When the scope closes, each tracked tensor that was not
 * {@linkplain Scope#keep kept} is recycled: its storage gives up its array, which goes to the next tensor of
 * the same length. A backward pass inside a scope also recycles, as soon as it is done with them, the
 * gradients it made and the tensors its nodes saved (core-autograd's {@code Engine}). A recycled tensor never
 * yields stale values: any later use of it, or of a view of it, throws (an {@link IllegalStateException}
 * from {@link Tensor#data()} and every op that reads it, and from autograd's saved tensors). What the
 * contract cannot catch is a raw array taken with {@link Tensor#data()} and used after the scope: do not keep
 * those. An array handed to {@link Tensor#wrap} is no longer tracked (its second storage could not be told
 * apart), nor is a leaf's gradient ({@link #exempt}).
 *
 * <p>Tracking holds its tensors weakly: a tensor that dies inside a scope is collected as it would be without
 * one. The pool keeps its arrays through collections, like PyTorch's caching allocator, up to a cap (half the
 * maximum heap, or {@code -Dsfumato.recycle.capMB}), as soft references: the collector takes them only when the
 * heap would otherwise run out, and {@link #clearPool} lets them go at once. A training step thus reuses, step
 * after step, the arrays of the activations and gradients its backward pass recycles: at batch 64 on the
 * default U-Net, 750 MB of a step's 1.1 GB of tracked tensors. (The pool used to hold weak references, so that
 * a collection would free a pooled array rather than copy it; but the step's several young collections then
 * emptied it, and 550 MB per step were allocated and zeroed anew.) A pooled array is best not copied by the
 * collector either: with G1 regions of 2 MB ({@code -XX:G1HeapRegionSize=2m}, what the launcher and the
 * benchmarks give training) every array of 1 MB or more is a humongous object, which G1 allocates in place
 * and never moves. Measured on the training step, batch 64, 2 threads, -Xmx896m, four alternating rounds:
 * 0.80-1.03× the time of weak references with 32 MB regions (median 0.87), GC time 420-560 → 120-170 ms per
 * eight steps, allocation 550-570 → 370-410 MB per step.
 *
 * <p>What dies before its scope closes is lost to the pool (the collector takes it), so the next tensor of its
 * size is a new array. Two ways keep such tensors: nested scopes, which recycle at their close what was neither
 * kept nor {@linkplain #retain retained} by an autograd node (the U-Net runs each block in one), and
 * {@link #release}, for a caller that drops its last reference early. With both, a training step at batch 64
 * allocates 73-77 MB instead of 247-281, and collects 5-6 times per eight steps instead of 31-48.
 *
 * <p>Recycling changes no value: tensors allocated as zeros are zero-filled from the pool (a fill of memory in
 * cache), and {@link Tensor#empty} (outputs that their op writes in full) takes the array as it is.
 * {@code -Dsfumato.recycle=false} turns recycling off.
 */
public final class Recycler {

    /** Smaller arrays are left to the JVM: they come from a thread-local allocation buffer and cost little. */
    public static final int MIN_FLOATS = Integer.getInteger("sfumato.recycle.minFloats", 1 << 16);
    /** Off with {@code -Dsfumato.recycle=false}. */
    private static final boolean ENABLED = !"false".equals(System.getProperty("sfumato.recycle"));
    /**
     * For tests: recycled arrays are filled with NaN, so that an op that reads an element of
     * {@link Tensor#empty} before writing it shows up as NaN in its result instead of passing by luck.
     */
    private static final boolean POISON = Boolean.getBoolean("sfumato.recycle.poison");
    /** Floats the pool holds at most: {@code -Dsfumato.recycle.capMB}, else half the maximum heap. */
    private static final long CAP_FLOATS = Long.getLong("sfumato.recycle.capMB",
            Runtime.getRuntime().maxMemory() / 2 / (1 << 20)) * (1 << 20) / Float.BYTES;

    private static final ThreadLocal<Scope> CURRENT = new ThreadLocal<>();
    /** Guards everything below (allocations are few and large, so one lock is no contention). */
    private static final Object LOCK = new Object();
    /** Free arrays by length, most recently recycled last (the likeliest to be in cache). */
    private static final Map<Integer, ArrayDeque<SoftReference<float[]>>> FREE = new HashMap<>();
    /**
     * Tracked storages by array, to notice an array leaving through {@link Tensor#wrap}. Weak both ways (an
     * array's hash and equality are its identity), like all tracking: a tensor that dies inside a scope is
     * collected as it would be without one.
     */
    private static final Map<float[], WeakReference<Storage>> BY_ARRAY = new WeakHashMap<>();
    private static long pooledFloats;

    private Recycler() {}

    /** Opens a scope on this thread (nested in the current one, if any). Close it on the same thread. */
    public static Scope open() {
        Scope s = new Scope(CURRENT.get(), Thread.currentThread());
        CURRENT.set(s);
        return s;
    }

    /** Whether a scope is open on this thread. */
    public static boolean inScope() {
        return ENABLED && CURRENT.get() != null;
    }

    /**
     * Recycles {@code t}'s storage now, if a scope tracks it and it was not kept; otherwise does nothing.
     * The caller asserts that nothing will use the tensor (or any view of its storage) again: the autograd
     * engine calls this for the gradients and saved tensors a backward pass is done with.
     *
     * @return whether the storage was recycled
     */
    public static boolean recycleNow(Tensor t) {
        Storage s = t.storage;
        synchronized (LOCK) {
            if (s.scope == null || s.scope.kept.containsKey(s)) {
                return false;
            }
            untrack(s);
        }
        give(s);
        return true;
    }

    /**
     * Recycles {@code t}'s storage now, as {@link #recycleNow} does, unless an autograd node {@linkplain #retain
     * retained} it (its backward still needs it, and the engine recycles it after that): for a caller dropping its
     * last reference to a tensor that it cannot tell whether the graph saved, such as an activation copied into
     * a concatenation.
     *
     * @return whether the storage was recycled
     */
    public static boolean release(Tensor t) {
        synchronized (LOCK) {
            if (t.storage.retained) {
                return false;
            }
        }
        return recycleNow(t);
    }

    /**
     * Pools {@code t}'s storage now, whether a scope tracks it or not, for an owner that is dropping the only
     * reference to it: core-autograd's {@code Variable.zeroGrad}, for a leaf's gradient that was never handed out
     * (a leaf's gradient is {@linkplain #exempt exempt} from its scope, so nothing else would ever recycle it).
     * PyTorch frees such a tensor when {@code x.grad = None} drops its last reference, and the next backward's
     * gradient of that size reuses the block; without this, each backward of a benchmark that takes an input's
     * gradient allocated a new array and zeroed it on one thread (6.4 MB, 0.8 ms, for a batch of 64 images of
     * 32 channels at 28×28). Does nothing when recycling is off, for a small tensor, or for one a scope kept or an
     * autograd node retained.
     *
     * @return whether the storage was recycled
     */
    public static boolean recycleDropped(Tensor t) {
        Storage s = t.storage;
        synchronized (LOCK) {
            if (!ENABLED || s.data == null || s.data.length < MIN_FLOATS || s.retained
                    || (s.scope != null && s.scope.kept.containsKey(s))) {
                return false;
            }
            if (s.scope != null) {
                untrack(s);
            }
        }
        give(s);
        return true;
    }

    /**
     * Marks {@code t}'s storage as held by an owner that outlives the scope it was allocated in, without
     * exempting it from recycling: a nested scope that closes passes it on to the enclosing scope (as if kept),
     * where it is recycled at that scope's close, or earlier by {@link #recycleNow}; the outermost scope
     * recycles it as any other. An autograd node does this for every tensor it saves for backward, which lets
     * a scope around one block of a network recycle, during the forward pass, the block's intermediates that no
     * node saved (a group norm's output that dropout has consumed, a residual summed into a convolution's
     * output): PyTorch frees those when the block's locals go. Does nothing for an untracked tensor.
     */
    public static void retain(Tensor t) {
        if (!ENABLED) {
            return;
        }
        synchronized (LOCK) {
            if (t.storage.scope != null) {
                t.storage.retained = true;
            }
        }
    }

    /**
     * Takes {@code t}'s storage out of whatever scope tracks it, so that it is never recycled: for a tensor
     * that outlives the scope it was allocated in without the caller holding the scope (the autograd engine
     * exempts a leaf's accumulated grad this way). Does nothing for an untracked tensor.
     */
    public static void exempt(Tensor t) {
        synchronized (LOCK) {
            if (t.storage.scope != null) {
                untrack(t.storage);
            }
        }
    }

    /** A region whose tensors are recycled when it closes; see {@link Recycler}. */
    public static final class Scope implements AutoCloseable {
        private final Scope outer;
        private final Thread thread;
        private final List<WeakReference<Storage>> tracked = new ArrayList<>();
        private final Map<Storage, Boolean> kept = new IdentityHashMap<>();
        private boolean closed;
        /** When {@link #tracked} reaches this size, entries for collected or released storages are dropped. */
        private int pruneAt = 1024;

        private Scope(Scope outer, Thread thread) {
            this.outer = outer;
            this.thread = thread;
        }

        /** Keeps a long-lived scope's list from growing with tensors that are gone. Called with the lock held. */
        private void prune() {
            tracked.removeIf(ref -> {
                Storage s = ref.get();
                return s == null || s.scope != this;
            });
            pruneAt = Math.max(1024, 2 * tracked.size());
        }

        /** Exempts {@code t} (and every view of its storage) from this scope's recycling, and returns it. */
        public Tensor keep(Tensor t) {
            synchronized (LOCK) {
                kept.put(t.storage, Boolean.TRUE);
            }
            return t;
        }

        /**
         * Recycles every tensor this scope tracks and did not keep. Kept tensors pass to the enclosing scope,
         * if there is one, and are recycled when it closes unless it keeps them too; so do {@linkplain #retain
         * retained} ones, which only the outermost scope recycles.
         */
        @Override
        public void close() {
            if (Thread.currentThread() != thread) {
                throw new IllegalStateException("Recycler.Scope: closed on thread " + Thread.currentThread().getName()
                        + " but opened on " + thread.getName());
            }
            if (closed) {
                return;
            }
            if (CURRENT.get() != this) {
                throw new IllegalStateException("Recycler.Scope: closed while an inner scope is still open");
            }
            closed = true;
            CURRENT.set(outer);
            List<Storage> dead = new ArrayList<>();
            synchronized (LOCK) {
                for (WeakReference<Storage> ref : tracked) {
                    Storage s = ref.get();
                    if (s == null || s.scope != this) {
                        continue;                                  // collected, recycled already, or escaped
                    }
                    if (kept.containsKey(s) || (s.retained && outer != null)) {
                        if (outer != null) {
                            s.scope = outer;                       // still retained there, if it was here
                            outer.tracked.add(ref);
                        } else {
                            untrack(s);
                        }
                    } else {
                        untrack(s);
                        dead.add(s);
                    }
                }
                tracked.clear();
                kept.clear();
            }
            for (Storage s : dead) {
                give(s);
            }
        }
    }

    // ---------------------------------------------------------------------------------------------
    // For Tensor
    // ---------------------------------------------------------------------------------------------

    /**
     * The storage of a new tensor of {@code n} floats: a pooled array when there is one of that length
     * (zero-filled when {@code zeroed}), otherwise a new one; tracked when a scope is open on this thread.
     */
    static Storage storage(int n, boolean zeroed) {
        if (n < MIN_FLOATS || !ENABLED) {
            return new Storage(new float[n]);
        }
        float[] a = take(n);
        if (a == null) {
            a = new float[n];
        } else if (zeroed) {
            Arrays.fill(a, 0f);
        }
        Storage s = new Storage(a);
        Scope scope = CURRENT.get();
        if (scope != null) {
            synchronized (LOCK) {
                WeakReference<Storage> ref = new WeakReference<>(s);
                s.scope = scope;
                BY_ARRAY.put(a, ref);
                scope.tracked.add(ref);
                if (scope.tracked.size() >= scope.pruneAt) {
                    scope.prune();
                }
            }
        }
        return s;
    }

    /** {@link Tensor#wrap} is giving {@code a} a second storage: stop tracking it, so it is never recycled. */
    static void escape(float[] a) {
        if (a.length < MIN_FLOATS || !ENABLED) {
            return;
        }
        synchronized (LOCK) {
            WeakReference<Storage> ref = BY_ARRAY.get(a);
            Storage s = ref == null ? null : ref.get();
            if (s != null) {
                untrack(s);
            }
        }
    }

    private static void untrack(Storage s) {
        s.scope = null;
        s.retained = false;
        BY_ARRAY.remove(s.data);
    }

    private static float[] take(int n) {
        synchronized (LOCK) {
            ArrayDeque<SoftReference<float[]>> q = FREE.get(n);
            while (q != null && !q.isEmpty()) {
                float[] a = q.pollLast().get();
                pooledFloats -= n;
                if (a != null) {
                    return a;
                }
            }
            return null;
        }
    }

    /**
     * Lets every pooled array go, for the collector to free: after a training run, say, whose step's arrays the
     * pool would otherwise hold (the role of PyTorch's {@code torch.cuda.empty_cache()}). Tensors still in use
     * are not affected.
     */
    public static void clearPool() {
        synchronized (LOCK) {
            FREE.clear();
            pooledFloats = 0;
        }
    }

    /** Floats the pool holds now, for diagnostics and tests (the role of {@code torch.cuda.memory_reserved}). */
    public static long pooledFloats() {
        synchronized (LOCK) {
            return pooledFloats;
        }
    }

    /** Takes the array from {@code s} (which every later use then fails on) and pools it. */
    private static void give(Storage s) {
        float[] a = s.data;
        s.data = null;
        if (POISON) {
            Arrays.fill(a, Float.NaN);
        }
        synchronized (LOCK) {
            if (pooledFloats + a.length > CAP_FLOATS) {
                dropCollected();
            }
            if (pooledFloats + a.length <= CAP_FLOATS) {
                FREE.computeIfAbsent(a.length, k -> new ArrayDeque<>()).addLast(new SoftReference<>(a));
                pooledFloats += a.length;
            }                                                      // else the collector has it, as without a pool
        }
    }

    /**
     * Forgets the pool entries whose arrays the collector has taken (when the heap ran short), which would
     * otherwise count against the cap for as long as no tensor of their length is allocated. Called with the
     * lock held.
     */
    private static void dropCollected() {
        for (var it = FREE.entrySet().iterator(); it.hasNext(); ) {
            var entry = it.next();
            int length = entry.getKey();
            entry.getValue().removeIf(ref -> {
                boolean gone = ref.get() == null;
                if (gone) {
                    pooledFloats -= length;
                }
                return gone;
            });
            if (entry.getValue().isEmpty()) {
                it.remove();
            }
        }
    }
}
