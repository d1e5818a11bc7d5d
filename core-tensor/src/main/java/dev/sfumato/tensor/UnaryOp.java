package dev.sfumato.tensor;

/** The elementwise functions of one argument. Each kernel switches on the op once, outside its loop. */
public enum UnaryOp {
    NEG, ABS, EXP, LOG, SQRT, RSQRT, SQUARE, TANH, SIGMOID, RELU, SILU, GELU, SIN, COS, SIGN
}
