package dev.sfumato.tensor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/**
 * Bad shapes, dims and indices fail with a message that names the op, the shapes and the offending
 * argument. The index ops check every index before writing, so a failed in-place op leaves x unchanged.
 */
class ErrorMessagesTest {

    /** Asserts that {@code call} throws a RuntimeException whose message contains every fragment. */
    private static void assertMessage(Executable call, String... fragments) {
        RuntimeException e = assertThrows(RuntimeException.class, call);
        String m = e.getMessage();
        for (String f : fragments) {
            assertTrue(m != null && m.contains(f), () -> "message '" + m + "' should contain '" + f + "'");
        }
    }

    private static final Tensor X23 = Tensor.zeros(2, 3);

    @Test
    void matmul() {
        assertMessage(() -> Tensor.zeros(2, 3).matmul(Tensor.zeros(4, 5)),
                "matmul: shapes [2, 3] and [4, 5] cannot be multiplied (3 != 4)");
        assertMessage(() -> Tensor.zeros(3).matmul(Tensor.zeros(4)),
                "matmul: shapes [3] and [4] cannot be multiplied (3 != 4)");
        assertMessage(() -> Tensor.zeros(2, 5, 3).matmul(Tensor.zeros(2)),
                "matmul: shapes [2, 5, 3] and [2] cannot be multiplied (3 != 2)");
        assertMessage(() -> Tensor.zeros(2, 3, 4).matmul(Tensor.zeros(5, 4, 6)),
                "matmul: the batch dims of shapes [2, 3, 4] and [5, 4, 6] cannot be broadcast ([2] vs [5])");
        assertMessage(() -> Tensor.scalar(1f).matmul(Tensor.zeros(3)),
                "matmul: both arguments need at least 1 dimension, got shapes [] and [3]");
    }

    @Test
    void catAndStack() {
        Exception e = assertThrows(IllegalArgumentException.class,
                () -> Tensor.cat(List.of(Tensor.zeros(3, 5), Tensor.zeros(2, 4)), 0));
        assertEquals("cat: tensor 1 has shape [2, 4] but expected [*, 5] to match tensor 0 [3, 5] except in dim 0",
                e.getMessage());
        assertMessage(() -> Tensor.cat(List.of(Tensor.zeros(3, 5), Tensor.zeros(3, 5, 1)), 1),
                "cat: tensor 1 has shape [3, 5, 1] but expected [3, *]");
        assertMessage(() -> Tensor.cat(List.of(X23, X23), 2), "cat: dim 2 is out of range for a tensor of rank 2");
        assertMessage(() -> Tensor.cat(List.of(), 0), "cat: expected a non-empty list");
        assertMessage(() -> Tensor.cat(List.of(X23, Tensor.scalar(1f)), 0), "cat: tensor 1 is a scalar");
        assertMessage(() -> Tensor.stack(List.of(X23, Tensor.zeros(3, 2)), 0),
                "stack: tensor 1 has shape [3, 2] but tensor 0 has shape [2, 3]");
        assertMessage(() -> Tensor.stack(List.of(X23), -4), "stack: dim -4 is out of range for stacking tensors of shape [2, 3] (expected in [-3, 2])");
    }

    @Test
    void splitAndChunk() {
        assertMessage(() -> X23.split(0, 1), "split: splitSize must be positive", "got 0 for dim 1 of size 3",
                "shape [2, 3]");
        assertMessage(() -> X23.split(new int[] {1, 1}, 1), "split: sizes [1, 1] add up to 2 but dim 1 of shape [2, 3]"
                + " has size 3");
        assertMessage(() -> X23.split(new int[] {4, -1}, 1), "split: sizes[1] = -1 is negative");
        assertMessage(() -> X23.chunk(0, 0), "chunk: chunks must be positive, got 0");
        assertMessage(() -> X23.chunk(2, -3), "chunk: dim -3 is out of range for a tensor of rank 2");
        assertMessage(() -> Tensor.scalar(1f).split(1, 0), "split: expects a tensor of rank >= 1");
    }

    @Test
    void padAndRepeatAndFlip() {
        assertMessage(() -> X23.pad(new int[] {1}, 0f), "pad: pad [1] must have an even length of at most 2 * rank = 4",
                "shape [2, 3]");
        assertMessage(() -> X23.pad(new int[] {1, 1, 1, 1, 1, 1}, 0f), "pad: pad [1, 1, 1, 1, 1, 1]");
        assertMessage(() -> X23.pad(new int[] {-2, -2}, 0f),
                "pad: negative padding (-2, -2) crops 4 entries from dim 1 of size 3 (shape [2, 3], pad [-2, -2])");
        assertMessage(() -> X23.repeat(2), "repeat: the number of repeats [2] cannot be smaller than the rank of shape [2, 3]");
        assertMessage(() -> X23.repeat(1, -1), "repeat: repeats[1] = -1 is negative");
        assertMessage(() -> X23.flip(0, -2), "flip: dim 0 appears more than once in [0, -2]");
        assertMessage(() -> X23.flip(2), "flip: dim 2 is out of range");
    }

