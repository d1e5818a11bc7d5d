package dev.sfumato.nn.serialization;

import dev.sfumato.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SafetensorsTest {

    @TempDir
    Path dir;

    // ---------------------------------------------------------------------------------------------
    // Helpers
    // ---------------------------------------------------------------------------------------------

    /** A file made of an explicit header length, header text and data bytes, for malformed inputs. */
    private Path rawFile(String name, long headerLength, String header, byte[] data) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        b.writeBytes(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(headerLength).array());
        b.writeBytes(header.getBytes(StandardCharsets.UTF_8));
        b.writeBytes(data);
        Path file = dir.resolve(name);
        Files.write(file, b.toByteArray());
        return file;
    }

    /** A well-formed header length for {@code header}. */
    private Path rawFile(String name, String header, byte[] data) throws IOException {
        return rawFile(name, header.getBytes(StandardCharsets.UTF_8).length, header, data);
    }

    private static byte[] le(int... int32s) {
        ByteBuffer b = ByteBuffer.allocate(4 * int32s.length).order(ByteOrder.LITTLE_ENDIAN);
        for (int v : int32s) {
            b.putInt(v);
        }
        return b.array();
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            b.writeBytes(p);
        }
        return b.toByteArray();
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    private static int[] bits(float[] values) {
        int[] b = new int[values.length];
        for (int i = 0; i < values.length; i++) {
            b[i] = Float.floatToRawIntBits(values[i]);
        }
        return b;
    }

    /** The error of reading {@code file}, checked to start with the file's name. */
    private static String readError(Path file) {
        SafetensorsException e = assertThrows(SafetensorsException.class, () -> Safetensors.read(file));
        assertTrue(e.getMessage().startsWith(file + ": "), e.getMessage());
        return e.getMessage();
    }

    private static void assertContains(String message, String... parts) {
        for (String p : parts) {
            assertTrue(message.contains(p), () -> "expected '" + p + "' in: " + message);
        }
    }

    // ---------------------------------------------------------------------------------------------
    // Exact bytes
    // ---------------------------------------------------------------------------------------------

    @Test
    void aTinyFileHasExactlyTheSpecifiedBytes() throws IOException {
        Path file = dir.resolve("tiny.safetensors");
        Safetensors.save(Map.of("a", Tensor.of(1f, -2f)), file);
        // {"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}} is 54 bytes; 2 spaces pad it to 56.
        byte[] expected = concat(
                new byte[] {56, 0, 0, 0, 0, 0, 0, 0},
                ascii("{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}}  "),
                new byte[] {0, 0, (byte) 0x80, 0x3F}, // 1.0f = 0x3F800000, little-endian
                new byte[] {0, 0, 0, (byte) 0xC0}); // -2.0f = 0xC0000000
        assertArrayEquals(expected, Files.readAllBytes(file));
    }

    @Test
    void matchesTheReferenceWritersBytes() throws IOException {
        // The examples in the reference implementation's tests (safetensors/src/tensor.rs).
        Path attn = dir.resolve("attn.safetensors");
        Safetensors.save(Map.of("attn.0", Tensor.wrap(new float[] {0, 1, 2, 3, 4, 5}, 1, 2, 3)), attn);
        byte[] expected = concat(new byte[] {64, 0, 0, 0, 0, 0, 0, 0},
                ascii("{\"attn.0\":{\"dtype\":\"F32\",\"shape\":[1,2,3],\"data_offsets\":[0,24]}}"),
                le(Float.floatToIntBits(0), Float.floatToIntBits(1), Float.floatToIntBits(2),
                        Float.floatToIntBits(3), Float.floatToIntBits(4), Float.floatToIntBits(5)));
        assertArrayEquals(expected, Files.readAllBytes(attn));

        Path empty = dir.resolve("empty.safetensors");
        Safetensors.save(Map.of(), empty);
        assertArrayEquals(concat(new byte[] {8, 0, 0, 0, 0, 0, 0, 0}, ascii("{}      ")), Files.readAllBytes(empty));

        Path meta = dir.resolve("meta.safetensors");
        Safetensors.save(Map.of(), Map.of("framework", "pt"), meta);
        assertArrayEquals(concat(new byte[] {40, 0, 0, 0, 0, 0, 0, 0},
                ascii("{\"__metadata__\":{\"framework\":\"pt\"}}     ")), Files.readAllBytes(meta));
    }

    // ---------------------------------------------------------------------------------------------
    // Round trips
    // ---------------------------------------------------------------------------------------------

    private static final float[] SPECIAL = {0f, -0f, Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY,
        Float.MIN_VALUE, Float.MAX_VALUE, Float.MIN_NORMAL, 1e-40f};

    @Test
    void roundTripsRandomShapesIncludingScalarsAndSizeZeroDims() throws IOException {
        Random rnd = new Random(42);
        for (int trial = 0; trial < 100; trial++) {
            Map<String, Tensor> tensors = new LinkedHashMap<>();
            int count = rnd.nextInt(5); // 0 tensors is a valid file too
            for (int k = 0; k < count; k++) {
                int[] shape = new int[rnd.nextInt(5)]; // rank 0 (a scalar) to 4
                for (int d = 0; d < shape.length; d++) {
                    shape[d] = rnd.nextInt(5); // includes size-0 dims
                }
                float[] values = new float[dev.sfumato.tensor.Shape.numel(shape)];
                for (int i = 0; i < values.length; i++) {
                    values[i] = rnd.nextInt(8) == 0 ? SPECIAL[rnd.nextInt(SPECIAL.length)] : (float) rnd.nextGaussian();
                }
                tensors.put("layer" + k + (rnd.nextBoolean() ? ".weight" : ".bias \"é\\"), Tensor.wrap(values, shape));
            }
            Map<String, String> metadata = new LinkedHashMap<>();
            if (rnd.nextBoolean()) {
                metadata.put("step", Integer.toString(trial));
                metadata.put("note", "tab\there, newline\nthere, \u0001 control, \u2713 and \uD83D\uDE00");
            }
            Path file = dir.resolve("trial" + trial + ".safetensors");
            Safetensors.save(tensors, metadata, file);
            assertEquals(0, (Files.size(file) - 8 - 4L * tensors.values().stream().mapToInt(Tensor::numel).sum()) % 8,
                    "header padded to a multiple of 8");

            SafetensorsFile back = Safetensors.read(file);
            assertEquals(List.copyOf(tensors.keySet()), List.copyOf(back.tensors().keySet()), "order kept");
            for (Map.Entry<String, Tensor> e : tensors.entrySet()) {
                Tensor got = back.tensors().get(e.getKey());
                assertArrayEquals(e.getValue().shape(), got.shape(), e.getKey());
                assertArrayEquals(bits(e.getValue().toArray()), bits(got.toArray()), e.getKey());
            }
            assertEquals(metadata, back.metadata());
        }
    }

    @Test
    void viewsAreWrittenInRowMajorOrder() throws IOException {
        float[] values = new float[24];
        for (int i = 0; i < values.length; i++) {
            values[i] = i;
        }
        Tensor base = Tensor.wrap(values, 2, 3, 4); // [2, 3, 4]
        Map<String, Tensor> views = new LinkedHashMap<>();
        views.put("transposed", base.transpose(0, 2)); // [4, 3, 2], strides (1, 4, 12)
        views.put("narrowed", base.narrow(2, 1, 2)); // [2, 3, 2], offset 1
        views.put("selected", base.select(1, 2)); // [2, 4], offset 8
        views.put("expanded", Tensor.of(7f, 8f).expand(3, 2)); // [3, 2], stride 0
        views.put("stepped", base.slice(2, 0, 4, 3)); // [2, 3, 2], step 3
        Path file = dir.resolve("views.safetensors");
        Safetensors.save(views, file);
        Map<String, Tensor> back = Safetensors.load(file);
        for (Map.Entry<String, Tensor> e : views.entrySet()) {
            assertArrayEquals(e.getValue().shape(), back.get(e.getKey()).shape(), e.getKey());
            assertArrayEquals(e.getValue().toArray(), back.get(e.getKey()).toArray(), e.getKey());
        }
        assertArrayEquals(new float[] {0, 12, 4, 16, 8, 20}, back.get("transposed").narrow(0, 0, 1).toArray());
        assertArrayEquals(new float[] {7, 8, 7, 8, 7, 8}, back.get("expanded").toArray());
    }

    @Test
    void largeTensorsCrossChunkBoundaries() throws IOException {
        float[] values = new float[100_003]; // several 64 KiB chunks plus a ragged tail
        for (int i = 0; i < values.length; i++) {
            values[i] = i * 0.5f;
        }
        Path file = dir.resolve("large.safetensors");
        Safetensors.save(Map.of("big", Tensor.wrap(values, values.length)), file);
        assertArrayEquals(values, Safetensors.load(file).get("big").toArray());
    }

    @Test
    void savesF16RoundedToNearestEvenAndReadsItBack() throws IOException {
        // 1 + 2^-11 lies halfway between 1 and the next half (1 + 2^-10): ties go to even, i.e. to 1.
        float[] values = new float[70_001]; // crosses the 64 KiB chunk (32 768 halves) twice
        for (int i = 0; i < values.length; i++) {
            values[i] = (i % 7 - 3) * 0.37f;
        }
        values[0] = 1f + 0x1p-11f;
        values[1] = 65504f;
        values[2] = 0x1p-24f;
        Path file = dir.resolve("half.safetensors");
        Safetensors.saveF16(Map.of("w", Tensor.wrap(values, values.length)), Map.of("k", "v"), file);
        assertEquals(8 + 2L * values.length, Files.size(file) - headerLength(file));
        float[] back = Safetensors.load(file).get("w").toArray();
        for (int i = 0; i < values.length; i++) {
            assertEquals(Float.float16ToFloat(Float.floatToFloat16(values[i])), back[i], "index " + i);
        }
        assertEquals(1f, back[0]);
        assertEquals(65504f, back[1]);
        assertEquals(0x1p-24f, back[2]);
    }

    @Test
    void savingF16RefusesValuesBeyondItsRange() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Safetensors.saveF16(
                Map.of("big", Tensor.wrap(new float[] {1f, 70000f}, 2)), Map.of(), dir.resolve("x.safetensors")));
        assertContains(e.getMessage(), "'big'", "70000.0", "flat index 1", "65504");
        assertFalse(Files.exists(dir.resolve("x.safetensors")));
    }

    private static long headerLength(Path file) throws IOException {
        byte[] first = Arrays.copyOf(Files.readAllBytes(file), 8);
        return ByteBuffer.wrap(first).order(ByteOrder.LITTLE_ENDIAN).getLong();
    }

    @Test
    void loadReturnsTensorsInDataOffsetOrderNotHeaderOrder() throws IOException {
        String header = "{\"second\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,8]},"
                + "\"first\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}}";
        Path file = rawFile("order.safetensors", header, le(Float.floatToIntBits(1f), Float.floatToIntBits(2f)));
        Map<String, Tensor> loaded = Safetensors.load(file);
        assertEquals(List.of("first", "second"), List.copyOf(loaded.keySet()));
        assertEquals(LinkedHashMap.class, loaded.getClass());
        assertEquals(1f, loaded.get("first").item());
        assertEquals(2f, loaded.get("second").item());
    }

    @Test
    void convertsF64F16AndBf16ToFloat32() throws IOException {
        ByteBuffer data = ByteBuffer.allocate(16 + 8 + 8).order(ByteOrder.LITTLE_ENDIAN);
        data.putDouble(0.1).putDouble(-1e300); // F64 [2]: rounds to nearest float, overflows to -inf
        data.putShort((short) 0x3C00).putShort((short) 0xC000).putShort((short) 0x7BFF).putShort((short) 0x0001);
        data.putShort((short) 0x3F80).putShort((short) 0x4049).putShort((short) 0xFF80).putShort((short) 0x0001);
        String header = "{\"d\":{\"dtype\":\"F64\",\"shape\":[2],\"data_offsets\":[0,16]},"
                + "\"h\":{\"dtype\":\"F16\",\"shape\":[2,2],\"data_offsets\":[16,24]},"
                + "\"b\":{\"dtype\":\"BF16\",\"shape\":[4],\"data_offsets\":[24,32]}}";
        Map<String, Tensor> t = Safetensors.load(rawFile("mixed.safetensors", header, data.array()));
        assertArrayEquals(new float[] {0.1f, Float.NEGATIVE_INFINITY}, t.get("d").toArray());
        // F16: 1, -2, the largest half 65504 and the smallest subnormal 2^-24.
        assertArrayEquals(new float[] {1f, -2f, 65504f, 0x1p-24f}, t.get("h").toArray());
        assertArrayEquals(new int[] {2, 2}, t.get("h").shape());
        // BF16: 1, 3.140625 (pi truncated to 8 bits of mantissa), -inf, the smallest subnormal 2^-133.
        assertArrayEquals(new float[] {1f, 3.140625f, Float.NEGATIVE_INFINITY, 0x1p-133f}, t.get("b").toArray());
    }

    @Test
    void acceptsPaddingWhitespaceAndUnknownTensorFields() throws IOException {
        String header = "{ \"x\" : {\"dtype\": \"F32\", \"shape\": [], \"data_offsets\": [0, 4], \"extra\": 1} }\n  ";
        SafetensorsFile f = Safetensors.read(rawFile("spaces.safetensors", header, le(Float.floatToIntBits(2.5f))));
        assertEquals(2.5f, f.tensors().get("x").item());
        assertArrayEquals(new int[0], f.tensors().get("x").shape());
        assertEquals(Map.of(), f.metadata());
    }

    @Test
    void saveReplacesAtomicallyAndRejectsTheReservedKey() throws IOException {
        Path file = dir.resolve("model.safetensors");
        Safetensors.save(Map.of("w", Tensor.of(1f)), file);
        byte[] before = Files.readAllBytes(file);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Safetensors.save(Map.of("__metadata__", Tensor.of(2f)), file));
        assertContains(e.getMessage(), "__metadata__", "reserved");
        assertArrayEquals(before, Files.readAllBytes(file));
        try (Stream<Path> s = Files.list(dir)) {
            assertEquals(List.of(file), s.toList(), "no temporary file left");
        }
        Safetensors.save(Map.of("w", Tensor.of(3f, 4f)), file);
        assertArrayEquals(new float[] {3f, 4f}, Safetensors.load(file).get("w").toArray());
    }

    @Test
    void saveRejectsNamesThatAreNotUnicode() {
        Path file = dir.resolve("surrogate.safetensors");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Safetensors.save(Map.of("bad\uD800name", Tensor.of(1f)), file));
        assertContains(e.getMessage(), "unpaired surrogate");
        assertTrue(Files.notExists(file));
    }

    // ---------------------------------------------------------------------------------------------
    // Errors: each names the file, and the key and field where there is one
    // ---------------------------------------------------------------------------------------------

    @Test
    void shapeAndOffsetsThatDisagree() throws IOException {
        String header = "{\"conv.weight\":{\"dtype\":\"F32\",\"shape\":[3,3],\"data_offsets\":[0,100]}}";
        Path file = rawFile("model.safetensors", header, new byte[100]);
        assertEquals(file + ": tensor 'conv.weight': data_offsets [0, 100] hold 100 bytes but dtype F32 and shape"
                + " [3, 3] need 36", readError(file));
    }

    @Test
    void fileShorterThanTheHeaderLength() throws IOException {
        Path file = dir.resolve("short.safetensors");
        Files.write(file, new byte[] {1, 2, 3, 4, 5});
        assertContains(readError(file), "file is 5 bytes", "8-byte header length");
    }

    @Test
    void headerLengthBeyondTheFile() throws IOException {
        Path file = rawFile("cut.safetensors", 100, "{}", new byte[0]);
        assertContains(readError(file), "header length 100 needs 108 bytes but the file has 10");
    }

    @Test
    void absurdHeaderLengths() throws IOException {
        Path huge = rawFile("huge.safetensors", 1L << 40, "{}", new byte[0]);
        assertContains(readError(huge), "header length 1099511627776 is over the limit of 100000000 bytes");
        Path negative = rawFile("u64.safetensors", -1L, "{}", new byte[0]);
        assertContains(readError(negative), "header length 18446744073709551615 is over the limit");
    }

    @Test
    void dataBeyondTheEndOfTheFile() throws IOException {
        String header = "{\"w\":{\"dtype\":\"F32\",\"shape\":[4],\"data_offsets\":[0,16]}}";
        Path file = rawFile("truncated.safetensors", header, new byte[10]);
        assertContains(readError(file), "data is truncated", "describes 16 bytes", "only 10 follow");
    }

    @Test
    void trailingBytesAfterTheLastTensor() throws IOException {
        String header = "{\"w\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}}";
        Path file = rawFile("trailing.safetensors", header, new byte[6]);
        assertContains(readError(file), "6 bytes of tensor data", "cover only 4");
    }

    @Test
    void corruptJson() throws IOException {
        Path file = rawFile("corrupt.safetensors", "{\"w\":{\"dtype\":\"F32\" \"shape\":[1]}}", new byte[0]);
        assertContains(readError(file), "header is not valid JSON", "expected ',' or '}' at character 20");
        Path unterminated = rawFile("open.safetensors", "{\"w\":{\"dtype\":\"F3", new byte[0]);
        assertContains(readError(unterminated), "header is not valid JSON", "closing '\"'");
        Path trailingComma = rawFile("comma.safetensors", "{\"w\":1,}", new byte[0]);
        assertContains(readError(trailingComma), "not valid JSON", "string key");
        Path notObject = rawFile("array.safetensors", "[1, 2]", new byte[0]);
        assertContains(readError(notObject), "header does not start with '{'");
        Path badUtf8 = rawFile("utf8.safetensors", 2, "{\u00ff", new byte[0]); // ÿ is C3 BF; the header ends after C3
        assertContains(readError(badUtf8), "header is not valid UTF-8");
    }

    @Test
    void duplicateKeys() throws IOException {
        String header = "{\"w\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]},"
                + "\"w\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,8]}}";
        assertContains(readError(rawFile("dup.safetensors", header, new byte[8])), "duplicate key \"w\"");
    }

    @Test
    void missingAndMistypedFields() throws IOException {
        assertContains(readError(rawFile("m1.safetensors", "{\"w\":{\"dtype\":\"F32\",\"data_offsets\":[0,4]}}",
                new byte[4])), "tensor 'w': missing field 'shape'");
        assertContains(readError(rawFile("m2.safetensors", "{\"w\":{\"shape\":[1],\"data_offsets\":[0,4]}}",
                new byte[4])), "tensor 'w': missing field 'dtype'");
        assertContains(readError(rawFile("m3.safetensors", "{\"w\":{\"dtype\":\"F32\",\"shape\":[1]}}",
                new byte[4])), "tensor 'w': missing field 'data_offsets'");
        assertContains(readError(rawFile("t1.safetensors", "{\"w\":[1]}", new byte[0])),
                "tensor 'w': expected an object with dtype, shape and data_offsets, found [1]");
        assertContains(readError(rawFile("t2.safetensors", "{\"w\":{\"dtype\":\"F32\",\"shape\":[-1],"
                + "\"data_offsets\":[0,4]}}", new byte[4])), "tensor 'w': field 'shape' must be a list of non-negative");
        assertContains(readError(rawFile("t3.safetensors", "{\"w\":{\"dtype\":\"F32\",\"shape\":[1.5],"
                + "\"data_offsets\":[0,4]}}", new byte[4])), "tensor 'w': field 'shape'", "found [1.5]");
        assertContains(readError(rawFile("t4.safetensors", "{\"w\":{\"dtype\":\"F32\",\"shape\":[1],"
                + "\"data_offsets\":[0]}}", new byte[4])), "tensor 'w': field 'data_offsets' must be a list of 2");
        assertContains(readError(rawFile("t5.safetensors", "{\"w\":{\"dtype\":32,\"shape\":[1],"
                + "\"data_offsets\":[0,4]}}", new byte[4])), "tensor 'w': field 'dtype' must be a string, found 32");
        assertContains(readError(rawFile("t6.safetensors", "{\"w\":{\"dtype\":\"F32\",\"shape\":[1],"
                + "\"data_offsets\":[4,0]}}", new byte[4])), "tensor 'w': data_offsets [4, 0] end before they begin");
        assertContains(readError(rawFile("t7.safetensors", "{\"w\":{\"dtype\":\"F32\",\"shape\":[65536,65536],"
                + "\"data_offsets\":[0,4]}}", new byte[4])), "tensor 'w': shape [65536, 65536] has more than 2^31-1");
        assertContains(readError(rawFile("meta.safetensors", "{\"__metadata__\":{\"epoch\":3}}", new byte[0])),
                "'__metadata__' entry 'epoch' must be a string, found 3");
    }

    @Test
    void unsupportedDtype() throws IOException {
        String header = "{\"step\":{\"dtype\":\"I64\",\"shape\":[],\"data_offsets\":[0,8]}}";
        assertContains(readError(rawFile("int.safetensors", header, new byte[8])),
                "tensor 'step': dtype I64 is not supported", "F64, F16 and BF16");
        String unknown = "{\"q\":{\"dtype\":\"Q4_K\",\"shape\":[],\"data_offsets\":[0,1]}}";
        assertContains(readError(rawFile("unknown.safetensors", unknown, new byte[1])),
                "tensor 'q': dtype Q4_K is not supported");
    }

    @Test
    void overlappingOffsets() throws IOException {
        String header = "{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},"
                + "\"b\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[4,12]}}";
        assertContains(readError(rawFile("overlap.safetensors", header, new byte[12])),
                "tensor 'b': data_offsets [4, 12] overlap tensor 'a', which ends at 8");
    }

    @Test
    void holesBetweenOrBeforeTensors() throws IOException {
        String between = "{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},"
                + "\"b\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[12,20]}}";
        assertContains(readError(rawFile("hole.safetensors", between, new byte[20])),
                "tensor 'b': data_offsets [12, 20] leave bytes [8, 12) of the data buffer unused");
        String before = "{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,8]}}";
        assertContains(readError(rawFile("lead.safetensors", before, new byte[8])),
                "tensor 'a': data_offsets [4, 8] leave bytes [0, 4)");
    }

    @Test
    void aMissingFileNamesThePath() {
        Path file = dir.resolve("nowhere.safetensors");
        NoSuchFileException e = assertThrows(NoSuchFileException.class, () -> Safetensors.load(file));
        assertContains(e.getMessage(), file.toString());
    }

    // ---------------------------------------------------------------------------------------------
    // checkShapes
    // ---------------------------------------------------------------------------------------------

    @Test
    void checkShapesNamesKeyAndBothShapes() {
        Path file = Path.of("model.safetensors");
        Map<String, Tensor> model = new LinkedHashMap<>();
        model.put("conv.weight", Tensor.zeros(8, 3, 3, 3));
        model.put("conv.bias", Tensor.zeros(8));
        model.put("head.weight", Tensor.zeros(10, 8));
        Map<String, Tensor> loaded = new LinkedHashMap<>();
        loaded.put("conv.weight", Tensor.zeros(8, 1, 3, 3));
        loaded.put("conv.bias", Tensor.zeros(8));
        loaded.put("ema.step", Tensor.scalar(0));

        SafetensorsException strict = assertThrows(SafetensorsException.class,
                () -> Safetensors.checkShapes(model, loaded, file, true));
        assertEquals("model.safetensors: does not match the model: tensor 'conv.weight' has shape [8, 1, 3, 3] in"
                + " the file but [8, 3, 3, 3] in the model; missing keys [head.weight]; unexpected keys [ema.step]",
                strict.getMessage());

        SafetensorsException lenient = assertThrows(SafetensorsException.class,
                () -> Safetensors.checkShapes(model, loaded, file, false));
        assertEquals("model.safetensors: does not match the model: tensor 'conv.weight' has shape [8, 1, 3, 3] in"
                + " the file but [8, 3, 3, 3] in the model", lenient.getMessage());
    }

    @Test
    void checkShapesAcceptsMatchesAndIgnoresExtrasWhenNotStrict() throws SafetensorsException {
        Map<String, Tensor> model = Map.of("w", Tensor.zeros(2, 3), "b", Tensor.zeros(3));
        Safetensors.checkShapes(model, Map.of("w", Tensor.ones(2, 3), "b", Tensor.ones(3)), Path.of("m"), true);
        Safetensors.checkShapes(model, Map.of("w", Tensor.ones(2, 3), "x", Tensor.ones(1)), Path.of("m"), false);
        List<String> problems = new ArrayList<>();
        try {
            Safetensors.checkShapes(model, Map.of("w", Tensor.ones(2, 3)), Path.of("m"), true);
        } catch (SafetensorsException e) {
            problems.add(e.getMessage());
        }
        assertEquals(List.of("m: does not match the model: missing keys [b]"), problems);
    }
}
