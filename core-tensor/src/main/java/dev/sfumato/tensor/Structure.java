package dev.sfumato.tensor;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Ops that move elements without computing on them: cat, stack, split, chunk, pad, repeat, flip,
 * indexSelect, gather and scatterAdd, with PyTorch's semantics ({@code torch.cat}, {@code F.pad}, ...).
 *
 * <p>Most of them are written as strided copies between views: the op builds a view of its output (or
 * of its input) whose shape matches the other side, and {@link StridedCopy} moves the data. split and
 * chunk copy nothing; they return narrowed views. The index ops (indexSelect, gather, scatterAdd) take
 * float32 index tensors holding integers, check every index before touching any output, and name the
 * offending value and its position when one is bad.
 */
final class Structure {

    private Structure() {}

    // ---------------------------------------------------------------------------------------------
    // cat, stack
    // ---------------------------------------------------------------------------------------------

    /**
     * {@code torch.cat}: all tensors have the same rank and the same sizes except in {@code dim}. As in
     * PyTorch, 1-D tensors of size 0 are skipped whatever the rank of the others (a legacy rule).
     */
    static Tensor cat(List<Tensor> tensors, int dim) {
        if (tensors.isEmpty()) {
            throw new IllegalArgumentException("cat: expected a non-empty list of tensors");
        }
        // The first tensor that is not a legacy empty 1-D tensor sets the shape.
        int ref = -1;
        for (int i = 0; i < tensors.size(); i++) {
            Tensor t = tensors.get(i);
            if (t.dim() == 0) {
                throw new IllegalArgumentException("cat: tensor " + i + " is a scalar (shape []) and cannot be"
                        + " concatenated; unsqueeze it first");
            }
            if (ref < 0 && !isLegacyEmpty(t)) {
                ref = i;
            }
        }
        if (ref < 0) {
            return Tensor.allocate(new int[] {0}); // only empty 1-D tensors
        }
        int[] refShape = tensors.get(ref).shape;
        int d = Shape.wrapDim("cat", dim, refShape.length);
        long total = 0;
        for (int i = 0; i < tensors.size(); i++) {
            Tensor t = tensors.get(i);
            if (i == ref || isLegacyEmpty(t)) {
                total += i == ref ? refShape[d] : 0;
                continue;
            }
            if (!sameExcept(t.shape, refShape, d)) {
                throw new IllegalArgumentException("cat: tensor " + i + " has shape " + Shape.str(t.shape)
                        + " but expected " + pattern(refShape, d) + " to match tensor " + ref + " "
                        + Shape.str(refShape) + " except in dim " + d);
            }
            total += t.shape[d];
        }
        int[] outShape = refShape.clone();
        outShape[d] = Math.toIntExact(total);
        Tensor out = Tensor.allocateEmpty(outShape);                        // the parts below cover it
        int at = 0;
        for (Tensor t : tensors) {
            if (isLegacyEmpty(t)) {
                continue; // never the reference tensor
            }
            StridedCopy.copy(t, out.narrow(d, at, t.shape[d]));
            at += t.shape[d];
        }
        return out;
    }

    private static boolean isLegacyEmpty(Tensor t) {
        return t.shape.length == 1 && t.shape[0] == 0;
    }

    private static boolean sameExcept(int[] a, int[] b, int except) {
        if (a.length != b.length) {
            return false;
        }
        for (int i = 0; i < a.length; i++) {
            if (i != except && a[i] != b[i]) {
                return false;
            }
        }
        return true;
    }

    /** {@code [3, *, 5]}: the shape with a wildcard at {@code dim}. */
    private static String pattern(int[] shape, int dim) {
        StringBuilder sb = new StringBuilder("[");
        for (int i = 0; i < shape.length; i++) {
            sb.append(i > 0 ? ", " : "").append(i == dim ? "*" : String.valueOf(shape[i]));
        }
        return sb.append(']').toString();
    }

