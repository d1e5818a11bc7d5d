package dev.sfumato.tensor;

import java.util.Locale;

/**
 * {@link Tensor#toString()} in PyTorch's style: nested brackets, aligned columns, 4 decimals (scientific
 * notation when the magnitudes call for it), and a summary with "..." past 1000 elements showing three
 * items at each edge. The shape is appended because views make it easy to lose track of.
 */
final class TensorFormat {

    private static final int THRESHOLD = 1000;
    private static final int EDGE_ITEMS = 3;

    private TensorFormat() {}

    static String format(Tensor t) {
        float[] values = t.toArray();
        boolean summarise = values.length > THRESHOLD;
        // Decide the number style from the values that will be shown.
        double maxAbs = 0;
        double minAbs = Double.POSITIVE_INFINITY;
        boolean allInts = true;
        for (float v : values) {
            if (Float.isFinite(v)) {
                double a = Math.abs(v);
                maxAbs = Math.max(maxAbs, a);
                if (a > 0) {
                    minAbs = Math.min(minAbs, a);
                }
                if (v != Math.rint(v)) {
                    allInts = false;
                }
            }
        }
        boolean sci = maxAbs >= 1e8 || (minAbs < 1e-4 && minAbs > 0) || (minAbs > 0 && maxAbs / minAbs > 1000);
        String style = allInts && !sci ? "int" : sci ? "sci" : "fixed";
        int width = 0;
        for (float v : values) {
            if (Float.isFinite(v)) { // as in torch, nan and inf do not widen the columns
                width = Math.max(width, number(v, style).length());
            }
        }
        StringBuilder sb = new StringBuilder("tensor(");
        if (t.dim() == 0) {
            sb.append(number(values[0], style));
        } else {
            appendDim(sb, t.shape, values, 0, 0, style, width, summarise, "tensor(".length());
        }
        sb.append(", shape=").append(Shape.str(t.shape)).append(')');
        return sb.toString();
    }

    private static int appendDim(StringBuilder sb, int[] shape, float[] v, int dim, int base, String style, int width,
            boolean summarise, int indent) {
        int n = shape[dim];
        int inner = 1;
        for (int d = dim + 1; d < shape.length; d++) {
            inner *= shape[d];
        }
        sb.append('[');
        for (int i = 0; i < n; i++) {
            if (summarise && n > 2 * EDGE_ITEMS && i == EDGE_ITEMS) {
                sb.append(dim == shape.length - 1 ? " ..." : "..."); // torch pads the in-row ellipsis
                i = n - EDGE_ITEMS - 1;
                separator(sb, shape, dim, indent);
                continue;
            }
            if (dim == shape.length - 1) {
                String s = number(v[base + i], style);
                sb.append(" ".repeat(Math.max(0, width - s.length()))).append(s);
            } else {
                appendDim(sb, shape, v, dim + 1, base + i * inner, style, width, summarise, indent);
            }
            if (i < n - 1) {
                separator(sb, shape, dim, indent);
            }
        }
        sb.append(']');
        return base;
    }

    private static void separator(StringBuilder sb, int[] shape, int dim, int indent) {
        if (dim == shape.length - 1) {
            sb.append(", ");
        } else {
            sb.append(',');
            sb.append("\n".repeat(shape.length - 1 - dim));
            sb.append(" ".repeat(indent + dim + 1));
        }
    }

    private static String number(float v, String style) {
        if (Float.isNaN(v)) {
            return "nan";
        }
        if (Float.isInfinite(v)) {
            return v > 0 ? "inf" : "-inf";
        }
        return switch (style) {
            case "int" -> String.format(Locale.ROOT, "%.0f.", v);
            case "sci" -> String.format(Locale.ROOT, "%.4e", v);
            default -> String.format(Locale.ROOT, "%.4f", v);
        };
    }
}
