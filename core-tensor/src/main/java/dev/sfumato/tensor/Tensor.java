package dev.sfumato.tensor;

import java.util.Arrays;
import java.util.List;

/**
 * An N-dimensional float32 array: a {@link Storage} plus a shape, strides and an offset.
 *
 * <p>Element {@code [i0, ..., i(r-1)]} lives at {@code data[offset + sum_d i_d * strides[d]]}. Views
 * (reshape, permute, narrow, select, expand, ...) share the storage and only change shape, strides and
 * offset; {@link #contiguous()} copies only when the layout is not already row-major. Ops return new
 * tensors; methods named {@code ...InPlace} write into this tensor and bump the storage's version counter.
 *
 * <p>Conventions follow PyTorch: negative dims count from the end, reductions take {@code keepdim},
 * binary ops broadcast as NumPy does, and index arguments (indexSelect, gather, argmax results) are
 * float32 tensors holding integers (exact up to 2^24) because Sfumato has one dtype.
 *
 * <p>Shape letters used throughout the docs: N batch, C channels, H height, W width, T timesteps.
 */
public final class Tensor {

    final Storage storage;
    final int[] shape;
    final int[] strides;
    final int offset;

    Tensor(Storage storage, int[] shape, int[] strides, int offset) {
        this.storage = storage;
        this.shape = shape;
        this.strides = strides;
        this.offset = offset;
    }

    /** A fresh contiguous tensor of this shape filled with zeros (its array possibly recycled: {@link Recycler}). */
    static Tensor allocate(int[] shape) {
        return new Tensor(Recycler.storage(Shape.numel(shape), true), shape.clone(), Shape.contiguousStrides(shape), 0);
    }

    /** A fresh contiguous tensor whose elements are unspecified, for an op that writes all of them. */
    static Tensor allocateEmpty(int[] shape) {
        return new Tensor(Recycler.storage(Shape.numel(shape), false), shape.clone(), Shape.contiguousStrides(shape), 0);
    }

    // ---------------------------------------------------------------------------------------------
    // Creation
    // ---------------------------------------------------------------------------------------------

    /**
     * A tensor of the given shape whose elements are unspecified, like {@code torch.empty}: for an output that
     * its op writes in full before anything reads it. Its array may be one that {@link Recycler} took back,
     * still holding old values (tests fill those with NaN).
     */
    public static Tensor empty(int... shape) {
        return allocateEmpty(Shape.checked("empty", shape));
    }

    /** Zeros of the given shape, like {@code torch.zeros}. */
    public static Tensor zeros(int... shape) {
        return allocate(Shape.checked("zeros", shape));
    }

    /** Ones of the given shape. */
    public static Tensor ones(int... shape) {
        return full(1f, shape);
    }

    /** A tensor filled with {@code value}. */
    public static Tensor full(float value, int... shape) {
        Tensor t = allocateEmpty(Shape.checked("full", shape));
        Arrays.fill(t.data(), value);
        return t;
    }

    /** Zeros with the shape of {@code like}. */
    public static Tensor zerosLike(Tensor like) {
        return allocate(like.shape);
    }

    /** Ones with the shape of {@code like}. */
    public static Tensor onesLike(Tensor like) {
        return ones(like.shape);
    }

    /** A scalar (rank-0) tensor. */
    public static Tensor scalar(float value) {
        Tensor t = allocate(new int[0]);
        t.data()[0] = value;
        return t;
    }

    /** {@code [0, 1, ..., end-1]}. */
    public static Tensor arange(int end) {
        return arange(0, end, 1);
    }

    /** {@code [start, start+step, ...)} up to but excluding {@code end}, like {@code torch.arange}. */
    public static Tensor arange(float start, float end, float step) {
        if (step == 0 || Float.isNaN(step)) {
            throw new IllegalArgumentException("arange: step must be non-zero, got " + step);
        }
        double n = Math.ceil(((double) end - start) / step);
        if (n < 0) {
            throw new IllegalArgumentException("arange: end " + end + " cannot be reached from start " + start
                    + " with step " + step);
        }
        Tensor t = allocate(new int[] {(int) n});
        for (int i = 0; i < n; i++) {
            t.data()[i] = (float) (start + (double) i * step);
        }
        return t;
    }

    /** {@code steps} evenly spaced values from {@code start} to {@code end} inclusive. */
    public static Tensor linspace(float start, float end, int steps) {
        if (steps < 0) {
            throw new IllegalArgumentException("linspace: steps must be >= 0, got " + steps);
        }
        Tensor t = allocate(new int[] {steps});
        double step = steps > 1 ? ((double) end - start) / (steps - 1) : 0;
        // Like PyTorch: the first half counts up from start, the second half down from end (exact ends).
        int half = steps / 2;
        for (int i = 0; i < steps; i++) {
            t.data()[i] = (float) (i < half ? start + step * i : end - step * (steps - 1 - i));
        }
        return t;
    }

    /** The n×n identity. */
    public static Tensor eye(int n) {
        return eye(n, n);
    }

    /** The n×m matrix with ones on the diagonal. */
    public static Tensor eye(int n, int m) {
        Tensor t = zeros(n, m);
        for (int i = 0; i < Math.min(n, m); i++) {
            t.data()[i * m + i] = 1f;
        }
        return t;
    }

    /** A 1-D tensor holding a copy of {@code values}. */
    public static Tensor of(float... values) {
        return fromArray(values, values.length);
    }