    @Test
    void indexSelect() {
        Tensor x = Tensor.zeros(2, 4);
        assertMessage(() -> x.indexSelect(1, Tensor.of(0, 5, 1)),
                "indexSelect: index 5 at [1] is out of range for dim 1 of size 4 (shape [2, 4])");
        assertMessage(() -> x.indexSelect(0, Tensor.of(0, -1)), "indexSelect: index -1 at [1] is out of range for dim 0");
        assertMessage(() -> x.indexSelect(0, Tensor.of(1.5f)), "indexSelect: index 1.5 at [0] is not an integer");
        assertMessage(() -> x.indexSelect(0, Tensor.of(Float.NaN)), "indexSelect: index NaN at [0] is not an integer");
        assertMessage(() -> x.indexSelect(0, Tensor.zeros(1, 1)), "indexSelect: index must be 1-D, got shape [1, 1]");
        assertMessage(() -> x.indexSelect(2, Tensor.of(0)), "indexSelect: dim 2 is out of range");
    }

    @Test
    void gatherAndScatterAdd() {
        Tensor x = Tensor.zeros(2, 3);
        assertMessage(() -> x.gather(0, Tensor.zeros(2)), "gather: index must have the rank of x: x [2, 3], index [2]");
        assertMessage(() -> x.gather(0, Tensor.zeros(1, 4)),
                "gather: index shape [1, 4] is larger than x shape [2, 3] in dim 1 (only dim 0 may differ)");
        assertMessage(() -> x.gather(1, Tensor.of(new float[][] {{0, 1}, {3, 0}})),
                "gather: index 3 at [1, 0] is out of range for dim 1 of size 3 (shape [2, 3])");
        assertMessage(() -> x.scatterAdd(0, Tensor.zeros(2, 3), Tensor.zeros(2, 2)),
                "scatterAdd: index shape [2, 3] is larger than src shape [2, 2] in dim 1");
        assertMessage(() -> x.scatterAdd(0, Tensor.zeros(2, 3), Tensor.zeros(2)),
                "scatterAdd: index and src must have the rank of x: x [2, 3], index [2, 3], src [2]");
        // A bad index anywhere leaves x untouched, even in place.
        Tensor y = Tensor.zeros(2, 3);
        assertMessage(() -> y.scatterAddInPlace(0, Tensor.of(new float[][] {{0, 1, 0}, {1, 2, 0}}), Tensor.ones(2, 3)),
                "scatterAddInPlace: index 2 at [1, 1] is out of range for dim 0 of size 2");
        assertEquals(0, y.version());
        assertEquals(0f, y.get(0, 0));
        assertMessage(() -> Tensor.zeros(3).expand(2, 3).scatterAddInPlace(1, Tensor.zeros(2, 3), Tensor.ones(2, 3)),
                "scatterAddInPlace: cannot write into a tensor whose elements overlap (dim 0 has stride 0");
    }

    @Test
    void views() {
        Tensor x = Tensor.zeros(2, 3, 4);
        assertMessage(() -> x.view(5, -1), "view: shape [5, -1] is invalid for input of size 24 (shape [2, 3, 4])");
        assertMessage(() -> x.reshape(-1, -1), "reshape: only one dim can be -1");
        assertMessage(() -> x.transpose(0, 1).view(24), "view: shape [24] is not compatible with the strides [4, 12, 1]",
                "use reshape");
        assertMessage(() -> x.permute(0, 1), "permute: expected 3 dims for shape [2, 3, 4], got [0, 1]");
        assertMessage(() -> x.permute(0, 1, -2), "permute: dim 1 repeats in [0, 1, -2]");
        assertMessage(() -> x.transpose(0, 3), "transpose: dim 3 is out of range for a tensor of rank 3 (expected in [-3, 2])");
        assertMessage(() -> x.narrow(2, 3, 2), "narrow: start 3 and length 2 exceed dim 2 of size 4 (shape [2, 3, 4])");
        assertMessage(() -> x.select(1, 3), "select: index 3 is out of range for dim 1 of size 3 (shape [2, 3, 4])");
        assertMessage(() -> x.slice(0, 0, 2, 0), "slice: step must be positive, got 0");
        assertMessage(() -> x.expand(2, 5, 4), "expand: shape [2, 3, 4] cannot be expanded to [2, 5, 4] (dim 1 has size 3, not 1)");
        assertMessage(() -> x.expand(3, 4), "expand: the number of sizes [3, 4] must be >= the rank of shape [2, 3, 4]");
        assertMessage(() -> x.unsqueeze(4), "unsqueeze: dim 4 is out of range for a tensor of rank 3 (expected in [-4, 3])");
        assertMessage(() -> x.flatten(2, 1), "flatten: startDim 2 comes after endDim 1");
        assertMessage(() -> x.get(0, 3, 0), "get: index 3 is out of bounds for dim 1 with size 3 (shape [2, 3, 4])");
        assertMessage(() -> x.t(), "t: expects a tensor of rank <= 2, got shape [2, 3, 4]");
        assertMessage(() -> Tensor.wrap(new float[5], 2, 3), "wrap: shape [2, 3] needs 6 elements but the array has 5");
        assertMessage(() -> Tensor.zeros(2, -1), "zeros: negative size in shape [2, -1]");
        assertMessage(() -> Tensor.randint(3, 3, 2), "randint: high (3) must be greater than low (3)");
    }
}