    /** {@code torch.stack}: tensors of one shape joined along a new dim in {@code [-rank-1, rank]}. */
    static Tensor stack(List<Tensor> tensors, int dim) {
        if (tensors.isEmpty()) {
            throw new IllegalArgumentException("stack: expected a non-empty list of tensors");
        }
        int[] s0 = tensors.get(0).shape;
        if (dim < -(s0.length + 1) || dim > s0.length) {
            throw new IllegalArgumentException("stack: dim " + dim + " is out of range for stacking tensors of shape "
                    + Shape.str(s0) + " (expected in [" + (-(s0.length + 1)) + ", " + s0.length + "])");
        }
        int d = dim < 0 ? dim + s0.length + 1 : dim;
        List<Tensor> views = new ArrayList<>(tensors.size());
        for (int i = 0; i < tensors.size(); i++) {
            Tensor t = tensors.get(i);
            if (!Arrays.equals(t.shape, s0)) {
                throw new IllegalArgumentException("stack: tensor " + i + " has shape " + Shape.str(t.shape)
                        + " but tensor 0 has shape " + Shape.str(s0) + "; stack needs equal shapes");
            }
            views.add(t.unsqueeze(d));
        }
        return cat(views, d);
    }

    // ---------------------------------------------------------------------------------------------
    // split, chunk: views
    // ---------------------------------------------------------------------------------------------

    /** Views of {@code splitSize} entries along {@code dim}; the last is smaller when the size does not divide. */
    static List<Tensor> split(Tensor x, int splitSize, int dim) {
        int d = Shape.wrapDim("split", dim, x.dim());
        requireRank("split", x);
        int n = x.shape[d];
        if (splitSize < 0 || (splitSize == 0 && n != 0)) {
            throw new IllegalArgumentException("split: splitSize must be positive (0 only for an empty dim), got "
                    + splitSize + " for dim " + d + " of size " + n + " (shape " + Shape.str(x.shape) + ")");
        }
        if (n == 0) {
            return List.of(x.narrow(d, 0, 0)); // PyTorch returns one empty piece
        }
        int pieces = (n + splitSize - 1) / splitSize;
        List<Tensor> out = new ArrayList<>(pieces);
        for (int p = 0; p < pieces; p++) {
            int start = p * splitSize;
            out.add(x.narrow(d, start, Math.min(splitSize, n - start)));
        }
        return out;
    }

    /** Views with the given sizes along {@code dim}; the sizes must add up to that dim's size. */
    static List<Tensor> split(Tensor x, int[] sizes, int dim) {
        int d = Shape.wrapDim("split", dim, x.dim());
        requireRank("split", x);
        long sum = 0;
        for (int i = 0; i < sizes.length; i++) {
            if (sizes[i] < 0) {
                throw new IllegalArgumentException("split: sizes[" + i + "] = " + sizes[i] + " is negative in "
                        + Arrays.toString(sizes));
            }
            sum += sizes[i];
        }
        if (sum != x.shape[d]) {
            throw new IllegalArgumentException("split: sizes " + Arrays.toString(sizes) + " add up to " + sum
                    + " but dim " + d + " of shape " + Shape.str(x.shape) + " has size " + x.shape[d]);
        }
        List<Tensor> out = new ArrayList<>(sizes.length);
        int start = 0;
        for (int s : sizes) {
            out.add(x.narrow(d, start, s));
            start += s;
        }
        return out;
    }

    /**
     * {@code torch.chunk}: views of {@code ceil(n / chunks)} entries each (the last smaller), which can be
     * fewer than {@code chunks} pieces; an empty dim gives {@code chunks} empty views.
     */
    static List<Tensor> chunk(Tensor x, int chunks, int dim) {
        int d = Shape.wrapDim("chunk", dim, x.dim());
        requireRank("chunk", x);
        if (chunks <= 0) {
            throw new IllegalArgumentException("chunk: chunks must be positive, got " + chunks);
        }
        int n = x.shape[d];
        if (n == 0) {
            int[] sizes = new int[chunks];
            return split(x, sizes, d);
        }
        return split(x, (n + chunks - 1) / chunks, d);
    }

    private static void requireRank(String op, Tensor x) {
        if (x.dim() == 0) {
            throw new IllegalArgumentException(op + ": expects a tensor of rank >= 1, got a scalar (shape [])");
        }
    }