    /** A 2-D tensor from a rectangular array (copied). */
    public static Tensor of(float[][] rows) {
        int n = rows.length;
        int m = n == 0 ? 0 : rows[0].length;
        Tensor t = allocate(new int[] {n, m});
        for (int i = 0; i < n; i++) {
            if (rows[i].length != m) {
                throw new IllegalArgumentException("of: row " + i + " has length " + rows[i].length + ", expected " + m);
            }
            System.arraycopy(rows[i], 0, t.data(), i * m, m);
        }
        return t;
    }

    /** A tensor of the given shape holding a copy of {@code data} in row-major order. */
    public static Tensor fromArray(float[] data, int... shape) {
        return wrap(data.clone(), shape);
    }

    /** A contiguous tensor that uses {@code data} as its storage, without copying. */
    public static Tensor wrap(float[] data, int... shape) {
        int n = Shape.numel(Shape.checked("wrap", shape));
        if (n != data.length) {
            throw new IllegalArgumentException("wrap: shape " + Shape.str(shape) + " needs " + n
                    + " elements but the array has " + data.length);
        }
        Recycler.escape(data); // the array now has two storages; a recycler scope must let go of it
        return new Tensor(new Storage(data), shape.clone(), Shape.contiguousStrides(shape), 0);
    }

    /** Uniform values in [0, 1) from the global generator, like {@code torch.rand}. */
    public static Tensor rand(int... shape) {
        return rand(Generator.global(), shape);
    }

    /** Uniform values in [0, 1) from {@code g}. */
    public static Tensor rand(Generator g, int... shape) {
        Tensor t = allocateEmpty(Shape.checked("rand", shape));
        long key = g.nextStreamKey();
        float[] d = t.data();
        fillParallel(d.length, (from, to) -> {
            for (int i = from; i < to; i++) {
                d[i] = Generator.uniform(key, i);
            }
        });
        return t;
    }

    /**
     * The mask of inverted dropout: {@code 1/(1 − p)} where the uniform draw of {@link #rand(Generator, int...)}
     * with the same generator state is at least {@code p}, else 0; so it equals
     * {@code rand(g, shape).ge(p).mul(1/(1 − p))} bit for bit, in one pass and one array instead of three.
     *
     * @throws IllegalArgumentException unless 0 <= p < 1
     */
    public static Tensor dropoutMask(Generator g, double p, int... shape) {
        if (!(p >= 0 && p < 1)) {
            throw new IllegalArgumentException("dropoutMask: probability has to be in [0, 1), but got " + p);
        }
        Tensor t = allocateEmpty(Shape.checked("dropoutMask", shape));
        long key = g.nextStreamKey();
        float[] d = t.data();
        long least = DropoutMask.least(p);
        float scale = DropoutMask.scale(p);
        fillParallel(d.length, (from, to) -> {
            for (int i = from; i < to; i++) {
                d[i] = DropoutMask.keep(key, i, least) * scale;
            }
        });
        return t;
    }

    /**
     * {@code x · dropoutMask(g, p, x.shape())} for the mask that stream {@code key} gives (the key that mask would
     * have drawn with {@code g.nextStreamKey()}), computed without materialising the mask: the same floats as the
     * product. Element i of the mask is element i of x in row-major order. Dropout's forward and backward both use
     * it, so the mask is regenerated rather than stored.
     */
    public static Tensor dropoutScale(Tensor x, long key, double p) {
        if (!(p >= 0 && p < 1)) {
            throw new IllegalArgumentException("dropoutScale: probability has to be in [0, 1), but got " + p);
        }
        Tensor xc = x.contiguous();
        Tensor t = allocateEmpty(x.shape);
        float[] xs = xc.data();
        int xo = xc.offset;
        float[] d = t.data();
        long least = DropoutMask.least(p);
        float scale = DropoutMask.scale(p);
        // x · mask_i, as mul would compute it
        fillParallel(d.length, (from, to) -> DropoutMask.apply(xs, xo, d, from, to, key, least, scale));
        return t;
    }

    /** Standard normal values from the global generator, like {@code torch.randn}. */
    public static Tensor randn(int... shape) {
        return randn(Generator.global(), shape);
    }

    /** Standard normal values from {@code g}. */
    public static Tensor randn(Generator g, int... shape) {
        Tensor t = allocateEmpty(Shape.checked("randn", shape));
        long key = g.nextStreamKey();
        float[] d = t.data();
        fillParallel(d.length, (from, to) -> {
            for (int i = from; i < to; i++) {
                d[i] = Generator.normal(key, i);
            }
        });
        return t;
    }

    /** Standard normal values shaped like {@code like}. */
    public static Tensor randnLike(Generator g, Tensor like) {
        return randn(g, like.shape);
    }

    /** Integers uniform in [low, high) (as floats), like {@code torch.randint(low, high, size)}. */
    public static Tensor randint(int low, int high, int... shape) {
        return randint(Generator.global(), low, high, shape);
    }

    /** Integers uniform in [low, high) from {@code g}. */
    public static Tensor randint(Generator g, int low, int high, int... shape) {
        if (high <= low) {
            throw new IllegalArgumentException("randint: high (" + high + ") must be greater than low (" + low + ")");
        }
        Tensor t = allocateEmpty(Shape.checked("randint", shape));
        long key = g.nextStreamKey();
        long range = (long) high - low;
        float[] d = t.data();
        fillParallel(d.length, (from, to) -> {
            for (int i = from; i < to; i++) {
                d[i] = (float) (low + (long) (Generator.uniformDouble(key, i) * range));
            }
        });
        return t;
    }

    private static final int FILL_GRAIN = 1 << 15;

