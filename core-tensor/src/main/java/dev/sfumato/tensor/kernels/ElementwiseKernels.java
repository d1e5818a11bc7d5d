package dev.sfumato.tensor.kernels;

import dev.sfumato.tensor.BinaryOp;
import dev.sfumato.tensor.UnaryOp;

/** Elementwise kernels on contiguous spans; same signatures and results as {@link ElementwiseReference}. */
public final class ElementwiseKernels {

    private ElementwiseKernels() {}

    public static void unary(UnaryOp op, float[] x, int xOff, float[] out, int outOff, int n) {
        ElementwiseReference.unary(op, x, xOff, out, outOff, n);
    }

    public static void binary(BinaryOp op, float[] a, int aOff, float[] b, int bOff, float[] out, int outOff, int n) {
        ElementwiseReference.binary(op, a, aOff, b, bOff, out, outOff, n);
    }

    public static void binaryScalar(BinaryOp op, float[] a, int aOff, float s, float[] out, int outOff, int n) {
        ElementwiseReference.binaryScalar(op, a, aOff, s, out, outOff, n);
    }

    public static void scalarBinary(BinaryOp op, float s, float[] b, int bOff, float[] out, int outOff, int n) {
        ElementwiseReference.scalarBinary(op, s, b, bOff, out, outOff, n);
    }

    public static void clamp(float[] x, int xOff, float min, float max, float[] out, int outOff, int n) {
        ElementwiseReference.clamp(x, xOff, min, max, out, outOff, n);
    }

    public static void where(float[] c, int cOff, float[] a, int aOff, float[] b, int bOff,
                             float[] out, int outOff, int n) {
        ElementwiseReference.where(c, cOff, a, aOff, b, bOff, out, outOff, n);
    }

    public static void fill(float v, float[] out, int outOff, int n) {
        java.util.Arrays.fill(out, outOff, outOff + n, v);
    }

    public static void addScaled(float[] y, int yOff, float[] x, int xOff, float alpha, int n) {
        ElementwiseReference.addScaled(y, yOff, x, xOff, alpha, n);
    }

    public static void addcmul(float[] y, int yOff, float[] t1, int t1Off, float[] t2, int t2Off, float value, int n) {
        ElementwiseReference.addcmul(y, yOff, t1, t1Off, t2, t2Off, value, n);
    }

    public static void addcdiv(float[] y, int yOff, float[] t1, int t1Off, float[] t2, int t2Off, float value, int n) {
        ElementwiseReference.addcdiv(y, yOff, t1, t1Off, t2, t2Off, value, n);
    }
}
