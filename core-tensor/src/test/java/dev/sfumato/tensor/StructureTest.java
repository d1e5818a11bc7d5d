package dev.sfumato.tensor;

import static dev.sfumato.tensor.Layouts.at;
import static dev.sfumato.tensor.Layouts.forEach;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import org.junit.jupiter.api.Test;

/**
 * Structure ops against explicit index loops, over random shapes (sizes 0 and 1 included), negative dims
 * and non-contiguous inputs. Each expected value is computed from its index by the op's definition.
 */
class StructureTest {

    private static final int TRIES = 200;

    /** Asserts out has the shape and, at every index, the value {@code expected(idx)}. */
    private interface Expected {
        float at(int[] idx);
    }

    private static void assertValues(Tensor out, int[] shape, Expected expected) {
        assertArrayEquals(shape, out.shape(), "shape");
        forEach(shape, idx -> {
            float e = expected.at(idx);
            float a = at(out, idx);
            if (Float.compare(e, a) != 0) {
                throw new AssertionError("at " + Arrays.toString(idx) + ": expected " + e + " but got " + a
                        + " (shape " + Arrays.toString(shape) + ")");
            }
        });
    }

    /** A dim in [0, rank) written as a positive or a negative number at random. */
    private static int anyDim(Random rnd, int d, int rank) {
        return rnd.nextBoolean() ? d : d - rank;
    }

    @Property(tries = TRIES)
    void catMatchesIndexLoop(@ForAll long seed) {
        Random rnd = new Random(seed);
        int rank = 1 + rnd.nextInt(4);
        int d = rnd.nextInt(rank);
        int[] base = Layouts.shape(rnd, rank, 4, true);
        int count = 1 + rnd.nextInt(4);
        List<Tensor> parts = new ArrayList<>();
        int[] starts = new int[count + 1];
        for (int i = 0; i < count; i++) {
            int[] s = base.clone();
            s[d] = rnd.nextInt(4);
            parts.add(Layouts.tensor(rnd, s));
            starts[i + 1] = starts[i] + s[d];
        }
        Tensor out = Tensor.cat(parts, anyDim(rnd, d, rank));
        int[] outShape = base.clone();
        outShape[d] = starts[count];
        assertValues(out, outShape, idx -> {
            int p = 0;
            while (idx[d] >= starts[p + 1]) {
                p++;
            }
            int[] j = idx.clone();
            j[d] -= starts[p];
            return at(parts.get(p), j);
        });
        assertTrue(out.isContiguous());
    }

    @Test
    void catSkipsLegacyEmptyVectorsAndCopies() {
        Tensor a = Tensor.arange(6).view(2, 3);
        Tensor out = Tensor.cat(List.of(Tensor.zeros(0), a, Tensor.zeros(0)), 0);
        assertArrayEquals(new int[] {2, 3}, out.shape());
        assertArrayEquals(a.toArray(), out.toArray());
        assertTrue(!out.sharesStorageWith(a), "cat of one tensor still returns a new tensor");
    }