    private static void fillParallel(int n, Parallel.RangeBody body) {
        Parallel.forRuns(n, 1, FILL_GRAIN, body);
    }

    // ---------------------------------------------------------------------------------------------
    // Metadata and element access
    // ---------------------------------------------------------------------------------------------

    /** The sizes, as a copy. */
    public int[] shape() {
        return shape.clone();
    }

    /** Size of one dim (negative dims count from the end). */
    public int size(int dim) {
        return shape[Shape.wrapDim("size", dim, shape.length)];
    }

    /** The rank (number of dims). */
    public int dim() {
        return shape.length;
    }

    /** The number of elements. */
    public int numel() {
        return Shape.numel(shape);
    }

    /** The strides in elements, as a copy. */
    public int[] strides() {
        return strides.clone();
    }

    /** Stride of one dim. */
    public int stride(int dim) {
        return strides[Shape.wrapDim("stride", dim, shape.length)];
    }

    /** Offset of element [0, ..., 0] in the storage array. */
    public int offset() {
        return offset;
    }

    /** The storage this tensor views. */
    public Storage storage() {
        return storage;
    }

    /**
     * The raw storage array, for kernels in other modules (conv, attention) that index it with
     * {@link #offset()} and {@link #strides()}. Writing to it bypasses the version counter; call
     * {@link #markModified()} afterwards.
     */
    public float[] data() {
        float[] d = storage.data;
        if (d == null) {
            // Every op reads through here, so a recycled tensor fails on use instead of showing another's values.
            throw new IllegalStateException("this tensor " + Shape.str(shape) + " was recycled (allocated inside a"
                    + " Recycler scope that has closed, or saved for a backward in that scope that is done with it);"
                    + " keep it with Scope.keep to use it afterwards");
        }
        return d;
    }

    /** Bumps the version counter after a write through {@link #data()}. */
    public void markModified() {
        storage.bump();
    }

    /** The version counter of the storage (see {@link Storage#version()}). */
    public int version() {
        return storage.version();
    }

    /** True when the layout is row-major with no gaps (sizes-1 dims are ignored; empty tensors are contiguous). */
    public boolean isContiguous() {
        if (numel() == 0) {
            return true; // as in PyTorch: there is no element to be out of place
        }
        int expected = 1;
        for (int d = shape.length - 1; d >= 0; d--) {
            if (shape[d] != 1) {
                if (strides[d] != expected) {
                    return false;
                }
                expected *= shape[d];
            }
        }
        return true;
    }

    /** True when both tensors view the same storage. */
    public boolean sharesStorageWith(Tensor other) {
        return storage == other.storage;
    }

    private int flatIndex(String op, int[] index) {
        if (index.length != shape.length) {
            throw new IllegalArgumentException(op + ": expected " + shape.length + " indices for shape "
                    + Shape.str(shape) + ", got " + index.length);
        }
        int p = offset;
        for (int d = 0; d < shape.length; d++) {
            int i = index[d] < 0 ? index[d] + shape[d] : index[d];
            if (i < 0 || i >= shape[d]) {
                throw new IndexOutOfBoundsException(op + ": index " + index[d] + " is out of bounds for dim " + d
                        + " with size " + shape[d] + " (shape " + Shape.str(shape) + ")");
            }
            p += i * strides[d];
        }
        return p;
    }

    /** The element at {@code index} (negative indices count from the end). */
    public float get(int... index) {
        return data()[flatIndex("get", index)];
    }

    /** Writes one element in place. */
    public void set(float value, int... index) {
        data()[flatIndex("set", index)] = value;
        storage.bump();
    }

    /** The value of a one-element tensor, like {@code tensor.item()}. */
    public float item() {
        if (numel() != 1) {
            throw new IllegalArgumentException("item: only a one-element tensor can be converted to a float, shape is "
                    + Shape.str(shape));
        }
        return data()[offset];
    }

    /** A copy of the values in row-major order. */
    public float[] toArray() {
        if (numel() == 0) {
            return new float[0]; // an empty view may have an offset past the end of its storage
        }
        Tensor c = contiguous();
        if (c == this && offset == 0 && data().length == numel()) {
            return data().clone();
        }
        return Arrays.copyOfRange(c.data(), c.offset, c.offset + c.numel());
    }

    // ---------------------------------------------------------------------------------------------
    // Views: no copy, shared storage
    // ---------------------------------------------------------------------------------------------

    /** Resolves one -1 in a requested shape against {@code numel}. */
    private int[] inferShape(String op, int[] requested) {
        int[] out = requested.clone();
        int infer = -1;
        long known = 1;
        for (int i = 0; i < out.length; i++) {
            if (out[i] == -1) {
                if (infer >= 0) {
                    throw new IllegalArgumentException(op + ": only one dim can be -1, got " + Arrays.toString(requested));
                }
                infer = i;
            } else if (out[i] < 0) {
                throw new IllegalArgumentException(op + ": invalid size " + out[i] + " in " + Arrays.toString(requested));
            } else {
                known *= out[i];
            }
        }
        int n = numel();
        if (infer >= 0) {
            if (known == 0 || n % known != 0) {
                throw new IllegalArgumentException(op + ": shape " + Arrays.toString(requested)
                        + " is invalid for input of size " + n + " (shape " + Shape.str(shape) + ")");
            }
            out[infer] = (int) (n / known);
        } else if (known != n) {
            throw new IllegalArgumentException(op + ": shape " + Arrays.toString(requested)
                    + " is invalid for input of size " + n + " (shape " + Shape.str(shape) + ")");
        }
        return out;
    }

