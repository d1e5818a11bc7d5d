package dev.sfumato.tensor;

/** STUB (owned by the elementwise helper): elementwise ops with broadcasting. */
final class Elementwise {
    private Elementwise() {}
    static Tensor unary(String op, Tensor x, UnaryOp f) { throw todo(op); }
    static Tensor binary(String op, Tensor a, Tensor b, BinaryOp f) { throw todo(op); }
    static Tensor binaryScalar(String op, Tensor a, float s, BinaryOp f) { throw todo(op); }
    static Tensor scalarBinary(String op, float s, Tensor a, BinaryOp f) { throw todo(op); }
    static Tensor clamp(String op, Tensor x, float min, float max) { throw todo(op); }
    static Tensor where(Tensor cond, Tensor a, Tensor b) { throw todo("where"); }
    static Tensor binaryInPlace(String op, Tensor self, Tensor other, BinaryOp f) { throw todo(op); }
    static Tensor binaryScalarInPlace(String op, Tensor self, float s, BinaryOp f) { throw todo(op); }
    static Tensor clampInPlace(String op, Tensor self, float min, float max) { throw todo(op); }
    static Tensor addScaledInPlace(String op, Tensor self, Tensor other, float alpha) { throw todo(op); }
    static Tensor addcmulInPlace(Tensor self, Tensor t1, Tensor t2, float value) { throw todo("addcmulInPlace"); }
    static Tensor addcdivInPlace(Tensor self, Tensor t1, Tensor t2, float value) { throw todo("addcdivInPlace"); }
    static Tensor unaryInPlace(String op, Tensor self, UnaryOp f) { throw todo(op); }
    static Tensor fill(Tensor self, float value) { throw todo("fill"); }
    static Tensor copyInto(Tensor self, Tensor src) { throw todo("copyFrom"); }
    private static UnsupportedOperationException todo(String op) { return new UnsupportedOperationException(op + ": not implemented yet"); }
}