    @Property(tries = TRIES)
    void stackMatchesIndexLoop(@ForAll long seed) {
        Random rnd = new Random(seed);
        int rank = rnd.nextInt(4);
        int d = rnd.nextInt(rank + 1);
        int[] s = Layouts.shape(rnd, rank, 4, true);
        int count = 1 + rnd.nextInt(4);
        List<Tensor> parts = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            parts.add(Layouts.tensor(rnd, s));
        }
        Tensor out = Tensor.stack(parts, anyDim(rnd, d, rank + 1));
        int[] outShape = new int[rank + 1];
        for (int i = 0, j = 0; i <= rank; i++) {
            outShape[i] = i == d ? count : s[j++];
        }
        assertValues(out, outShape, idx -> {
            int[] j = new int[rank];
            for (int i = 0, k = 0; i <= rank; i++) {
                if (i != d) {
                    j[k++] = idx[i];
                }
            }
            return at(parts.get(idx[d]), j);
        });
    }

    /** Pieces are views of x and cover dim d in order with the given sizes. */
    private static void assertPieces(Tensor x, int d, List<Tensor> pieces, int[] sizes) {
        assertEquals(sizes.length, pieces.size(), "number of pieces, expected sizes " + Arrays.toString(sizes));
        int start = 0;
        for (int p = 0; p < pieces.size(); p++) {
            Tensor piece = pieces.get(p);
            int[] expectShape = x.shape();
            expectShape[d] = sizes[p];
            int s0 = start;
            assertTrue(piece.sharesStorageWith(x), "pieces are views");
            assertValues(piece, expectShape, idx -> {
                int[] j = idx.clone();
                j[d] += s0;
                return at(x, j);
            });
            start += sizes[p];
        }
        assertEquals(x.shape()[d], start);
    }

    @Property(tries = TRIES)
    void splitBySizeIsViewsInOrder(@ForAll long seed) {
        Random rnd = new Random(seed);
        int rank = 1 + rnd.nextInt(3);
        int d = rnd.nextInt(rank);
        Tensor x = Layouts.tensor(rnd, Layouts.shape(rnd, rank, 7, true));
        int n = x.shape()[d];
        int size = n == 0 ? rnd.nextInt(3) : 1 + rnd.nextInt(n + 2);
        List<Tensor> pieces = x.split(size, anyDim(rnd, d, rank));
        int[] sizes;
        if (n == 0) {
            sizes = new int[] {0};
        } else {
            sizes = new int[(n + size - 1) / size];
            for (int p = 0; p < sizes.length; p++) {
                sizes[p] = Math.min(size, n - p * size);
            }
        }
        assertPieces(x, d, pieces, sizes);
    }

    @Property(tries = TRIES)
    void splitBySizesIsViewsInOrder(@ForAll long seed) {
        Random rnd = new Random(seed);
        int rank = 1 + rnd.nextInt(3);
        int d = rnd.nextInt(rank);
        Tensor x = Layouts.tensor(rnd, Layouts.shape(rnd, rank, 7, true));
        int n = x.shape()[d];
        List<Integer> sizes = new ArrayList<>();
        int left = n;
        while (left > 0 || rnd.nextInt(4) == 0) {
            int s = rnd.nextInt(left + 1);
            sizes.add(s);
            left -= s;
        }
        int[] sz = sizes.stream().mapToInt(Integer::intValue).toArray();
        assertPieces(x, d, x.split(sz, anyDim(rnd, d, rank)), sz);
    }

    @Property(tries = TRIES)
    void chunkHasTorchSizes(@ForAll long seed) {
        Random rnd = new Random(seed);
        int rank = 1 + rnd.nextInt(3);
        int d = rnd.nextInt(rank);
        Tensor x = Layouts.tensor(rnd, Layouts.shape(rnd, rank, 9, true));
        int n = x.shape()[d];
        int chunks = 1 + rnd.nextInt(6);
        int[] sizes;
        if (n == 0) {
            sizes = new int[chunks];
        } else {
            int each = (n + chunks - 1) / chunks; // torch.chunk: ceil(n / chunks), possibly fewer pieces
            sizes = new int[(n + each - 1) / each];
            for (int p = 0; p < sizes.length; p++) {
                sizes[p] = Math.min(each, n - p * each);
            }
        }
        assertPieces(x, d, x.chunk(chunks, anyDim(rnd, d, rank)), sizes);
    }

    @Test
    void chunkOfSixIntoFourGivesThreePieces() {
        List<Tensor> pieces = Tensor.arange(6).chunk(4, 0);
        assertEquals(3, pieces.size());
        assertArrayEquals(new float[] {4, 5}, pieces.get(2).toArray());
    }

    @Property(tries = TRIES)
    void padMatchesIndexLoop(@ForAll long seed) {
        Random rnd = new Random(seed);
        int rank = 1 + rnd.nextInt(4);
        int[] s = Layouts.shape(rnd, rank, 5, true);
        Tensor x = Layouts.tensor(rnd, s);
        int pairs = rnd.nextInt(rank + 1);
        int[] pad = new int[2 * pairs];
        int[] outShape = s.clone();
        int[] before = new int[rank];
        for (int i = 0; i < pairs; i++) {
            int d = rank - 1 - i;
            // Negative amounts crop; together they may remove at most the whole dim (PyTorch's rule).
            int lo = rnd.nextInt(4) == 0 ? -rnd.nextInt(s[d] + 1) : rnd.nextInt(3);
            int hiMin = lo < 0 ? -(s[d] + lo) : -s[d];
            int hi = rnd.nextInt(4) == 0 ? -rnd.nextInt(-hiMin + 1) : rnd.nextInt(3);
            pad[2 * i] = lo;
            pad[2 * i + 1] = hi;
            before[d] = lo;
            outShape[d] = s[d] + lo + hi;
        }
        float value = rnd.nextBoolean() ? 0f : -7.5f;
        Tensor out = x.pad(pad, value);
        assertValues(out, outShape, idx -> {
            int[] j = new int[rank];
            for (int d = 0; d < rank; d++) {
                j[d] = idx[d] - before[d];
                if (j[d] < 0 || j[d] >= s[d]) {
                    return value;
                }
            }
            return at(x, j);
        });
    }

    @Property(tries = TRIES)
    void repeatMatchesIndexLoop(@ForAll long seed) {
        Random rnd = new Random(seed);
        int rank = rnd.nextInt(4);
        int[] s = Layouts.shape(rnd, rank, 4, true);
        Tensor x = Layouts.tensor(rnd, s);
        int lead = rnd.nextInt(3);
        int[] repeats = new int[rank + lead];
        int[] outShape = new int[rank + lead];
        for (int i = 0; i < repeats.length; i++) {
            repeats[i] = rnd.nextInt(10) == 0 ? 0 : 1 + rnd.nextInt(3);
            outShape[i] = repeats[i] * (i < lead ? 1 : s[i - lead]);
        }
        Tensor out = x.repeat(repeats);
        assertValues(out, outShape, idx -> {
            int[] j = new int[rank];
            for (int d = 0; d < rank; d++) {
                j[d] = idx[d + lead] % s[d];
            }
            return at(x, j);
        });
    }

    @Property(tries = TRIES)
    void flipMatchesIndexLoop(@ForAll long seed) {
        Random rnd = new Random(seed);
        int rank = 1 + rnd.nextInt(4);
        int[] s = Layouts.shape(rnd, rank, 5, true);
        Tensor x = Layouts.tensor(rnd, s);
        boolean[] flipped = new boolean[rank];
        List<Integer> dims = new ArrayList<>();
        for (int d = 0; d < rank; d++) {
            if (rnd.nextBoolean()) {
                flipped[d] = true;
                dims.add(anyDim(rnd, d, rank));
            }
        }
        Tensor out = x.flip(dims.stream().mapToInt(Integer::intValue).toArray());
        assertValues(out, s, idx -> {
            int[] j = idx.clone();
            for (int d = 0; d < rank; d++) {
                if (flipped[d]) {
                    j[d] = s[d] - 1 - idx[d];
                }
            }
            return at(x, j);
        });
        assertTrue(!out.sharesStorageWith(x), "flip copies, as torch.flip does");
    }

    /** A float index tensor of this shape with integers in [0, bound), in a random layout. */
    private static Tensor indexTensor(Random rnd, int[] shape, int bound) {
        float[] v = new float[Shape.numel(shape)];
        for (int i = 0; i < v.length; i++) {
            v[i] = rnd.nextInt(bound);
        }
        return Layouts.inLayout(rnd, v, shape);
    }

    @Property(tries = TRIES)
    void indexSelectMatchesIndexLoop(@ForAll long seed) {
        Random rnd = new Random(seed);
        int rank = 1 + rnd.nextInt(4);
        int d = rnd.nextInt(rank);
        int[] s = Layouts.shape(rnd, rank, 5, true);
        Tensor x = Layouts.tensor(rnd, s);
        int count = s[d] == 0 ? 0 : rnd.nextInt(7);
        Tensor index = indexTensor(rnd, new int[] {count}, Math.max(1, s[d]));
        Tensor out = x.indexSelect(anyDim(rnd, d, rank), index);
        int[] outShape = s.clone();
        outShape[d] = count;
        assertValues(out, outShape, idx -> {
            int[] j = idx.clone();
            j[d] = (int) at(index, new int[] {idx[d]});
            return at(x, j);
        });
    }

    /** An index shape for gather/scatterAdd: any size in dim d, at most x's size elsewhere. */
    private static int[] indexShape(Random rnd, int[] s, int d) {
        int[] is = new int[s.length];
        for (int k = 0; k < s.length; k++) {
            is[k] = k == d ? rnd.nextInt(6) : rnd.nextInt(s[k] + 1);
        }
        return is;
    }

    @Property(tries = TRIES)
    void gatherMatchesIndexLoop(@ForAll long seed) {
        Random rnd = new Random(seed);
        int rank = 1 + rnd.nextInt(4);
        int d = rnd.nextInt(rank);
        int[] s = Layouts.shape(rnd, rank, 5, false);
        Tensor x = Layouts.tensor(rnd, s);
        int[] is = indexShape(rnd, s, d);
        Tensor index = indexTensor(rnd, is, s[d]);
        Tensor out = x.gather(anyDim(rnd, d, rank), index);
        assertValues(out, is, idx -> {
            int[] j = idx.clone();
            j[d] = (int) at(index, idx);
            return at(x, j);
        });
    }

    @Property(tries = TRIES)
    void scatterAddMatchesIndexLoop(@ForAll long seed) {
        Random rnd = new Random(seed);
        int rank = 1 + rnd.nextInt(4);
        int d = rnd.nextInt(rank);
        int[] s = Layouts.shape(rnd, rank, 5, false);
        Tensor x = Layouts.tensor(rnd, s);
        int[] is = indexShape(rnd, s, d);
        Tensor index = indexTensor(rnd, is, s[d]);
        int[] srcShape = is.clone();
        for (int k = 0; k < rank; k++) {
            srcShape[k] += rnd.nextInt(2); // src may be larger than index
        }
        Tensor src = Layouts.tensor(rnd, srcShape);
        // Expected: x's values, then every src entry added at its scattered position.
        float[] before = x.toArray();
        Tensor expected = Tensor.fromArray(before, s);
        forEach(is, idx -> {
            int[] j = idx.clone();
            j[d] = (int) at(index, idx);
            expected.set(expected.get(j) + at(src, idx), j);
        });
        boolean inPlace = rnd.nextBoolean();
        int version = x.version();
        Tensor out = inPlace ? x.scatterAddInPlace(anyDim(rnd, d, rank), index, src)
                : x.scatterAdd(anyDim(rnd, d, rank), index, src);
        assertValues(out, s, expected::get);
        if (inPlace) {
            assertSame(x, out);
            assertEquals(version + 1, x.version(), "in-place scatterAdd bumps the version");
        } else {
            assertNotSame(x, out);
            assertArrayEquals(before, x.toArray(), "scatterAdd leaves x unchanged");
            assertEquals(version, x.version());
        }
    }

    @Test
    void scatterAddSumsDuplicatesAndScalarsWork() {
        Tensor x = Tensor.zeros(3);
        Tensor out = x.scatterAdd(0, Tensor.of(1, 1, 2, 1), Tensor.of(1, 2, 3, 4));
        assertArrayEquals(new float[] {0, 7, 3}, out.toArray());
        Tensor g = Tensor.scalar(5f).gather(0, Tensor.scalar(0f));
        assertEquals(0, g.dim());
        assertEquals(5f, g.item());
    }
}
