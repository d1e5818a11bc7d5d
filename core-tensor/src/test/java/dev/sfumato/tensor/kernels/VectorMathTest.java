package dev.sfumato.tensor.kernels;

import jdk.incubator.vector.FloatVector;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** VectorMath: vector = scalar twin bit for bit, within 2 ulp of Math, and the same bits in every JIT mode. */
class VectorMathTest {

    private static final float[] SPECIAL = {0f, -0f, 1f, -1f, Float.MIN_VALUE, Float.MIN_NORMAL, 1e-40f, Float.MAX_VALUE,
            -Float.MAX_VALUE, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, Float.NaN, 88.72f, 88.73f, -87.3f, -103f,
            -104f, -104.00001f, -103.99999f, 89f, 89.00001f, 88.99999f, -150f, 0.625f, -0.625f, 0.6249f, 9f, -9f, 20f, 1.4142135f, 0.70710677f, 2f, 0.5f};

    static float[] inputs(long seed, int n) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] x = new float[n + SPECIAL.length];
        for (int i = 0; i < n; i++) {
            // Mix of scales: uniform on a wide log-scale, with sign.
            double mag = Math.exp(r.nextDouble(-90, 5));
            x[i] = (float) (r.nextBoolean() ? mag : -mag);
            if (i % 3 == 0) {
                x[i] = (float) r.nextDouble(-20, 20);
            }
        }
        System.arraycopy(SPECIAL, 0, x, n, SPECIAL.length);
        return x;
    }

    private static float[] vector(String fn, float[] x) {
        int lanes = Kernels.LANES;
        float[] padded = java.util.Arrays.copyOf(x, (x.length + lanes - 1) / lanes * lanes);
        float[] out = new float[padded.length];
        for (int i = 0; i < padded.length; i += lanes) {
            FloatVector v = FloatVector.fromArray(Kernels.F, padded, i);
            (switch (fn) {
                case "exp" -> VectorMath.exp(v);
                case "log" -> VectorMath.log(v);
                default -> VectorMath.tanh(v);
            }).intoArray(out, i);
        }
        return java.util.Arrays.copyOf(out, x.length);
    }

    private static float scalar(String fn, float x) {
        return switch (fn) {
            case "exp" -> VectorMath.exp(x);
            case "log" -> VectorMath.log(x);
            default -> VectorMath.tanh(x);
        };
    }

    private static float exact(String fn, float x) {
        return (float) switch (fn) {
            case "exp" -> Math.exp(x);
            case "log" -> Math.log(x);
            default -> Math.tanh(x);
        };
    }

    @Property(tries = 30)
    void vectorEqualsScalarTwinAndMathWithinTwoUlp(@ForAll long seed) {
        float[] x = inputs(seed, 2000);
        for (String fn : new String[] {"exp", "log", "tanh"}) {
            float[] v = vector(fn, x);
            for (int i = 0; i < x.length; i++) {
                float s = scalar(fn, x[i]);
                assertEquals(Float.floatToIntBits(s), Float.floatToIntBits(v[i]),
                        fn + "(" + x[i] + "): vector " + v[i] + " vs scalar twin " + s);
                float e = exact(fn, x[i]);
                if (Float.isNaN(e) || Float.isInfinite(e) || e == 0f) {
                    assertEquals(Float.floatToIntBits(e) == Float.floatToIntBits(-0f) ? 0 : Float.floatToIntBits(e),
                            Float.floatToIntBits(s) == Float.floatToIntBits(-0f) ? 0 : Float.floatToIntBits(s),
                            fn + "(" + x[i] + "): " + s + " vs Math " + e);
                } else {
                    float ulps = Math.abs(s - e) / Math.ulp(e);
                    assertTrue(ulps <= 2f, fn + "(" + x[i] + ") = " + s + ", Math gives " + e + " (" + ulps + " ulp)");
                }
            }
        }
    }

    /** Hash of exp, log, tanh over fixed inputs, after enough calls for C2 when {@code warm}. */
    static long fingerprint(boolean warm) {
        float[] x = inputs(42, 4000);
        long h = 0;
        for (int rep = 0; rep < (warm ? 300 : 1); rep++) {
            h = 0;
            for (String fn : new String[] {"exp", "log", "tanh"}) {
                for (float v : vector(fn, x)) {
                    h = h * 31 + Float.floatToRawIntBits(v);
                }
            }
        }
        return h;
    }

    /** Entry point for the interpreted child JVM of {@link #sameBitsInterpretedAndCompiled()}. */
    public static void main(String[] args) {
        System.out.println(fingerprint(false));
    }

    /**
     * Regression: {@code lanewise(VectorOperators.EXP)} gave other bits in C2 than in the interpreter, so seeded
     * runs differed. A child JVM in pure interpreter mode must print the fingerprint this warmed-up JVM computes.
     */
    @Test
    void sameBitsInterpretedAndCompiled() throws IOException, InterruptedException {
        long compiled = fingerprint(true);
        String java = ProcessHandle.current().info().command().orElse("java");
        List<String> cmd = new ArrayList<>(List.of(java, "-Xint", "--add-modules=jdk.incubator.vector",
                "-cp", System.getProperty("java.class.path"), VectorMathTest.class.getName()));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(false).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        assertEquals(0, p.waitFor(), "child JVM failed: " + new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8));
        assertEquals(Long.toString(compiled), out, "interpreted and compiled VectorMath differ");
    }
}
