package dev.sfumato.tensor;

/** STUB (owned by the structure helper): matmul with torch.matmul semantics over kernels.Gemm. */
final class LinearAlgebra {
    private LinearAlgebra() {}
    static Tensor matmul(Tensor a, Tensor b) { throw new UnsupportedOperationException("matmul: not implemented yet"); }
}
