package dev.sfumato.nn.functional;

import dev.sfumato.autograd.Variable;
import dev.sfumato.tensor.Tensor;

import java.util.Arrays;

/**
 * Table lookup, {@code F.embedding} (PyTorch keeps it in {@code nn/modules/sparse.py}, hence the name):
 * row {@code i} of the weight for every index {@code i}.
 *
 * <p>Shapes: indices [...] (a float tensor holding integers, as every index in Sfumato), weight
 * [numEmbeddings, dim], output [..., dim]. A composite of {@code indexSelect}: the weight's gradient is
 * the output gradient scatter-added into the rows that were read, so a repeated index gets the sum.
 */
public final class Sparse {

    private Sparse() {}

    /** {@code F.embedding(indices, weight)}. */
    public static Variable embedding(Tensor indices, Variable weight) {
        if (weight.dim() != 2) {
            throw new IllegalArgumentException("embedding: weight must be 2-D [num_embeddings, embedding_dim], got shape "
                    + Arrays.toString(weight.shape()));
        }
        float[] idx = indices.toArray();
        for (float v : idx) {
            if (v != Math.rint(v) || v < 0 || v >= weight.size(0)) {
                throw new IllegalArgumentException("embedding: index " + v + " is not an integer in [0, "
                        + weight.size(0) + ") for weight " + Arrays.toString(weight.shape()));
            }
        }
        int[] outShape = Arrays.copyOf(indices.shape(), indices.dim() + 1);
        outShape[indices.dim()] = weight.size(1);
        Variable rows = weight.indexSelect(0, Tensor.wrap(idx, idx.length));   // [numel(indices), dim]
        return rows.reshape(outShape);                                          // [..., dim]
    }
}
