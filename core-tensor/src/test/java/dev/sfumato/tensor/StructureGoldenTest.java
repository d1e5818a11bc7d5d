package dev.sfumato.tensor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sfumato.tensor.testing.Golden;

import java.util.List;

import org.junit.jupiter.api.Test;

/**
 * Replays the cases of {@code src/test/python/gen_golden_structure.py} and compares with PyTorch's
 * results: exactly for the ops that only move values, to 1e-5 for matmul.
 */
class StructureGoldenTest {

    private static final Golden G = Golden.load("/golden/structure.txt");

    private static Tensor g(String name) {
        return G.get(name);
    }

    /** Same shape and bit-identical values. */
    private static void assertSame(String name, Tensor actual) {
        Tensor expected = g(name);
        assertArrayEquals(expected.shape(), actual.shape(), name + ": shape");
        assertArrayEquals(expected.toArray(), actual.toArray(), name + ": values");
    }

    private static void assertPieces(String prefix, List<Tensor> pieces) {
        int count = 0;
        for (String name : G.names()) {
            if (name.startsWith(prefix + ".")) {
                count++;
            }
        }
        assertEquals(count, pieces.size(), prefix + ": number of pieces");
        for (int i = 0; i < pieces.size(); i++) {
            assertSame(prefix + "." + i, pieces.get(i));
        }
    }

    @Test
    void cat() {
        Tensor a = g("cat.a");
        Tensor b = g("cat.b");
        assertSame("cat.abc_dim1", Tensor.cat(List.of(a, b, g("cat.c")), 1));
        assertSame("cat.ba_dimm2", Tensor.cat(List.of(b, a), -2));
        assertSame("cat.ad_dim0", Tensor.cat(List.of(a, g("cat.d")), 0));
    }

    @Test
    void stack() {
        Tensor a = g("stack.a");
        Tensor b = g("stack.b");
        Tensor c = g("stack.c");
        assertSame("stack.dim0", Tensor.stack(List.of(a, b, c), 0));
        assertSame("stack.dim2", Tensor.stack(List.of(a, b, c), 2));
        assertSame("stack.dimm2", Tensor.stack(List.of(a, b), -2));
    }

    @Test
    void splitAndChunk() {
        Tensor x = g("split.x");
        assertPieces("split.size2_dim0", x.split(2, 0));
        assertPieces("split.sizes_dimm1", x.split(new int[] {1, 0, 5}, -1));
        assertPieces("chunk.4_dim1", x.chunk(4, 1));
        assertPieces("chunk.2_dim0", x.chunk(2, 0));
    }

    @Test
    void pad() {
        Tensor x = g("pad.x");
        assertSame("pad.last", x.pad(new int[] {1, 2}, 0f));
        assertSame("pad.two_value", x.pad(new int[] {1, 1, 2, 0}, 1.5f));
        assertSame("pad.negative", x.pad(new int[] {-1, 2, 0, -2}, -3f));
        assertSame("pad.all_dims", x.pad(new int[] {0, 1, 1, 0, 1, 1}, 2f));
        assertSame("pad.crop_all", x.pad(new int[] {-2, -2}, 0f));
    }

    @Test
    void repeat() {
        Tensor x = g("repeat.x");
        assertSame("repeat.r23", x.repeat(2, 3));
        assertSame("repeat.r213", x.repeat(2, 1, 3));
        assertSame("repeat.r0", x.repeat(1, 0, 1));
    }

    @Test
    void flip() {
        Tensor x = g("flip.x");
        assertSame("flip.d02", x.flip(0, 2));
        assertSame("flip.dm1", x.flip(-1));
        assertSame("flip.all", x.flip(0, 1, 2));
    }

    @Test
    void indexOps() {
        Tensor x = g("indexSelect.x");
        assertSame("indexSelect.dim0", x.indexSelect(0, g("indexSelect.i0")));
        assertSame("indexSelect.dimm1", x.indexSelect(-1, g("indexSelect.i1")));
        Tensor gx = g("gather.x");
        assertSame("gather.dim0", gx.gather(0, g("gather.i0")));
        assertSame("gather.dimm1", gx.gather(-1, g("gather.i1")));
        assertSame("gather.dim1_rank3", g("gather.x3").gather(1, g("gather.i3")));
        Tensor sx = g("scatterAdd.x");
        Tensor src = g("scatterAdd.src");
        // Both index sets hold duplicates; the sums are in index order, as PyTorch's CPU kernel adds them.
        assertSame("scatterAdd.dim0", sx.scatterAdd(0, g("scatterAdd.i0"), src));
        assertSame("scatterAdd.dimm1", sx.scatterAdd(-1, g("scatterAdd.i1"), src));
    }

    private static void assertClose(String name, Tensor actual) {
        Tensor expected = g(name);
        assertArrayEquals(expected.shape(), actual.shape(), name + ": shape");
        assertTrue(actual.allClose(expected, 1e-5f, 1e-5f), () -> name + ": expected " + expected + " but got " + actual);
    }

    @Test
    void matmulAllRankPairs() {
        for (int ra = 1; ra <= 4; ra++) {
            for (int rb = 1; rb <= 4; rb++) {
                assertClose("matmul.a" + ra + "_b" + rb, g("matmul.a" + ra).matmul(g("matmul.b" + rb)));
            }
        }
        Tensor bt = g("matmul.bt_stored").t();
        assertClose("matmul.at_bt", g("matmul.at_stored").transpose(-2, -1).matmul(bt));
        assertClose("matmul.a3_bt", g("matmul.a3").matmul(bt));
    }

    @Test
    void chainsOfViews() {
        Tensor x = g("views.x");
        assertSame("views.permute_reshape", x.permute(2, 0, 1).reshape(4, 6));
        assertSame("views.transpose_flatten", x.transpose(0, 2).flatten());
        assertSame("views.narrow_reshape", x.narrow(1, 1, 2).reshape(-1, 4));
        assertSame("views.slice_step_unsqueeze_expand", x.slice(1, 0, 3, 2).unsqueeze(1).expand(2, 3, 2, 4));
        assertSame("views.select_t_contiguous", x.select(2, 1).t().contiguous());
        assertSame("views.flatten_mid_view", x.flatten(1, 2).view(4, 6));
        assertSame("views.squeeze_unsqueeze", x.slice(1, 0, 1).squeeze(1).unsqueeze(0));
    }
}