    /**
     * Strides that let {@code newShape} view this tensor's elements in the same order, or null when no
     * such strides exist. This is PyTorch's {@code computeStride}: dims of the old shape that are
     * contiguous with each other form chunks, and each chunk must be split exactly by the new dims.
     */
    private int[] viewStrides(int[] newShape) {
        int[] newStrides = new int[newShape.length];
        if (numel() == 0) {
            return Shape.contiguousStrides(newShape);
        }
        int viewD = newShape.length - 1;
        long chunkBase = shape.length == 0 ? 1 : strides[shape.length - 1];
        long tensorNumel = 1;
        long viewNumel = 1;
        for (int d = shape.length - 1; d >= 0; d--) {
            tensorNumel *= shape[d];
            // A chunk ends where the next-outer dim is not contiguous with this one.
            if (d == 0 || (shape[d - 1] != 1 && strides[d - 1] != tensorNumel * chunkBase)) {
                while (viewD >= 0 && (viewNumel < tensorNumel || newShape[viewD] == 1)) {
                    newStrides[viewD] = (int) (viewNumel * chunkBase);
                    viewNumel *= newShape[viewD];
                    viewD--;
                }
                if (viewNumel != tensorNumel) {
                    return null;
                }
                if (d > 0) {
                    chunkBase = strides[d - 1];
                    tensorNumel = 1;
                    viewNumel = 1;
                }
            }
        }
        if (viewD != -1) {
            // Remaining new dims must all be size 1.
            for (; viewD >= 0; viewD--) {
                if (newShape[viewD] != 1) {
                    return null;
                }
                newStrides[viewD] = 1;
            }
        }
        return newStrides;
    }

    /**
     * A view with a new shape (one size may be -1). Fails when the strides do not allow it; use
     * {@link #reshape} to copy in that case, as in PyTorch.
     */
    public Tensor view(int... newShape) {
        int[] s = inferShape("view", newShape);
        int[] st = viewStrides(s);
        if (st == null) {
            throw new IllegalArgumentException("view: shape " + Shape.str(s) + " is not compatible with the strides "
                    + Shape.str(strides) + " of a tensor of shape " + Shape.str(shape)
                    + " (at least one dim spans non-contiguous memory); use reshape(...) instead");
        }
        return new Tensor(storage, s, st, offset);
    }

    /** A view with a new shape when the strides allow it, otherwise a contiguous copy. */
    public Tensor reshape(int... newShape) {
        int[] s = inferShape("reshape", newShape);
        int[] st = viewStrides(s);
        if (st != null) {
            return new Tensor(storage, s, st, offset);
        }
        return contiguous().view(s);
    }

    /** A view with the dims reordered: result dim i is this tensor's dim {@code dims[i]}. */
    public Tensor permute(int... dims) {
        if (dims.length != shape.length) {
            throw new IllegalArgumentException("permute: expected " + shape.length + " dims for shape "
                    + Shape.str(shape) + ", got " + Arrays.toString(dims));
        }
        int[] s = new int[dims.length];
        int[] st = new int[dims.length];
        boolean[] seen = new boolean[dims.length];
        for (int i = 0; i < dims.length; i++) {
            int d = Shape.wrapDim("permute", dims[i], shape.length);
            if (seen[d]) {
                throw new IllegalArgumentException("permute: dim " + d + " repeats in " + Arrays.toString(dims));
            }
            seen[d] = true;
            s[i] = shape[d];
            st[i] = strides[d];
        }
        return new Tensor(storage, s, st, offset);
    }

    /** A view with two dims swapped. */
    public Tensor transpose(int dim0, int dim1) {
        int a = Shape.wrapDim("transpose", dim0, shape.length);
        int b = Shape.wrapDim("transpose", dim1, shape.length);
        int[] perm = new int[shape.length];
        for (int i = 0; i < perm.length; i++) {
            perm[i] = i;
        }
        perm[a] = b;
        perm[b] = a;
        return permute(perm);
    }

    /** Transpose of a matrix; rank 0 and 1 are returned as they are, like {@code torch.t}. */
    public Tensor t() {
        if (shape.length > 2) {
            throw new IllegalArgumentException("t: expects a tensor of rank <= 2, got shape " + Shape.str(shape)
                    + "; use transpose(dim0, dim1)");
        }
        return shape.length < 2 ? this : transpose(0, 1);
    }

    /** A view of {@code length} entries of {@code dim} starting at {@code start}, like {@code torch.narrow}. */
    public Tensor narrow(int dim, int start, int length) {
        int d = Shape.wrapDim("narrow", dim, shape.length);
        int st = start < 0 ? start + shape[d] : start;
        if (st < 0 || length < 0 || st + length > shape[d]) {
            throw new IllegalArgumentException("narrow: start " + start + " and length " + length
                    + " exceed dim " + d + " of size " + shape[d] + " (shape " + Shape.str(shape) + ")");
        }
        int[] s = shape.clone();
        s[d] = length;
        return new Tensor(storage, s, strides.clone(), offset + st * strides[d]);
    }

    /** {@code x[..., start:end, ...]} along {@code dim} (Python slice semantics, clamped). */
    public Tensor slice(int dim, int start, int end) {
        return slice(dim, start, end, 1);
    }

