package dev.sfumato.autograd.ops;

import dev.sfumato.autograd.Node;
import dev.sfumato.autograd.Variable;
import dev.sfumato.tensor.Shape;
import dev.sfumato.tensor.Tensor;

import java.util.ArrayList;
import java.util.List;

/**
 * Ops that assemble or rearrange whole blocks: cat, stack, pad, repeat and flip. Split and chunk are
 * composites of narrow (see {@link dev.sfumato.autograd.Variable#split}) and need no rule of their own.
 */
public final class Structure {

    private Structure() {}

    private static List<Tensor> values(List<Variable> xs) {
        List<Tensor> out = new ArrayList<>(xs.size());
        for (Variable x : xs) {
            out.add(x.value());
        }
        return out;
    }

    /** {@code z = cat(x_0, ..., x_k) along dim}. dx_i = the slice of dz that x_i filled. Saves nothing. */
    public static final class Cat extends Node {
        private final int dim;

        private Cat(List<Variable> xs, int dim) {
            super("cat", xs.toArray(Variable[]::new));
            this.dim = dim;
        }

        public static Variable apply(List<Variable> xs, int dim) {
            Tensor z = Tensor.cat(values(xs), dim);
            if (!recording(xs)) {
                return new Variable(z);
            }
            return new Cat(xs, Shape.wrapDim("cat", dim, z.dim())).output(z);
        }

        @Override
        protected Tensor[] backward(Tensor g) {
            Tensor[] dx = new Tensor[inputCount()];
            int offset = 0;
            for (int i = 0; i < dx.length; i++) {
                int size = inputShape(i)[dim];
                if (needsInputGrad(i)) {
                    dx[i] = g.narrow(dim, offset, size);
                }
                offset += size;
            }
            return dx;
        }
    }

    /** {@code z = stack(x_0, ..., x_k) along a new dim}. dx_i = dz.select(dim, i). Saves nothing. */
    public static final class Stack extends Node {
        private final int dim;

        private Stack(List<Variable> xs, int dim) {
            super("stack", xs.toArray(Variable[]::new));
            this.dim = dim;
        }

        public static Variable apply(List<Variable> xs, int dim) {
            Tensor z = Tensor.stack(values(xs), dim);
            if (!recording(xs)) {
                return new Variable(z);
            }
            return new Stack(xs, Shape.wrapDim("stack", dim, z.dim())).output(z);
        }

        @Override
        protected Tensor[] backward(Tensor g) {
            Tensor[] dx = new Tensor[inputCount()];
            for (int i = 0; i < dx.length; i++) {
                if (needsInputGrad(i)) {
                    dx[i] = g.select(dim, i);
                }
            }
            return dx;
        }
    }

    /**
     * Constant padding, {@code F.pad(x, pad, value)} ({@code pad} lists (before, after) amounts from the
     * last dim; negative amounts crop). d/dx = 1 on the copied region: dx = dz padded by {@code -pad},
     * which crops the border back off (and re-grows with zeros what forward cropped). Saves nothing.
     */
    public static final class Pad extends Node {
        private final int[] inverse;

        private Pad(Variable x, int[] pad) {
            super("pad", x);
            this.inverse = new int[pad.length];
            for (int i = 0; i < pad.length; i++) {
                inverse[i] = -pad[i];
            }
        }

        public static Variable apply(Variable x, int[] pad, float value) {
            Tensor z = x.value().pad(pad, value);
            return recording(x) ? new Pad(x, pad).output(z) : new Variable(z);
        }

        @Override
        protected Tensor[] backward(Tensor g) {
            return new Tensor[] {g.pad(inverse, 0f)};
        }
    }

    /**
     * {@code z = x.repeat(r_0, ..., r_(k-1))}: tiles. With x viewed as shape s (padded with leading 1s to
     * k dims), z viewed as {@code [r_0, s_0, r_1, s_1, ...]} holds one copy of x per tile index, so
     * dx = dz.reshape([r_0, s_0, ...]).sum(over the r dims). Saves nothing.
     */
    public static final class Repeat extends Node {
        private final int[] tiled;
        private final int[] tileDims;

        private Repeat(Variable x, int[] repeats) {
            super("repeat", x);
            int[] s = inputShape(0);
            int k = repeats.length;
            this.tiled = new int[2 * k];
            this.tileDims = new int[k];
            for (int i = 0; i < k; i++) {
                int si = i < k - s.length ? 1 : s[i - (k - s.length)];
                tiled[2 * i] = repeats[i];
                tiled[2 * i + 1] = si;
                tileDims[i] = 2 * i;
            }
        }

        public static Variable apply(Variable x, int... repeats) {
            Tensor z = x.value().repeat(repeats);
            return recording(x) ? new Repeat(x, repeats).output(z) : new Variable(z);
        }

        @Override
        protected Tensor[] backward(Tensor g) {
            if (tileDims.length == 0) {
                return new Tensor[] {g.reshape(inputShape(0))};
            }
            return new Tensor[] {g.reshape(tiled).sum(tileDims, false).reshape(inputShape(0))};
        }
    }

    /** {@code z = x.flip(dims)}: reversed along dims. dx = dz.flip(dims). Saves nothing. */
    public static final class Flip extends Node {
        private final int[] dims;

        private Flip(Variable x, int[] dims) {
            super("flip", x);
            this.dims = dims.clone();
        }

        public static Variable apply(Variable x, int... dims) {
            Tensor z = x.value().flip(dims);
            return recording(x) ? new Flip(x, dims).output(z) : new Variable(z);
        }

        @Override
        protected Tensor[] backward(Tensor g) {
            return new Tensor[] {g.flip(dims)};
        }
    }
}