    // ---------------------------------------------------------------------------------------------
    // pad, repeat, flip
    // ---------------------------------------------------------------------------------------------

    /**
     * {@code F.pad(x, pad, mode='constant', value=value)}: {@code pad[2i], pad[2i+1]} are the amounts
     * added before and after dim {@code rank-1-i}; negative amounts crop.
     */
    static Tensor pad(Tensor x, int[] pad, float value) {
        int rank = x.dim();
        if (pad.length % 2 != 0 || pad.length > 2 * rank) {
            throw new IllegalArgumentException("pad: pad " + Arrays.toString(pad) + " must have an even length of at"
                    + " most 2 * rank = " + (2 * rank) + " for shape " + Shape.str(x.shape));
        }
        int[] outShape = x.shape.clone();
        for (int i = 0; i < pad.length / 2; i++) {
            int d = rank - 1 - i;
            long crop = (long) Math.max(0, -pad[2 * i]) + Math.max(0, -pad[2 * i + 1]);
            if (crop > x.shape[d]) {
                // PyTorch refuses this too, even when the positive side would make up the difference.
                throw new IllegalArgumentException("pad: negative padding (" + pad[2 * i] + ", " + pad[2 * i + 1]
                        + ") crops " + crop + " entries from dim " + d + " of size " + x.shape[d] + " (shape "
                        + Shape.str(x.shape) + ", pad " + Arrays.toString(pad) + ")");
            }
            outShape[d] = Math.toIntExact((long) x.shape[d] + pad[2 * i] + pad[2 * i + 1]);
        }
        Tensor out = Tensor.allocate(outShape);
        if (value != 0f) {
            Arrays.fill(out.data(), value);
        }
        // Copy the part of x that survives cropping into the part of out that is not padding.
        Tensor src = x;
        Tensor dst = out;
        for (int i = 0; i < pad.length / 2; i++) {
            int d = rank - 1 - i;
            int before = pad[2 * i];
            int after = pad[2 * i + 1];
            int cropBefore = Math.max(0, -before);
            int cropAfter = Math.max(0, -after);
            int kept = x.shape[d] - cropBefore - cropAfter;
            src = src.narrow(d, cropBefore, kept);
            dst = dst.narrow(d, Math.max(0, before), kept);
        }
        StridedCopy.copy(src, dst);
        return out;
    }

    /**
     * {@code x.repeat(*repeats)}: tiles x {@code repeats[d]} times along each dim; extra leading repeats add
     * new dims. Written as one strided copy: the output, seen as {@code [r0, s0, r1, s1, ...]}, receives
     * x seen with stride 0 on every {@code r} dim.
     */
    static Tensor repeat(Tensor x, int[] repeats) {
        if (repeats.length < x.dim()) {
            throw new IllegalArgumentException("repeat: the number of repeats " + Arrays.toString(repeats)
                    + " cannot be smaller than the rank of shape " + Shape.str(x.shape));
        }
        for (int i = 0; i < repeats.length; i++) {
            if (repeats[i] < 0) {
                throw new IllegalArgumentException("repeat: repeats[" + i + "] = " + repeats[i] + " is negative in "
                        + Arrays.toString(repeats));
            }
        }
        int r = repeats.length;
        int lead = r - x.dim();
        int[] inShape = new int[r];
        int[] inStrides = new int[r];
        int[] outShape = new int[r];
        for (int i = 0; i < r; i++) {
            inShape[i] = i < lead ? 1 : x.shape[i - lead];
            inStrides[i] = i < lead ? 0 : x.strides[i - lead];
            outShape[i] = Math.multiplyExact(inShape[i], repeats[i]);
        }
        Tensor out = Tensor.allocate(outShape);
        if (out.numel() == 0) {
            return out;
        }
        int[] outStrides = out.strides;
        int[] pairShape = new int[2 * r];
        int[] dstStrides = new int[2 * r];
        int[] srcStrides = new int[2 * r];
        for (int i = 0; i < r; i++) {
            pairShape[2 * i] = repeats[i];
            pairShape[2 * i + 1] = inShape[i];
            dstStrides[2 * i] = inShape[i] * outStrides[i];
            dstStrides[2 * i + 1] = outStrides[i];
            srcStrides[2 * i] = 0;
            srcStrides[2 * i + 1] = inStrides[i];
        }
        Tensor src = new Tensor(x.storage, pairShape, srcStrides, x.offset);
        Tensor dst = new Tensor(out.storage, pairShape, dstStrides, 0);
        StridedCopy.copy(src, dst);
        return out;
    }