    /** {@code x[..., start:end:step, ...]} along {@code dim}, with a positive step. */
    public Tensor slice(int dim, int start, int end, int step) {
        int d = Shape.wrapDim("slice", dim, shape.length);
        if (step <= 0) {
            throw new IllegalArgumentException("slice: step must be positive, got " + step);
        }
        int n = shape[d];
        int s0 = Math.max(0, Math.min(n, start < 0 ? start + n : start));
        int e0 = Math.max(s0, Math.min(n, end < 0 ? end + n : end));
        int[] s = shape.clone();
        int[] st = strides.clone();
        s[d] = (e0 - s0 + step - 1) / step;
        st[d] = strides[d] * step;
        return new Tensor(storage, s, st, offset + s0 * strides[d]);
    }

    /** A view with {@code dim} removed, at position {@code index}, like {@code x.select(dim, index)}. */
    public Tensor select(int dim, int index) {
        int d = Shape.wrapDim("select", dim, shape.length);
        if (shape.length == 0) {
            throw new IllegalArgumentException("select: cannot select from a scalar");
        }
        int i = index < 0 ? index + shape[d] : index;
        if (i < 0 || i >= shape[d]) {
            throw new IndexOutOfBoundsException("select: index " + index + " is out of range for dim " + d
                    + " of size " + shape[d] + " (shape " + Shape.str(shape) + ")");
        }
        int[] s = new int[shape.length - 1];
        int[] st = new int[shape.length - 1];
        for (int k = 0, j = 0; k < shape.length; k++) {
            if (k != d) {
                s[j] = shape[k];
                st[j++] = strides[k];
            }
        }
        return new Tensor(storage, s, st, offset + i * strides[d]);
    }

    /**
     * A broadcast view: size-1 dims are repeated with stride 0, and new leading dims may be added. A size
     * of -1 keeps the existing size. Writing to an expanded tensor is an error in PyTorch; here in-place
     * ops refuse tensors with zero strides on dims larger than 1.
     */
    public Tensor expand(int... sizes) {
        if (sizes.length < shape.length) {
            throw new IllegalArgumentException("expand: the number of sizes " + Arrays.toString(sizes)
                    + " must be >= the rank of shape " + Shape.str(shape));
        }
        int lead = sizes.length - shape.length;
        int[] s = new int[sizes.length];
        int[] st = new int[sizes.length];
        for (int i = 0; i < sizes.length; i++) {
            if (i < lead) {
                if (sizes[i] < 0) {
                    throw new IllegalArgumentException("expand: size -1 is not allowed for a new leading dim, got "
                            + Arrays.toString(sizes));
                }
                s[i] = sizes[i];
                st[i] = 0;
            } else {
                int old = shape[i - lead];
                int want = sizes[i] == -1 ? old : sizes[i];
                if (want != old) {
                    if (old != 1) {
                        throw new IllegalArgumentException("expand: shape " + Shape.str(shape) + " cannot be expanded to "
                                + Arrays.toString(sizes) + " (dim " + (i - lead) + " has size " + old + ", not 1)");
                    }
                    st[i] = 0;
                } else {
                    st[i] = strides[i - lead];
                }
                s[i] = want;
            }
        }
        return new Tensor(storage, s, st, offset);
    }

    /** Same as {@link #expand}, named as in NumPy and {@code torch.broadcast_to}. */
    public Tensor broadcastTo(int... sizes) {
        return expand(sizes);
    }

    /** A view without any size-1 dims. */
    public Tensor squeeze() {
        int n = 0;
        for (int s : shape) {
            if (s != 1) {
                n++;
            }
        }
        int[] s = new int[n];
        int[] st = new int[n];
        for (int d = 0, j = 0; d < shape.length; d++) {
            if (shape[d] != 1) {
                s[j] = shape[d];
                st[j++] = strides[d];
            }
        }
        return new Tensor(storage, s, st, offset);
    }

    /** A view without {@code dim}, if its size is 1 (otherwise this tensor, as in PyTorch). */
    public Tensor squeeze(int dim) {
        if (shape.length == 0) {
            Shape.wrapDim("squeeze", dim, 0);
            return this;
        }
        int d = Shape.wrapDim("squeeze", dim, shape.length);
        if (shape[d] != 1) {
            return this;
        }
        int[] s = new int[shape.length - 1];
        int[] st = new int[shape.length - 1];
        for (int k = 0, j = 0; k < shape.length; k++) {
            if (k != d) {
                s[j] = shape[k];
                st[j++] = strides[k];
            }
        }
        return new Tensor(storage, s, st, offset);
    }

    /** A view with a new size-1 dim inserted at {@code dim} (in [-rank-1, rank]). */
    public Tensor unsqueeze(int dim) {
        if (dim < -(shape.length + 1) || dim > shape.length) {
            // wrapDim would report the rank of the result, not of this tensor.
            throw new IllegalArgumentException("unsqueeze: dim " + dim + " is out of range for a tensor of rank "
                    + shape.length + " (expected in [" + (-(shape.length + 1)) + ", " + shape.length + "])");
        }
        int d = dim < 0 ? dim + shape.length + 1 : dim;
        int[] s = new int[shape.length + 1];
        int[] st = new int[shape.length + 1];
        for (int k = 0, j = 0; k < s.length; k++) {
            if (k == d) {
                s[k] = 1;
                st[k] = d < shape.length ? strides[d] * shape[d] : 1;
            } else {
                s[k] = shape[j];
                st[k] = strides[j++];
            }
        }
        return new Tensor(storage, s, st, offset);
    }

    /** All dims merged into one. */
    public Tensor flatten() {
        return reshape(-1);
    }

