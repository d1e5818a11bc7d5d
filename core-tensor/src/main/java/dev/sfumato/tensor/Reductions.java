package dev.sfumato.tensor;

/** STUB (owned by the elementwise helper): reductions and softmax. */
final class Reductions {
    private Reductions() {}
    static Tensor sum(Tensor x, int[] dims, boolean keepdim) { throw todo("sum"); }
    static Tensor mean(Tensor x, int[] dims, boolean keepdim) { throw todo("mean"); }
    static Tensor var(Tensor x, int[] dims, boolean unbiased, boolean keepdim) { throw todo("var"); }
    static Tensor maxAll(Tensor x, boolean max) { throw todo("max"); }
    static Tensor max(Tensor x, int dim, boolean keepdim, boolean max) { throw todo("max"); }
    static Tensor argmax(Tensor x, int dim, boolean keepdim, boolean max) { throw todo("argmax"); }
    static Tensor softmax(Tensor x, int dim, boolean log) { throw todo("softmax"); }
    static Tensor logsumexp(Tensor x, int dim, boolean keepdim) { throw todo("logsumexp"); }
    private static UnsupportedOperationException todo(String op) { return new UnsupportedOperationException(op + ": not implemented yet"); }
}
