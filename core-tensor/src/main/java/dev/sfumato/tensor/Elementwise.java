package dev.sfumato.tensor;

import dev.sfumato.tensor.kernels.ElementwiseKernels;
import dev.sfumato.tensor.kernels.ElementwiseReference;

import java.util.Arrays;

/**
 * Elementwise ops with NumPy broadcasting, out of place and in place, as in PyTorch.
 *
 * <p>Every op is a row body for {@link StridedLoop}, which reduces contiguous operands to one long span
 * (the fast path: a single call to an {@link ElementwiseKernels} kernel, cut into parallel pieces) and
 * handles views and broadcasting row by row. Results of out-of-place ops are new contiguous tensors.
 * In-place ops write through {@code self} (which may be any view without zero strides), broadcast the
 * other operands to {@code self}'s shape, and bump the storage version once.
 */
final class Elementwise {

    private static final Tensor[] NONE = new Tensor[0];

    private Elementwise() {}

    static Tensor unary(String op, Tensor x, UnaryOp f) {
        Tensor out = Tensor.allocateEmpty(x.shape);
        StridedLoop.run(out, new Tensor[] {x}, false,
                (in, off, st, o, oOff, n) -> ElementwiseKernels.unary(f, in[0], off[0], o, oOff, n));
        return out;
    }

    static Tensor binary(String op, Tensor a, Tensor b, BinaryOp f) {
        Tensor out = Tensor.allocateEmpty(Shape.broadcast(op, a.shape, b.shape));
        StridedLoop.run(out, new Tensor[] {a, b}, true, (in, off, st, o, oOff, n) -> binaryRow(f, in, off, st, o, oOff, n));
        return out;
    }

    /** One row of {@code a op b}, where either side may be constant along the row (stride 0). */
    private static void binaryRow(BinaryOp f, float[][] in, int[] off, int[] st, float[] o, int oOff, int n) {
        if (st[0] == 1 && st[1] == 1) {
            ElementwiseKernels.binary(f, in[0], off[0], in[1], off[1], o, oOff, n);
        } else if (st[0] == 1) {
            ElementwiseKernels.binaryScalar(f, in[0], off[0], in[1][off[1]], o, oOff, n);
        } else if (st[1] == 1) {
            ElementwiseKernels.scalarBinary(f, in[0][off[0]], in[1], off[1], o, oOff, n);
        } else {
            ElementwiseKernels.fill(ElementwiseReference.apply(f, in[0][off[0]], in[1][off[1]]), o, oOff, n);
        }
    }

    static Tensor binaryScalar(String op, Tensor a, float s, BinaryOp f) {
        Tensor out = Tensor.allocateEmpty(a.shape);
        StridedLoop.run(out, new Tensor[] {a}, false,
                (in, off, st, o, oOff, n) -> ElementwiseKernels.binaryScalar(f, in[0], off[0], s, o, oOff, n));
        return out;
    }

    static Tensor scalarBinary(String op, float s, Tensor a, BinaryOp f) {
        Tensor out = Tensor.allocateEmpty(a.shape);
        StridedLoop.run(out, new Tensor[] {a}, false,
                (in, off, st, o, oOff, n) -> ElementwiseKernels.scalarBinary(f, s, in[0], off[0], o, oOff, n));
        return out;
    }

    static Tensor clamp(String op, Tensor x, float min, float max) {
        Tensor out = Tensor.allocateEmpty(x.shape);
        StridedLoop.run(out, new Tensor[] {x}, false,
                (in, off, st, o, oOff, n) -> ElementwiseKernels.clamp(in[0], off[0], min, max, o, oOff, n));
        return out;
    }

    static Tensor siluBackward(Tensor gradOutput, Tensor x) {
        if (!Arrays.equals(gradOutput.shape, x.shape)) {
            throw new IllegalArgumentException("siluBackward: gradOutput " + Arrays.toString(gradOutput.shape)
                    + " and x " + Arrays.toString(x.shape) + " must have the same shape");
        }
        Tensor out = Tensor.allocateEmpty(x.shape);
        StridedLoop.run(out, new Tensor[] {gradOutput, x}, false, (in, off, st, o, oOff, n) ->
                ElementwiseKernels.siluBackward(in[0], off[0], in[1], off[1], o, oOff, n));
        return out;
    }

    static Tensor where(Tensor cond, Tensor a, Tensor b) {
        Tensor out = Tensor.allocateEmpty(Shape.broadcast("where", cond.shape, a.shape, b.shape));
        StridedLoop.run(out, new Tensor[] {cond, a, b}, false, (in, off, st, o, oOff, n) ->
                ElementwiseKernels.where(in[0], off[0], in[1], off[1], in[2], off[2], o, oOff, n));
        return out;
    }

    // ---------------------------------------------------------------------------------------------
    // In place
    // ---------------------------------------------------------------------------------------------

    /**
     * Refuses to write through a view that maps several indices to one element (stride 0 on a dim of size
     * > 1, as produced by expand): PyTorch refuses too, since the result would depend on write order.
     */
    private static void checkWritable(String op, Tensor self) {
        for (int d = 0; d < self.shape.length; d++) {
            if (self.strides[d] == 0 && self.shape[d] > 1) {
                throw new IllegalArgumentException(op + ": cannot write in place into an expanded tensor of shape "
                        + Shape.str(self.shape) + " with strides " + Shape.str(self.strides) + " (dim " + d
                        + " has stride 0); call contiguous() or clone() first");
            }
        }
    }