    /** Dims {@code startDim..endDim} (inclusive) merged into one, like {@code torch.flatten}. */
    public Tensor flatten(int startDim, int endDim) {
        if (shape.length == 0) {
            return reshape(1);
        }
        int a = Shape.wrapDim("flatten", startDim, shape.length);
        int b = Shape.wrapDim("flatten", endDim, shape.length);
        if (a > b) {
            throw new IllegalArgumentException("flatten: startDim " + startDim + " comes after endDim " + endDim);
        }
        int[] s = new int[shape.length - (b - a)];
        int j = 0;
        for (int d = 0; d < a; d++) {
            s[j++] = shape[d];
        }
        int merged = 1;
        for (int d = a; d <= b; d++) {
            merged *= shape[d];
        }
        s[j++] = merged;
        for (int d = b + 1; d < shape.length; d++) {
            s[j++] = shape[d];
        }
        return reshape(s);
    }

    /** This tensor when it is contiguous, otherwise a row-major copy. */
    public Tensor contiguous() {
        return isContiguous() ? this : clone();
    }

    /** A contiguous copy that owns new storage. */
    @Override
    public Tensor clone() {
        Tensor out = allocateEmpty(shape);
        StridedCopy.copy(this, out);
        return out;
    }

    // ---------------------------------------------------------------------------------------------
    // Elementwise ops (broadcasting): see Elementwise
    // ---------------------------------------------------------------------------------------------

    public Tensor add(Tensor other) { return Elementwise.binary("add", this, other, BinaryOp.ADD); }
    public Tensor sub(Tensor other) { return Elementwise.binary("sub", this, other, BinaryOp.SUB); }
    public Tensor mul(Tensor other) { return Elementwise.binary("mul", this, other, BinaryOp.MUL); }
    public Tensor div(Tensor other) { return Elementwise.binary("div", this, other, BinaryOp.DIV); }
    public Tensor pow(Tensor exponent) { return Elementwise.binary("pow", this, exponent, BinaryOp.POW); }
    public Tensor maximum(Tensor other) { return Elementwise.binary("maximum", this, other, BinaryOp.MAXIMUM); }
    public Tensor minimum(Tensor other) { return Elementwise.binary("minimum", this, other, BinaryOp.MINIMUM); }
    public Tensor eq(Tensor other) { return Elementwise.binary("eq", this, other, BinaryOp.EQ); }
    public Tensor ne(Tensor other) { return Elementwise.binary("ne", this, other, BinaryOp.NE); }
    public Tensor lt(Tensor other) { return Elementwise.binary("lt", this, other, BinaryOp.LT); }
    public Tensor le(Tensor other) { return Elementwise.binary("le", this, other, BinaryOp.LE); }
    public Tensor gt(Tensor other) { return Elementwise.binary("gt", this, other, BinaryOp.GT); }
    public Tensor ge(Tensor other) { return Elementwise.binary("ge", this, other, BinaryOp.GE); }

    public Tensor add(float s) { return Elementwise.binaryScalar("add", this, s, BinaryOp.ADD); }
    public Tensor sub(float s) { return Elementwise.binaryScalar("sub", this, s, BinaryOp.SUB); }
    public Tensor mul(float s) { return Elementwise.binaryScalar("mul", this, s, BinaryOp.MUL); }
    public Tensor div(float s) { return Elementwise.binaryScalar("div", this, s, BinaryOp.DIV); }
    public Tensor pow(float exponent) { return Elementwise.binaryScalar("pow", this, exponent, BinaryOp.POW); }
    public Tensor maximum(float s) { return Elementwise.binaryScalar("maximum", this, s, BinaryOp.MAXIMUM); }
    public Tensor minimum(float s) { return Elementwise.binaryScalar("minimum", this, s, BinaryOp.MINIMUM); }
    public Tensor eq(float s) { return Elementwise.binaryScalar("eq", this, s, BinaryOp.EQ); }
    public Tensor ne(float s) { return Elementwise.binaryScalar("ne", this, s, BinaryOp.NE); }
    public Tensor lt(float s) { return Elementwise.binaryScalar("lt", this, s, BinaryOp.LT); }
    public Tensor le(float s) { return Elementwise.binaryScalar("le", this, s, BinaryOp.LE); }
    public Tensor gt(float s) { return Elementwise.binaryScalar("gt", this, s, BinaryOp.GT); }
    public Tensor ge(float s) { return Elementwise.binaryScalar("ge", this, s, BinaryOp.GE); }

    /** {@code s - this}, like {@code torch.rsub}. */
    public Tensor rsub(float s) { return Elementwise.scalarBinary("rsub", s, this, BinaryOp.SUB); }
    /** {@code s / this}. */
    public Tensor rdiv(float s) { return Elementwise.scalarBinary("rdiv", s, this, BinaryOp.DIV); }