    /** {@code torch.flip}: a copy with the order reversed along each of {@code dims}. */
    static Tensor flip(Tensor x, int[] dims) {
        if (dims.length == 0 || x.dim() == 0) {
            if (x.dim() == 0) {
                Shape.wrapDims("flip", dims, 0); // validates the dims a scalar accepts
            }
            return x.clone();
        }
        int[] ds = Shape.wrapDims("flip", dims, x.dim());
        // A reversed view (negative strides, never returned) copied into a fresh tensor.
        int[] st = x.strides.clone();
        int off = x.offset;
        for (int d : ds) {
            if (x.shape[d] > 1) {
                off += (x.shape[d] - 1) * st[d];
                st[d] = -st[d];
            }
        }
        Tensor reversed = new Tensor(x.storage, x.shape, st, off);
        Tensor out = Tensor.allocate(x.shape);
        StridedCopy.copy(reversed, out);
        return out;
    }

    // ---------------------------------------------------------------------------------------------
    // indexSelect, gather, scatterAdd
    // ---------------------------------------------------------------------------------------------

    /** {@code torch.index_select}: {@code out} is x with dim {@code dim} replaced by the entries {@code index[i]}. */
    static Tensor indexSelect(Tensor x, int dim, Tensor index) {
        requireRank("indexSelect", x);
        int d = Shape.wrapDim("indexSelect", dim, x.dim());
        if (index.dim() > 1) {
            throw new IllegalArgumentException("indexSelect: index must be 1-D, got shape " + Shape.str(index.shape));
        }
        int[] idx = indices("indexSelect", index, x.shape[d], d, x.shape);
        int[] outShape = x.shape.clone();
        outShape[d] = idx.length;
        Tensor out = Tensor.allocate(outShape);
        for (int i = 0; i < idx.length; i++) {
            StridedCopy.copy(x.select(d, idx[i]), out.select(d, i));
        }
        return out;
    }

    /**
     * Reads a float index tensor as ints in {@code [0, size)}, in row-major order, naming the first bad
     * value and its position.
     */
    private static int[] indices(String op, Tensor index, int size, int dim, int[] xShape) {
        float[] v = index.toArray();
        int[] out = new int[v.length];
        for (int i = 0; i < v.length; i++) {
            float f = v[i];
            if (f != Math.rint(f) || Float.isInfinite(f)) {
                throw new IllegalArgumentException(op + ": index " + f + " at " + position(index.shape, i)
                        + " is not an integer");
            }
            if (f < 0 || f >= size) {
                throw new IndexOutOfBoundsException(op + ": index " + (long) f + " at " + position(index.shape, i)
                        + " is out of range for dim " + dim + " of size " + size + " (shape " + Shape.str(xShape) + ")");
            }
            out[i] = (int) f;
        }
        return out;
    }

    /** The multi-index of row-major element {@code flat}, as {@code [1, 2]}. */
    private static String position(int[] shape, int flat) {
        int[] pos = new int[shape.length];
        for (int d = shape.length - 1; d >= 0; d--) {
            pos[d] = flat % shape[d];
            flat /= shape[d];
        }
        return Arrays.toString(pos);
    }