    /** Checks that {@code other} broadcasts to exactly {@code self}'s shape. */
    private static void checkBroadcastsTo(String op, Tensor other, Tensor self) {
        boolean ok = other.shape.length <= self.shape.length;
        for (int i = 0; ok && i < other.shape.length; i++) {
            int so = other.shape[other.shape.length - 1 - i];
            int ss = self.shape[self.shape.length - 1 - i];
            ok = so == ss || so == 1;
        }
        if (!ok) {
            throw new IllegalArgumentException(op + ": shape " + Shape.str(other.shape) + " cannot be broadcast to "
                    + Shape.str(self.shape));
        }
    }

    static Tensor binaryInPlace(String op, Tensor self, Tensor other, BinaryOp f) {
        checkWritable(op, self);
        checkBroadcastsTo(op, other, self);
        StridedLoop.run(self, new Tensor[] {self, other}, true,
                (in, off, st, o, oOff, n) -> binaryRow(f, in, off, st, o, oOff, n));
        self.storage.bump();
        return self;
    }

    static Tensor binaryScalarInPlace(String op, Tensor self, float s, BinaryOp f) {
        checkWritable(op, self);
        StridedLoop.run(self, new Tensor[] {self}, false,
                (in, off, st, o, oOff, n) -> ElementwiseKernels.binaryScalar(f, in[0], off[0], s, o, oOff, n));
        self.storage.bump();
        return self;
    }

    static Tensor clampInPlace(String op, Tensor self, float min, float max) {
        checkWritable(op, self);
        StridedLoop.run(self, new Tensor[] {self}, false,
                (in, off, st, o, oOff, n) -> ElementwiseKernels.clamp(in[0], off[0], min, max, o, oOff, n));
        self.storage.bump();
        return self;
    }

    static Tensor unaryInPlace(String op, Tensor self, UnaryOp f) {
        checkWritable(op, self);
        StridedLoop.run(self, new Tensor[] {self}, false,
                (in, off, st, o, oOff, n) -> ElementwiseKernels.unary(f, in[0], off[0], o, oOff, n));
        self.storage.bump();
        return self;
    }

    /** {@code self += alpha * other}. */
    static Tensor addScaledInPlace(String op, Tensor self, Tensor other, float alpha) {
        checkWritable(op, self);
        checkBroadcastsTo(op, other, self);
        StridedLoop.run(self, new Tensor[] {self, other}, false, (in, off, st, o, oOff, n) -> {
            copyRow(in[0], off[0], o, oOff, n);
            ElementwiseKernels.addScaled(o, oOff, in[1], off[1], alpha, n);
        });
        self.storage.bump();
        return self;
    }

    /** {@code self += value * t1 * t2}. */
    static Tensor addcmulInPlace(Tensor self, Tensor t1, Tensor t2, float value) {
        String op = "addcmulInPlace";
        checkWritable(op, self);
        checkBroadcastsTo(op, t1, self);
        checkBroadcastsTo(op, t2, self);
        StridedLoop.run(self, new Tensor[] {self, t1, t2}, false, (in, off, st, o, oOff, n) -> {
            copyRow(in[0], off[0], o, oOff, n);
            ElementwiseKernels.addcmul(o, oOff, in[1], off[1], in[2], off[2], value, n);
        });
        self.storage.bump();
        return self;
    }

    /** {@code self += value * t1 / t2}. */
    static Tensor addcdivInPlace(Tensor self, Tensor t1, Tensor t2, float value) {
        String op = "addcdivInPlace";
        checkWritable(op, self);
        checkBroadcastsTo(op, t1, self);
        checkBroadcastsTo(op, t2, self);
        StridedLoop.run(self, new Tensor[] {self, t1, t2}, false, (in, off, st, o, oOff, n) -> {
            copyRow(in[0], off[0], o, oOff, n);
            ElementwiseKernels.addcdiv(o, oOff, in[1], off[1], in[2], off[2], value, n);
        });
        self.storage.bump();
        return self;
    }

    static Tensor fill(Tensor self, float value) {
        checkWritable("fill", self);
        StridedLoop.run(self, NONE, false, (in, off, st, o, oOff, n) -> ElementwiseKernels.fill(value, o, oOff, n));
        self.storage.bump();
        return self;
    }

    /** {@code self[...] = src} broadcast to self's shape, like {@code copy_}. */
    static Tensor copyInto(Tensor self, Tensor src) {
        String op = "copyFrom";
        checkWritable(op, self);
        checkBroadcastsTo(op, src, self);
        if (src.storage == self.storage && !Arrays.equals(src.strides, self.strides)) {
            src = src.clone(); // a permuted view of itself: read everything before writing anything
        }
        StridedLoop.run(self, new Tensor[] {src}, false, (in, off, st, o, oOff, n) -> copyRow(in[0], off[0], o, oOff, n));
        self.storage.bump();
        return self;
    }

    /**
     * Moves self's current row into the output row when they differ: the output is scratch (to be
     * scattered) when self's innermost stride is not 1.
     */
    private static void copyRow(float[] src, int srcOff, float[] dst, int dstOff, int n) {
        if (src != dst || srcOff != dstOff) {
            System.arraycopy(src, srcOff, dst, dstOff, n);
        }
    }
}
