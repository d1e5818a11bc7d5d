package dev.sfumato.tensor;

import java.util.List;

/** STUB (owned by the structure helper): cat, stack, split, pad, repeat, flip, indexSelect, gather, scatterAdd. */
final class Structure {
    private Structure() {}
    static Tensor cat(List<Tensor> tensors, int dim) { throw todo("cat"); }
    static Tensor stack(List<Tensor> tensors, int dim) { throw todo("stack"); }
    static List<Tensor> split(Tensor x, int splitSize, int dim) { throw todo("split"); }
    static List<Tensor> split(Tensor x, int[] sizes, int dim) { throw todo("split"); }
    static List<Tensor> chunk(Tensor x, int chunks, int dim) { throw todo("chunk"); }
    static Tensor pad(Tensor x, int[] pad, float value) { throw todo("pad"); }
    static Tensor repeat(Tensor x, int[] repeats) { throw todo("repeat"); }
    static Tensor flip(Tensor x, int[] dims) { throw todo("flip"); }
    static Tensor indexSelect(Tensor x, int dim, Tensor index) { throw todo("indexSelect"); }
    static Tensor gather(Tensor x, int dim, Tensor index) { throw todo("gather"); }
    static Tensor scatterAdd(Tensor x, int dim, Tensor index, Tensor src, boolean inPlace) { throw todo("scatterAdd"); }
    private static UnsupportedOperationException todo(String op) { return new UnsupportedOperationException(op + ": not implemented yet"); }
}
