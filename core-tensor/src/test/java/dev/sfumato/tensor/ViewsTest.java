package dev.sfumato.tensor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Views of Tensor: aliasing, strides and offsets against explicit index computations. */
class ViewsTest {

    @Test
    void emptyTensorsAreContiguousAndConvertToEmptyArrays() {
        Tensor empty = Tensor.zeros(0, 3);
        assertTrue(empty.isContiguous(), "numel 0 is contiguous, as in PyTorch");
        assertSame(empty, empty.contiguous());
        // An empty narrow past the end of an empty storage: offset 2 * 3 = 6 > capacity 0.
        Tensor past = Tensor.zeros(3, 0).narrow(0, 2, 1);
        assertArrayEquals(new float[0], past.toArray());
        assertArrayEquals(new float[0], Tensor.zeros(4, 2).narrow(1, 2, 0).toArray());
    }
}
