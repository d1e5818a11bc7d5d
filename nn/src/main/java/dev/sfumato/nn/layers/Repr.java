package dev.sfumato.nn.layers;

import java.math.BigDecimal;

/** Formatting for {@code extraRepr}, so a printed model reads as PyTorch prints it. */
final class Repr {

    private Repr() {}

    /**
     * A double as Python's {@code repr(float)} writes it: the shortest digits that round-trip, positional
     * for decimal exponents −4 to 15 ({@code 0.1}, {@code 2.0}) and scientific outside with a two-digit
     * exponent ({@code 1e-05}).
     */
    static String pyFloat(double v) {
        if (!Double.isFinite(v)) {
            return Double.isNaN(v) ? "nan" : v > 0 ? "inf" : "-inf";
        }
        if (v == 0) {
            return 1 / v < 0 ? "-0.0" : "0.0";
        }
        BigDecimal d = new BigDecimal(Double.toString(v)).stripTrailingZeros(); // Java's shortest round-trip digits
        int exp = d.precision() - d.scale() - 1;                                // exponent of the leading digit
        if (exp < -4 || exp >= 16) {
            String digits = d.unscaledValue().abs().toString();
            String mantissa = digits.length() == 1 ? digits : digits.charAt(0) + "." + digits.substring(1);
            return (v < 0 ? "-" : "") + mantissa + "e" + (exp < 0 ? "-" : "+") + String.format("%02d", Math.abs(exp));
        }
        String plain = d.toPlainString();
        return plain.contains(".") ? plain : plain + ".0";
    }

    /** {@code True} or {@code False}. */
    static String pyBool(boolean b) {
        return b ? "True" : "False";
    }
}
