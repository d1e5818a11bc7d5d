package dev.sfumato.tensor;

import org.junit.jupiter.api.Test;

import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * {@link Recycler}'s contract: what a scope did not keep is recycled when it closes, a recycled tensor throws on
 * any use instead of showing its array's next values, and what is kept, wrapped, exempted or allocated outside
 * a scope is never touched. Sizes are {@link Recycler#MIN_FLOATS} (the build's tests lower it to 1), so that
 * every tensor here is tracked.
 */
class RecyclerTest {

    private static final int N = Math.max(Recycler.MIN_FLOATS, 8);

    @Test
    void aTensorThatWasNotKeptThrowsOnEveryUseAfterTheScope() {
        Tensor t;
        Tensor view;
        try (Recycler.Scope ignored = Recycler.open()) {
            t = Tensor.ones(N);
            view = t.reshape(2, N / 2);
        }
        assertTrue(t.storage().recycled());
        IllegalStateException e = assertThrows(IllegalStateException.class, t::data);
        assertTrue(e.getMessage().contains("recycled"), e.getMessage());
        assertThrows(IllegalStateException.class, () -> t.add(1f));
        assertThrows(IllegalStateException.class, t::sum);
        assertThrows(IllegalStateException.class, t::toArray);
        assertThrows(IllegalStateException.class, () -> view.get(0, 0));
        assertThrows(IllegalStateException.class, () -> view.transpose(0, 1).contiguous());
    }

    @Test
    void keptTensorsAndTheirViewsKeepTheirValues() {
        Tensor kept;
        try (Recycler.Scope scope = Recycler.open()) {
            Tensor a = Tensor.arange(N);
            kept = scope.keep(a.mul(2f));
            Tensor.ones(N);                                            // recycled on close, kept is not
        }
        assertFalse(kept.storage().recycled());
        assertEquals(2f * (N - 1), kept.reshape(1, N).get(0, N - 1));
        assertEquals(2f, kept.get(1));
    }

    @Test
    void theArrayGoesToTheNextTensorOfItsLengthAndZerosAreZeroFilled() {
        float[] array;
        try (Recycler.Scope ignored = Recycler.open()) {
            array = Tensor.full(7f, N).data();                        // held here, so no collection takes it
        }
        Tensor zeros = Tensor.zeros(N);
        assertSame(array, zeros.data());
        assertArrayEquals(new float[N], zeros.toArray());
        try (Recycler.Scope ignored = Recycler.open()) {
            array = Tensor.full(7f, N).data();
        }
        assertSame(array, Tensor.empty(N).data(), "empty takes the pooled array as it is");
    }

    /**
     * The pool holds its arrays through collections (a weak pool lost them at every young collection, several per
     * training step), and {@link Recycler#clearPool} lets them go.
     */
    @Test
    void pooledArraysSurviveACollectionUntilThePoolIsCleared() {
        int length = N + 3;                                           // a length no other test pools
        float[] array;
        try (Recycler.Scope ignored = Recycler.open()) {
            array = Tensor.ones(length).data();
        }
        System.gc();
        assertSame(array, Tensor.empty(length).data(), "the pooled array outlived a collection");
        try (Recycler.Scope ignored = Recycler.open()) {
            array = Tensor.ones(length).data();
        }
        assertTrue(Recycler.pooledFloats() >= length);
        Recycler.clearPool();
        assertEquals(0, Recycler.pooledFloats());
        assertNotSame(array, Tensor.empty(length).data(), "a cleared pool hands out nothing");
    }

    @Test
    void tensorsOutsideAScopeAreNeverRecycled() {
        Tensor t = Tensor.ones(N);
        assertFalse(Recycler.recycleNow(t));
        try (Recycler.Scope ignored = Recycler.open()) {
            assertFalse(Recycler.recycleNow(t), "allocated before the scope opened");
            t.addInPlace(Tensor.ones(N));
        }
        assertEquals(2f, t.get(N - 1));
    }

    @Test
    void wrappedAndExemptedArraysAreLeftAlone() {
        Tensor a;
        Tensor wrapped;
        Tensor exempt;
        try (Recycler.Scope ignored = Recycler.open()) {
            a = Tensor.full(3f, N);
            wrapped = Tensor.wrap(a.data(), N);                        // a second storage on the same array
            exempt = Tensor.full(4f, N);
            Recycler.exempt(exempt);
            assertFalse(Recycler.recycleNow(a));
            assertFalse(Recycler.recycleNow(exempt));
        }
        assertEquals(3f, a.get(0));
        assertEquals(3f, wrapped.get(N - 1));
        assertEquals(4f, exempt.get(0));
        assertNotSame(a.data(), Tensor.empty(N).data());
    }

    @Test
    void recycleNowTakesATrackedTensorAtOnceButNotAKeptOne() {
        try (Recycler.Scope scope = Recycler.open()) {
            Tensor a = Tensor.ones(N);
            Tensor b = scope.keep(Tensor.ones(N));
            assertTrue(Recycler.recycleNow(a));
            assertThrows(IllegalStateException.class, a::data);
            assertFalse(Recycler.recycleNow(a), "only once");
            assertFalse(Recycler.recycleNow(b));
            assertEquals(1f, b.get(0));
        }
    }

    /** What core-autograd's zeroGrad does with a leaf's gradient that nobody else holds. */
    @Test
    void recycleDroppedPoolsAnUntrackedTensorButNeverAKeptOrRetainedOne() {
        Tensor dropped = Tensor.full(5f, N);                           // outside any scope: untracked
        float[] array = dropped.data();
        assertTrue(Recycler.recycleDropped(dropped));
        assertThrows(IllegalStateException.class, dropped::data);
        assertFalse(Recycler.recycleDropped(dropped), "only once");
        assertSame(array, Tensor.empty(N).data(), "the next tensor of its length takes the array");
        try (Recycler.Scope scope = Recycler.open()) {
            Tensor tracked = Tensor.ones(N);
            Tensor kept = scope.keep(Tensor.ones(N));
            Tensor retained = Tensor.ones(N);
            Recycler.retain(retained);
            assertTrue(Recycler.recycleDropped(tracked));
            assertThrows(IllegalStateException.class, tracked::data);
            assertFalse(Recycler.recycleDropped(kept));
            assertFalse(Recycler.recycleDropped(retained));
            assertEquals(1f, kept.get(N - 1));
            assertEquals(1f, retained.get(N - 1));
        }
    }

    @Test
    void whatAnInnerScopeKeepsTheOuterOneRecyclesUnlessItKeepsItToo() {
        Tensor inner;
        Tensor both;
        try (Recycler.Scope outer = Recycler.open()) {
            try (Recycler.Scope scope = Recycler.open()) {
                inner = scope.keep(Tensor.ones(N));
                both = scope.keep(Tensor.ones(N));
            }
            assertEquals(1f, inner.get(0));
            outer.keep(both);
        }
        assertThrows(IllegalStateException.class, inner::data);
        assertEquals(1f, both.get(0));
    }

    @Test
    void aRetainedTensorPassesOnThroughInnerScopesAndTheOutermostRecyclesIt() {
        Tensor retained;
        Tensor dropped;
        try (Recycler.Scope outer = Recycler.open()) {
            try (Recycler.Scope middle = Recycler.open()) {
                try (Recycler.Scope inner = Recycler.open()) {
                    retained = Tensor.ones(N);
                    Recycler.retain(retained);
                    dropped = Tensor.ones(N);
                }
                assertThrows(IllegalStateException.class, dropped::data);   // recycled as the inner scope closed
                assertEquals(1f, retained.get(0));                          // passed on to the middle one
            }
            assertEquals(1f, retained.get(0));                              // and on to the outermost
        }
        assertThrows(IllegalStateException.class, retained::data);          // which recycles it as any other
    }

    @Test
    void aRetainedTensorIsStillRecycledNowAndAnUntrackedOneIsNeverTouched() {
        Tensor outside = Tensor.ones(N);
        Recycler.retain(outside);
        try (Recycler.Scope ignored = Recycler.open()) {
            Tensor a = Tensor.ones(N);
            Recycler.retain(a);
            assertTrue(Recycler.recycleNow(a));
            assertThrows(IllegalStateException.class, a::data);
            Recycler.retain(outside);
        }
        assertEquals(1f, outside.get(0));
    }

    @Test
    void releaseRecyclesATensorUnlessItWasRetained() {
        try (Recycler.Scope ignored = Recycler.open()) {
            Tensor dead = Tensor.ones(N);
            Tensor saved = Tensor.ones(N);
            Recycler.retain(saved);
            assertTrue(Recycler.release(dead));
            assertThrows(IllegalStateException.class, dead::data);
            assertFalse(Recycler.release(saved));
            assertEquals(1f, saved.get(0));
        }
    }

    @Test
    void aRetainedArrayGoesToItsNextTensorUnmarked() {
        // The mark belongs to the storage, not to the array: the tensor that reuses the array starts unmarked.
        try (Recycler.Scope outer = Recycler.open()) {
            try (Recycler.Scope inner = Recycler.open()) {
                Tensor a = Tensor.ones(N);
                Recycler.retain(a);
                assertTrue(Recycler.recycleNow(a));
            }
            Tensor b;
            try (Recycler.Scope inner = Recycler.open()) {
                b = Tensor.ones(N);                                         // likely a's array, from the pool
            }
            assertThrows(IllegalStateException.class, b::data);
        }
    }

    @Test
    void aLongScopeDropsWhatItNoLongerTracksAndStillRecyclesTheRest() {
        // Small tensors, so that thousands fit: tracked only when the tests lower the minimum (as the build does).
        assumeTrue(Recycler.MIN_FLOATS <= 8, "needs -Dsfumato.recycle.minFloats=8 or less");
        Tensor kept;
        Tensor first;
        Tensor last;
        java.util.List<Tensor> exempted = new java.util.ArrayList<>();
        try (Recycler.Scope scope = Recycler.open()) {
            first = Tensor.ones(8);
            kept = scope.keep(Tensor.full(5f, 8));
            for (int i = 0; i < 3000; i++) {                          // past the first prune at 1024 entries
                Tensor t = Tensor.ones(8);
                Recycler.exempt(t);
                exempted.add(t);
            }
            last = Tensor.ones(8);
        }
        assertThrows(IllegalStateException.class, first::data);
        assertThrows(IllegalStateException.class, last::data);
        assertEquals(5f, kept.get(7));
        for (Tensor t : exempted) {
            assertEquals(1f, t.get(0));
        }
    }

    @Test
    void aScopeClosesOnItsOwnThreadAndInnermostFirst() throws InterruptedException {
        Recycler.Scope outer = Recycler.open();
        Recycler.Scope inner = Recycler.open();
        assertThrows(IllegalStateException.class, outer::close);
        AtomicReference<Throwable> elsewhere = new AtomicReference<>();
        Thread other = new Thread(() -> {
            try {
                inner.close();
            } catch (Throwable e) {
                elsewhere.set(e);
            }
        });
        other.start();
        other.join();
        assertTrue(elsewhere.get() instanceof IllegalStateException, String.valueOf(elsewhere.get()));
        inner.close();
        outer.close();
        assertFalse(Recycler.inScope());
    }

    @Test
    void otherThreadsAllocationsAreNotTracked() throws InterruptedException {
        AtomicReference<Tensor> made = new AtomicReference<>();
        try (Recycler.Scope ignored = Recycler.open()) {
            Thread other = new Thread(() -> made.set(Tensor.ones(N)));
            other.start();
            other.join();
        }
        assertEquals(1f, made.get().get(0));
    }
}