    public Tensor neg() { return Elementwise.unary("neg", this, UnaryOp.NEG); }
    public Tensor abs() { return Elementwise.unary("abs", this, UnaryOp.ABS); }
    public Tensor exp() { return Elementwise.unary("exp", this, UnaryOp.EXP); }
    public Tensor log() { return Elementwise.unary("log", this, UnaryOp.LOG); }
    public Tensor sqrt() { return Elementwise.unary("sqrt", this, UnaryOp.SQRT); }
    public Tensor rsqrt() { return Elementwise.unary("rsqrt", this, UnaryOp.RSQRT); }
    public Tensor square() { return Elementwise.unary("square", this, UnaryOp.SQUARE); }
    public Tensor tanh() { return Elementwise.unary("tanh", this, UnaryOp.TANH); }
    public Tensor sigmoid() { return Elementwise.unary("sigmoid", this, UnaryOp.SIGMOID); }
    public Tensor relu() { return Elementwise.unary("relu", this, UnaryOp.RELU); }
    public Tensor silu() { return Elementwise.unary("silu", this, UnaryOp.SILU); }
    /**
     * The gradient of {@link #silu()} at {@code x}: {@code gradOutput·σ(x)·(1 + x·(1 − σ(x)))}, in one pass
     * (ATen's {@code silu_backward(grad_output, self)}). Same shapes only; equal bit for bit to the
     * composite {@code gradOutput.mul(s.mul(x.mul(s.rsub(1f)).add(1f)))} with {@code s = x.sigmoid()}.
     */
    public static Tensor siluBackward(Tensor gradOutput, Tensor x) { return Elementwise.siluBackward(gradOutput, x); }
    /** GELU with the exact erf form, PyTorch's default ({@code approximate='none'}). */
    public Tensor gelu() { return Elementwise.unary("gelu", this, UnaryOp.GELU); }
    public Tensor sin() { return Elementwise.unary("sin", this, UnaryOp.SIN); }
    public Tensor cos() { return Elementwise.unary("cos", this, UnaryOp.COS); }
    /** 1 where positive, -1 where negative, 0 at zero. */
    public Tensor sign() { return Elementwise.unary("sign", this, UnaryOp.SIGN); }

    /** Values limited to {@code [min, max]}, like {@code torch.clamp}. */
    public Tensor clamp(float min, float max) { return Elementwise.clamp("clamp", this, min, max); }

    /** {@code cond != 0 ? a : b}, broadcast over all three, like {@code torch.where}. */
    public static Tensor where(Tensor cond, Tensor a, Tensor b) { return Elementwise.where(cond, a, b); }

    // In-place forms, for optimisers and buffers. `other` broadcasts to this tensor's shape.

    public Tensor addInPlace(Tensor other) { return Elementwise.binaryInPlace("addInPlace", this, other, BinaryOp.ADD); }
    public Tensor subInPlace(Tensor other) { return Elementwise.binaryInPlace("subInPlace", this, other, BinaryOp.SUB); }
    public Tensor mulInPlace(Tensor other) { return Elementwise.binaryInPlace("mulInPlace", this, other, BinaryOp.MUL); }
    public Tensor divInPlace(Tensor other) { return Elementwise.binaryInPlace("divInPlace", this, other, BinaryOp.DIV); }
    public Tensor addInPlace(float s) { return Elementwise.binaryScalarInPlace("addInPlace", this, s, BinaryOp.ADD); }
    public Tensor mulInPlace(float s) { return Elementwise.binaryScalarInPlace("mulInPlace", this, s, BinaryOp.MUL); }
    public Tensor clampInPlace(float min, float max) { return Elementwise.clampInPlace("clampInPlace", this, min, max); }
    /** {@code this += alpha * other}, like {@code add_(other, alpha=alpha)}. */
    public Tensor addInPlace(Tensor other, float alpha) { return Elementwise.addScaledInPlace("addInPlace", this, other, alpha); }
    /** {@code this += value * t1 * t2}, like {@code addcmul_}. */
    public Tensor addcmulInPlace(Tensor t1, Tensor t2, float value) { return Elementwise.addcmulInPlace(this, t1, t2, value); }
    /** {@code this += value * t1 / t2}, like {@code addcdiv_}. */
    public Tensor addcdivInPlace(Tensor t1, Tensor t2, float value) { return Elementwise.addcdivInPlace(this, t1, t2, value); }
    /** Applies a unary op in place. */
    public Tensor applyInPlace(UnaryOp op) { return Elementwise.unaryInPlace("applyInPlace", this, op); }
    /** Fills with one value. */
    public Tensor fill(float value) { return Elementwise.fill(this, value); }
    /** Fills with zeros, like {@code zero_()}. */
    public Tensor zero() { return Elementwise.fill(this, 0f); }
    /** Copies {@code src} (broadcast to this shape) into this tensor, like {@code copy_}. */
    public Tensor copyFrom(Tensor src) { return Elementwise.copyInto(this, src); }

    // ---------------------------------------------------------------------------------------------
    // Reductions: see Reductions
    // ---------------------------------------------------------------------------------------------

    /** Sum of all elements, as a scalar tensor. */
    public Tensor sum() { return Reductions.sum(this, new int[0], false); }
    public Tensor sum(int dim) { return Reductions.sum(this, new int[] {dim}, false); }
    public Tensor sum(int dim, boolean keepdim) { return Reductions.sum(this, new int[] {dim}, keepdim); }
    /** Sum over {@code dims} (empty: all dims). */
    public Tensor sum(int[] dims, boolean keepdim) { return Reductions.sum(this, dims, keepdim); }

    public Tensor mean() { return Reductions.mean(this, new int[0], false); }
    public Tensor mean(int dim) { return Reductions.mean(this, new int[] {dim}, false); }
    public Tensor mean(int dim, boolean keepdim) { return Reductions.mean(this, new int[] {dim}, keepdim); }
    public Tensor mean(int[] dims, boolean keepdim) { return Reductions.mean(this, dims, keepdim); }

    /** Variance over all elements; {@code unbiased} divides by n-1 (Bessel), as {@code torch.var} does by default. */
    public Tensor var(boolean unbiased) { return Reductions.var(this, new int[0], unbiased, false); }
    public Tensor var(int[] dims, boolean unbiased, boolean keepdim) { return Reductions.var(this, dims, unbiased, keepdim); }
    public Tensor std(boolean unbiased) { return Reductions.var(this, new int[0], unbiased, false).sqrt(); }
    public Tensor std(int[] dims, boolean unbiased, boolean keepdim) { return Reductions.var(this, dims, unbiased, keepdim).sqrt(); }