    /**
     * {@code torch.gather}: {@code out[i][j][k] = x[index[i][j][k]][j][k]} for dim 0, and likewise for the
     * other dims. {@code index} has x's rank and no larger size than x outside {@code dim}; out has its shape.
     */
    static Tensor gather(Tensor x, int dim, Tensor index) {
        int rank = x.dim();
        int d = Shape.wrapDim("gather", dim, rank);
        checkIndexShape("gather", x, d, index, null);
        int[] idx = indices("gather", index, rank == 0 ? 1 : x.shape[d], d, x.shape);
        Tensor out = Tensor.allocate(index.shape);
        float[] xd = x.data();
        float[] od = out.data();
        int dimStride = rank == 0 ? 0 : x.strides[d];
        // Odometer over index's shape: xOff addresses x at the same position, with the dim coordinate 0.
        int[] pos = new int[rank];
        int xOff = x.offset;
        for (int i = 0; i < idx.length; i++) {
            od[i] = xd[xOff + idx[i] * dimStride];
            for (int k = rank - 1; k >= 0; k--) {
                int step = k == d ? 0 : x.strides[k];
                if (++pos[k] < index.shape[k]) {
                    xOff += step;
                    break;
                }
                xOff -= (index.shape[k] - 1) * step;
                pos[k] = 0;
            }
        }
        return out;
    }

    /**
     * {@code torch.scatter_add}: {@code out[index[i][j]][j] += src[i][j]} for dim 0, and likewise, starting
     * from a copy of x ({@code inPlace == false}) or from x itself. Additions run in row-major order of
     * {@code index}, so duplicate indices sum in a fixed order.
     */
    static Tensor scatterAdd(Tensor x, int dim, Tensor index, Tensor src, boolean inPlace) {
        String op = inPlace ? "scatterAddInPlace" : "scatterAdd";
        int rank = x.dim();
        int d = Shape.wrapDim(op, dim, rank);
        checkIndexShape(op, x, d, index, src);
        if (inPlace) {
            for (int k = 0; k < rank; k++) {
                if (x.strides[k] == 0 && x.shape[k] > 1) {
                    throw new IllegalArgumentException(op + ": cannot write into a tensor whose elements overlap"
                            + " (dim " + k + " has stride 0, shape " + Shape.str(x.shape) + "); clone() it first");
                }
            }
        }
        int[] idx = indices(op, index, rank == 0 ? 1 : x.shape[d], d, x.shape); // all checked before any write
        Tensor out = inPlace ? x : x.clone();
        float[] od = out.data();
        float[] sd = src.data();
        int dimStride = rank == 0 ? 0 : out.strides[d];
        int[] pos = new int[rank];
        int oOff = out.offset;
        int sOff = src.offset;
        for (int i = 0; i < idx.length; i++) {
            od[oOff + idx[i] * dimStride] += sd[sOff];
            for (int k = rank - 1; k >= 0; k--) {
                int oStep = k == d ? 0 : out.strides[k];
                int sStep = src.strides[k];
                if (++pos[k] < index.shape[k]) {
                    oOff += oStep;
                    sOff += sStep;
                    break;
                }
                oOff -= (index.shape[k] - 1) * oStep;
                sOff -= (index.shape[k] - 1) * sStep;
                pos[k] = 0;
            }
        }
        if (inPlace) {
            x.storage.bump();
        }
        return out;
    }

    /** gather/scatterAdd shape rules: same rank; index no larger than x outside dim and than src anywhere. */
    private static void checkIndexShape(String op, Tensor x, int d, Tensor index, Tensor src) {
        int rank = x.dim();
        if (index.dim() != rank || (src != null && src.dim() != rank)) {
            throw new IllegalArgumentException(op + ": index" + (src != null ? " and src" : "") + " must have the rank"
                    + " of x: x " + Shape.str(x.shape) + ", index " + Shape.str(index.shape)
                    + (src != null ? ", src " + Shape.str(src.shape) : ""));
        }
        for (int k = 0; k < rank; k++) {
            if (k != d && index.shape[k] > x.shape[k]) {
                throw new IllegalArgumentException(op + ": index shape " + Shape.str(index.shape) + " is larger than x"
                        + " shape " + Shape.str(x.shape) + " in dim " + k + " (only dim " + d + " may differ)");
            }
            if (src != null && index.shape[k] > src.shape[k]) {
                throw new IllegalArgumentException(op + ": index shape " + Shape.str(index.shape) + " is larger than src"
                        + " shape " + Shape.str(src.shape) + " in dim " + k);
            }
        }
    }
}
