package dev.sfumato.tensor.testing;

import dev.sfumato.tensor.Tensor;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Reads golden values written by the Python generators ({@code src/test/python/golden_format.py}).
 *
 * <p>The format is one tensor per line, so a diff of a regenerated file is readable:
 * <pre>
 * # comment
 * name dims v0 v1 ...
 * </pre>
 * where {@code dims} is the shape joined with {@code x} ({@code 2x3}), or {@code scalar}. Values are
 * written with {@code repr(float)} of the float32 value, so they parse back exactly.
 */
public final class Golden {

    private final String resource;
    private final Map<String, Tensor> tensors;

    private Golden(String resource, Map<String, Tensor> tensors) {
        this.resource = resource;
        this.tensors = tensors;
    }

    /** Loads a classpath resource such as {@code /golden/elementwise.txt}. */
    public static Golden load(String resource) {
        InputStream in = Golden.class.getResourceAsStream(resource);
        if (in == null) {
            throw new IllegalArgumentException("golden file " + resource + " is not on the test classpath;"
                    + " regenerate it with the script in src/test/python");
        }
        Map<String, Tensor> map = new LinkedHashMap<>();
        try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            String line;
            int lineNo = 0;
            while ((line = r.readLine()) != null) {
                lineNo++;
                line = line.strip();
                if (line.isEmpty() || line.startsWith("#")) {
                    continue;
                }
                String[] parts = line.split("\\s+");
                if (parts.length < 2) {
                    throw new IllegalArgumentException(resource + ":" + lineNo + ": expected 'name dims values...'");
                }
                int[] shape = parts[1].equals("scalar") ? new int[0] : parseDims(parts[1]);
                float[] values = new float[parts.length - 2];
                for (int i = 0; i < values.length; i++) {
                    values[i] = parseValue(parts[i + 2]);
                }
                Tensor t = shape.length == 0 ? Tensor.scalar(values.length == 1 ? values[0] : Float.NaN)
                        : Tensor.wrap(values, shape);
                if (shape.length == 0 && values.length != 1) {
                    throw new IllegalArgumentException(resource + ":" + lineNo + ": scalar needs exactly one value");
                }
                if (map.put(parts[0], t) != null) {
                    throw new IllegalArgumentException(resource + ":" + lineNo + ": duplicate name " + parts[0]);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new Golden(resource, map);
    }

    /** A float as Python's {@code repr} prints it, including {@code inf}, {@code -inf} and {@code nan}. */
    private static float parseValue(String s) {
        return switch (s) {
            case "inf" -> Float.POSITIVE_INFINITY;
            case "-inf" -> Float.NEGATIVE_INFINITY;
            case "nan" -> Float.NaN;
            default -> Float.parseFloat(s);
        };
    }

    private static int[] parseDims(String s) {
        String[] p = s.split("x");
        int[] d = new int[p.length];
        for (int i = 0; i < p.length; i++) {
            d[i] = Integer.parseInt(p[i]);
        }
        return d;
    }

    /** The tensor called {@code name}; fails with the file name if it is missing. */
    public Tensor get(String name) {
        Tensor t = tensors.get(name);
        if (t == null) {
            throw new IllegalArgumentException("golden file " + resource + " has no tensor named '" + name + "'");
        }
        return t;
    }

    /** All names, in file order. */
    public Iterable<String> names() {
        return tensors.keySet();
    }
}
