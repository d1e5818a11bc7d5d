package dev.sfumato.nn.layers;

import dev.sfumato.autograd.Variable;
import dev.sfumato.nn.Module;
import dev.sfumato.nn.Parameter;
import dev.sfumato.nn.functional.Sparse;
import dev.sfumato.nn.init.Init;
import dev.sfumato.tensor.Generator;
import dev.sfumato.tensor.Tensor;

/**
 * A lookup table of learned vectors, like {@code torch.nn.Embedding(num_embeddings, embedding_dim)}:
 * indices [...] (a float tensor of integers) → [..., dim]; weight [num_embeddings, dim].
 *
 * <p>Init as PyTorch's {@code Embedding.reset_parameters}: weight N(0, 1). No {@code padding_idx},
 * {@code max_norm} or sparse gradients.
 */
public class Embedding extends Module {

    public final Parameter weight;
    private final int numEmbeddings;
    private final int embeddingDim;

    /** {@code nn.Embedding(numEmbeddings, embeddingDim)} drawn from the global generator. */
    public Embedding(int numEmbeddings, int embeddingDim) {
        this(numEmbeddings, embeddingDim, Generator.global());
    }

    /** {@code nn.Embedding(numEmbeddings, embeddingDim)} drawn from {@code g}. */
    public Embedding(int numEmbeddings, int embeddingDim, Generator g) {
        if (numEmbeddings <= 0 || embeddingDim <= 0) {
            throw new IllegalArgumentException("Embedding: num_embeddings " + numEmbeddings + " and embedding_dim "
                    + embeddingDim + " must be positive");
        }
        this.numEmbeddings = numEmbeddings;
        this.embeddingDim = embeddingDim;
        this.weight = registerParameter("weight", new Parameter(Tensor.zeros(numEmbeddings, embeddingDim)));
        resetParameters(g);
    }

    /** PyTorch's {@code reset_parameters}: N(0, 1). */
    public void resetParameters(Generator g) {
        Init.normal(weight.value(), 0, 1, g);
    }

    /** indices [...] → [..., dim]. */
    public Variable forward(Tensor indices) {
        return Sparse.embedding(indices, weight);
    }

    /** The indices as a Variable (its gradient, if any, is ignored: indices are not differentiable). */
    @Override
    public Variable forward(Variable indices) {
        return forward(indices.value());
    }

    @Override
    protected String extraRepr() {
        return numEmbeddings + ", " + embeddingDim;
    }
}
