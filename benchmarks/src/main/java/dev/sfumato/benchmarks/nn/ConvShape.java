package dev.sfumato.benchmarks.nn;

import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One convolution benchmark shape, named compactly so the Java and Python sides can share the list:
 * {@code c3x3_64-64_28} is a 3×3 conv, padding 1, stride 1, 64→64 channels at 28×28;
 * {@code c3x3s2_32-32_28} the same with stride 2; {@code t4x4s2_64-64_7} a 4×4 stride-2 transposed conv,
 * padding 1, 7×7 → 14×14. Batch is separate.
 */
public record ConvShape(String name, boolean transposed, int k, int stride, int cIn, int cOut, int hw) {

    private static final Pattern GRAMMAR = Pattern.compile("([ct])(\\d+)x\\2(?:s(\\d+))?_(\\d+)-(\\d+)_(\\d+)");

    /** The U-Net shapes of the nn issue: 3×3 convs at 28, 14 and 7, stride-2 downsampling, the 4×4 transposed conv. */
    public static final List<String> DEFAULT = List.of(
            "c3x3_1-32_28", "c3x3_32-32_28", "c3x3_32-64_28", "c3x3_64-64_28", "c3x3_64-128_28",
            "c3x3_1-32_14", "c3x3_32-32_14", "c3x3_32-64_14", "c3x3_64-64_14", "c3x3_64-128_14",
            "c3x3_128-128_7", "c3x3s2_32-32_28", "c3x3s2_64-64_14", "t4x4s2_64-64_7");

    public static ConvShape parse(String name) {
        Matcher m = GRAMMAR.matcher(name.trim());
        if (!m.matches()) {
            throw new IllegalArgumentException("conv shape '" + name + "' does not read as e.g. c3x3_64-64_28, c3x3s2_32-32_28 or t4x4s2_64-64_7");
        }
        int stride = m.group(3) == null ? 1 : Integer.parseInt(m.group(3));
        return new ConvShape(name.trim(), m.group(1).equals("t"), Integer.parseInt(m.group(2)), stride,
                Integer.parseInt(m.group(4)), Integer.parseInt(m.group(5)), Integer.parseInt(m.group(6)));
    }

    /** Padding: 1 for every shape in the list (same-size 3×3 convs; k4 s2 p1 doubles the size). */
    public int padding() {
        return 1;
    }
}