    /** Largest element, as a scalar tensor (NaN if any element is NaN). */
    public Tensor max() { return Reductions.maxAll(this, true); }
    public Tensor min() { return Reductions.maxAll(this, false); }
    /** Largest value along {@code dim}; {@link #argmax(int, boolean)} gives where. */
    public Tensor max(int dim, boolean keepdim) { return Reductions.max(this, dim, keepdim, true); }
    public Tensor min(int dim, boolean keepdim) { return Reductions.max(this, dim, keepdim, false); }
    /** Index of the first largest value along {@code dim}, as float. */
    public Tensor argmax(int dim, boolean keepdim) { return Reductions.argmax(this, dim, keepdim, true); }
    public Tensor argmin(int dim, boolean keepdim) { return Reductions.argmax(this, dim, keepdim, false); }

    /** {@code exp(x - max) / sum(exp(x - max))} along {@code dim}. */
    public Tensor softmax(int dim) { return Reductions.softmax(this, dim, false); }
    /** {@code x - logsumexp(x)} along {@code dim}. */
    public Tensor logSoftmax(int dim) { return Reductions.softmax(this, dim, true); }
    /** {@code max + log(sum(exp(x - max)))} along {@code dim}. */
    public Tensor logsumexp(int dim, boolean keepdim) { return Reductions.logsumexp(this, dim, keepdim); }

    // ---------------------------------------------------------------------------------------------
    // Structure: see Structure
    // ---------------------------------------------------------------------------------------------

    /** Concatenates along an existing dim, like {@code torch.cat}. */
    public static Tensor cat(List<Tensor> tensors, int dim) { return Structure.cat(tensors, dim); }
    /** Stacks along a new dim, like {@code torch.stack}. */
    public static Tensor stack(List<Tensor> tensors, int dim) { return Structure.stack(tensors, dim); }
    /** Views of {@code splitSize} entries along {@code dim} (the last may be smaller). */
    public List<Tensor> split(int splitSize, int dim) { return Structure.split(this, splitSize, dim); }
    /** Views with the given sizes along {@code dim}. */
    public List<Tensor> split(int[] sizes, int dim) { return Structure.split(this, sizes, dim); }
    /** {@code chunks} views of (nearly) equal size along {@code dim}, like {@code torch.chunk}. */
    public List<Tensor> chunk(int chunks, int dim) { return Structure.chunk(this, chunks, dim); }
    /**
     * Constant padding, like {@code F.pad(x, pad, value=value)}: {@code pad} lists (before, after) pairs
     * starting from the last dim. Negative amounts crop.
     */
    public Tensor pad(int[] pad, float value) { return Structure.pad(this, pad, value); }
    /** Tiles the tensor, like {@code x.repeat(*repeats)}. */
    public Tensor repeat(int... repeats) { return Structure.repeat(this, repeats); }
    /** Reverses the order along {@code dims}. */
    public Tensor flip(int... dims) { return Structure.flip(this, dims); }
    /** Entries {@code index[i]} along {@code dim}; {@code index} is 1-D. */
    public Tensor indexSelect(int dim, Tensor index) { return Structure.indexSelect(this, dim, index); }
    /** {@code out[i][j] = x[index[i][j]][j]} for dim 0 (and likewise), like {@code torch.gather}. */
    public Tensor gather(int dim, Tensor index) { return Structure.gather(this, dim, index); }
    /** A copy of this tensor with {@code src} added at {@code index} along {@code dim}, like {@code scatter_add}. */
    public Tensor scatterAdd(int dim, Tensor index, Tensor src) { return Structure.scatterAdd(this, dim, index, src, false); }
    /** In-place form of {@link #scatterAdd}. */
    public Tensor scatterAddInPlace(int dim, Tensor index, Tensor src) { return Structure.scatterAdd(this, dim, index, src, true); }

    // ---------------------------------------------------------------------------------------------
    // Linear algebra
    // ---------------------------------------------------------------------------------------------

    /** Matrix product with {@code torch.matmul} semantics (1-D, 2-D and batched, broadcast batch dims). */
    public Tensor matmul(Tensor other) { return LinearAlgebra.matmul(this, other); }

    // ---------------------------------------------------------------------------------------------
    // Comparison and printing
    // ---------------------------------------------------------------------------------------------

    /** {@code |this - other| <= atol + rtol * |other|} everywhere (after broadcasting), like {@code torch.allclose}. */
    public boolean allClose(Tensor other, float rtol, float atol) {
        int[] s = Shape.broadcast("allClose", shape, other.shape);
        float[] a = expand(s).toArray();
        float[] b = other.expand(s).toArray();
        for (int i = 0; i < a.length; i++) {
            float x = a[i];
            float y = b[i];
            if (x == y) {
                continue; // equal, including matching infinities
            }
            if (Float.isNaN(x) || Float.isNaN(y) || !(Math.abs(x - y) <= atol + rtol * Math.abs(y))) {
                return false;
            }
        }
        return true;
    }

    /** {@link #allClose(Tensor, float, float)} with PyTorch's defaults rtol=1e-5, atol=1e-8. */
    public boolean allClose(Tensor other) {
        return allClose(other, 1e-5f, 1e-8f);
    }

    /** Prints like PyTorch: {@code tensor([[1.0000, 2.0000], ...], shape=[2, 2])}, summarised past 1000 elements. */
    @Override
    public String toString() {
        return TensorFormat.format(this);
    }
}
