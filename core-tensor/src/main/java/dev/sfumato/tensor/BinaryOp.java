package dev.sfumato.tensor;

/**
 * The elementwise functions of two arguments. Comparisons return 1 for true and 0 for false; MAXIMUM and
 * MINIMUM propagate NaN, as {@code torch.maximum} does.
 */
public enum BinaryOp {
    ADD, SUB, MUL, DIV, POW, MAXIMUM, MINIMUM, EQ, NE, LT, LE, GT, GE
}
