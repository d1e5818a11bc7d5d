package dev.sfumato.nn.serialization;

import dev.sfumato.tensor.Tensor;

import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.CharBuffer;
import java.nio.FloatBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Saves and loads float32 tensors in the safetensors format, like {@code safetensors.torch.save_file} and
 * {@code load_file}.
 *
 * <p>Format (https://github.com/huggingface/safetensors, "Format"): an unsigned 64-bit little-endian header
 * length N; N bytes of UTF-8 JSON starting with '{' and maybe padded with spaces,
 * {@code {"__metadata__": {"k": "v"}, "name": {"dtype": "F32", "shape": [2, 3], "data_offsets": [0, 24]}}};
 * then the data buffer, each tensor row-major and little-endian at its offsets relative to the start of the
 * buffer. The offsets must tile the whole buffer, without holes, overlaps or trailing bytes; keys are unique.
 *
 * <p>Writing emits F32, one tensor after another in the map's iteration order (the reference writer sorts by
 * name instead; readers must not care), with the header padded to a multiple of 8 bytes as the reference
 * writer does, so the data is aligned. The file is replaced atomically ({@link AtomicFiles}). Reading accepts
 * F32 and converts F64, F16 and BF16 to float32, since PyTorch users often save half-precision weights.
 *
 * <p>Errors: a file that breaks any rule above gives a {@link SafetensorsException} whose message starts with
 * the file and names the tensor key and header field, e.g. {@code model.safetensors: tensor 'conv.weight':
 * data_offsets [0, 100] hold 100 bytes but dtype F32 and shape [3, 3] need 36}. Invalid arguments to
 * {@code save} (a null, the reserved key {@code __metadata__}) are {@link IllegalArgumentException}s.
 */
public final class Safetensors {

    /** Longest header accepted, as in the reference implementation: a defence against garbage lengths. */
    public static final long MAX_HEADER_BYTES = 100_000_000L;

    /** The reserved header key holding the free-form string map. */
    public static final String METADATA_KEY = "__metadata__";

    private static final int CHUNK_BYTES = 1 << 16;

    private Safetensors() {}

    /** The element types Sfumato can read; anything else in a header is reported by name. */
    private enum Dtype {
        F32(4), F64(8), F16(2), BF16(2);

        final int bytes;

        Dtype(int bytes) {
            this.bytes = bytes;
        }

        static Dtype parse(String name) {
            for (Dtype d : values()) {
                if (d.name().equals(name)) {
                    return d;
                }
            }
            return null;
        }

        /** Decodes {@code count} little-endian elements from {@code in} into {@code out[off..]}. */
        void decode(ByteBuffer in, float[] out, int off, int count) {
            switch (this) {
                case F32 -> in.asFloatBuffer().get(out, off, count);
                case F64 -> {
                    for (int i = 0; i < count; i++) {
                        out[off + i] = (float) in.getDouble(); // round to nearest, as torch's .float()
                    }
                }
                case F16 -> {
                    for (int i = 0; i < count; i++) {
                        out[off + i] = Float.float16ToFloat(in.getShort()); // exact: every half is a float
                    }
                }
                case BF16 -> {
                    for (int i = 0; i < count; i++) {
                        // bfloat16 is the top half of a float32, so widening is a shift (exact).
                        out[off + i] = Float.intBitsToFloat((in.getShort() & 0xFFFF) << 16);
                    }
                }
            }
        }
    }

    /** One header entry, validated on its own; the buffer layout is checked once all are known. */
    private record Entry(String key, Dtype dtype, int[] shape, long begin, long end) {}

    // ---------------------------------------------------------------------------------------------
    // Writing
    // ---------------------------------------------------------------------------------------------

    /** Saves {@code tensors} without metadata; see {@link #save(Map, Map, Path)}. */
    public static void save(Map<String, Tensor> tensors, Path file) throws IOException {
        save(tensors, Map.of(), file);
    }

    /**
     * Saves {@code tensors} as F32 with the given {@code __metadata__} (omitted when empty), atomically
     * replacing {@code file}. Views are written in row-major order, as {@link Tensor#toArray()} sees them.
     */
    public static void save(Map<String, Tensor> tensors, Map<String, String> metadata, Path file)
            throws IOException {
        save(tensors, metadata, file, Dtype.F32);
    }

    /**
     * Saves {@code tensors} as F16 (IEEE half precision, round to nearest even), half the size of F32: for
     * shipping weights that are only used for inference. Every value must fit F16's range: a finite value
     * beyond ±65504 would become infinity, so it is an error naming the tensor and the value. Reading
     * converts back to float32 exactly.
     */
    public static void saveF16(Map<String, Tensor> tensors, Map<String, String> metadata, Path file)
            throws IOException {
        if (tensors != null) {
            for (Map.Entry<String, Tensor> e : tensors.entrySet()) {
                float[] v = e.getValue() == null ? new float[0] : e.getValue().toArray();
                for (int i = 0; i < v.length; i++) {
                    if (Float.isFinite(v[i]) && Float.isInfinite(Float.float16ToFloat(Float.floatToFloat16(v[i])))) {
                        throw new IllegalArgumentException("safetensors saveF16: tensor '" + e.getKey() + "' holds "
                                + v[i] + " at flat index " + i + ", beyond the F16 range ±65504");
                    }
                }
            }
        }
        save(tensors, metadata, file, Dtype.F16);
    }

    private static void save(Map<String, Tensor> tensors, Map<String, String> metadata, Path file, Dtype dtype)
            throws IOException {
        if (tensors == null || metadata == null) {
            throw new IllegalArgumentException("safetensors save: tensors and metadata must not be null");
        }
        // One snapshot for both the header and the data, so the two cannot disagree on the order.
        List<Map.Entry<String, Tensor>> entries = new ArrayList<>(tensors.entrySet());
        byte[] header = header(entries, metadata, dtype);
        AtomicFiles.write(file, out -> {
            ByteBuffer chunk = ByteBuffer.allocate(CHUNK_BYTES).order(ByteOrder.LITTLE_ENDIAN);
            chunk.putLong(0, header.length);
            out.write(chunk.array(), 0, Long.BYTES);
            out.write(header);
            for (Map.Entry<String, Tensor> e : entries) {
                if (dtype == Dtype.F16) {
                    writeF16(out, e.getValue(), chunk);
                } else {
                    writeF32(out, e.getValue(), chunk);
                }
            }
        });
    }

    /** The JSON header, padded with spaces to a multiple of 8 bytes. */
    private static byte[] header(List<Map.Entry<String, Tensor>> tensors, Map<String, String> metadata, Dtype dtype) {
        StringBuilder json = new StringBuilder("{");
        if (!metadata.isEmpty()) {
            json.append(Json.quote(METADATA_KEY)).append(":{");
            String sep = "";
            for (Map.Entry<String, String> e : metadata.entrySet()) {
                if (e.getKey() == null || e.getValue() == null) {
                    throw new IllegalArgumentException("safetensors save: metadata entry " + e.getKey() + "="
                            + e.getValue() + " has a null; metadata maps strings to strings");
                }
                json.append(sep).append(Json.quote(e.getKey())).append(':').append(Json.quote(e.getValue()));
                sep = ",";
            }
            json.append("},");
        }
        long offset = 0;
        for (Map.Entry<String, Tensor> e : tensors) {
            String key = e.getKey();
            if (key == null || e.getValue() == null) {
                throw new IllegalArgumentException("safetensors save: tensor entry '" + key + "' has a null");
            }
            if (key.equals(METADATA_KEY)) {
                throw new IllegalArgumentException("safetensors save: '" + METADATA_KEY
                        + "' is reserved for the metadata map and cannot name a tensor");
            }
            int[] shape = e.getValue().shape();
            long end = offset + (long) e.getValue().numel() * dtype.bytes;
            json.append(Json.quote(key)).append(":{\"dtype\":\"").append(dtype.name()).append("\",\"shape\":[");
            for (int d = 0; d < shape.length; d++) {
                json.append(d == 0 ? "" : ",").append(shape[d]);
            }
            json.append("],\"data_offsets\":[").append(offset).append(',').append(end).append("]},");
            offset = end;
        }
        if (json.charAt(json.length() - 1) == ',') {
            json.setLength(json.length() - 1);
        }
        json.append('}');
        byte[] utf8 = utf8(json.toString());
        // The reference writer pads with spaces so the data buffer starts 8-byte aligned (8 + N ≡ 0 mod 8).
        int padded = (utf8.length + 7) / 8 * 8;
        byte[] header = Arrays.copyOf(utf8, padded);
        Arrays.fill(header, utf8.length, padded, (byte) ' ');
        return header;
    }

    /** Strict UTF-8: String.getBytes would silently turn an unpaired surrogate in a key into '?'. */
    private static byte[] utf8(String json) {
        try {
            ByteBuffer bytes = StandardCharsets.UTF_8.newEncoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .encode(CharBuffer.wrap(json));
            return Arrays.copyOf(bytes.array(), bytes.limit());
        } catch (CharacterCodingException e) {
            throw new IllegalArgumentException("safetensors save: a tensor name or metadata string is not valid"
                    + " Unicode (unpaired surrogate), so it cannot be written as UTF-8", e);
        }
    }

    private static void writeF32(OutputStream out, Tensor t, ByteBuffer chunk) throws IOException {
        Tensor c = t.contiguous(); // a view is copied once into row-major order; a contiguous tensor is not
        float[] data = c.data();
        int base = c.offset();
        int n = c.numel();
        FloatBuffer floats = chunk.clear().asFloatBuffer(); // little-endian, like the chunk
        int perChunk = CHUNK_BYTES / Float.BYTES;
        for (int i = 0; i < n; i += perChunk) {
            int len = Math.min(perChunk, n - i);
            floats.clear();
            floats.put(data, base + i, len);
            out.write(chunk.array(), 0, len * Float.BYTES);
        }
    }

    private static void writeF16(OutputStream out, Tensor t, ByteBuffer chunk) throws IOException {
        Tensor c = t.contiguous();
        float[] data = c.data();
        int base = c.offset();
        int n = c.numel();
        int perChunk = CHUNK_BYTES / Short.BYTES;
        for (int i = 0; i < n; i += perChunk) {
            int len = Math.min(perChunk, n - i);
            chunk.clear();
            for (int j = 0; j < len; j++) {
                chunk.putShort(j * Short.BYTES, Float.floatToFloat16(data[base + i + j]));
            }
            out.write(chunk.array(), 0, len * Short.BYTES);
        }
    }

    // ---------------------------------------------------------------------------------------------
    // Reading
    // ---------------------------------------------------------------------------------------------

    /** The tensors of {@code file} as float32, in data-offset order, like {@code load_file}. */
    public static Map<String, Tensor> load(Path file) throws IOException {
        return new LinkedHashMap<>(read(file).tensors());
    }

    /** The tensors and the {@code __metadata__} map of {@code file}. */
    public static SafetensorsFile read(Path file) throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = channel.size();
            // 1. The header length.
            if (size < Long.BYTES) {
                throw fail(file, "file is " + size + " bytes, too short for the 8-byte header length"
                        + " (truncated, or not a safetensors file)");
            }
            long n = readFully(channel, file, 0, Long.BYTES).order(ByteOrder.LITTLE_ENDIAN).getLong();
            if (n < 0 || n > MAX_HEADER_BYTES) {
                throw fail(file, "header length " + Long.toUnsignedString(n) + " is over the limit of "
                        + MAX_HEADER_BYTES + " bytes (not a safetensors file, or a corrupt one)");
            }
            if (Long.BYTES + n > size) {
                throw fail(file, "header length " + n + " needs " + (Long.BYTES + n) + " bytes but the file has "
                        + size + " (truncated)");
            }
            // 2. The JSON header.
            String json = decodeUtf8(file, readFully(channel, file, Long.BYTES, (int) n));
            if (!json.startsWith("{")) {
                throw fail(file, "header does not start with '{'");
            }
            Object root;
            try {
                root = Json.parse(json);
            } catch (Json.JsonException e) {
                throw new SafetensorsException(file + ": header is not valid JSON: " + e.getMessage(), e);
            }
            @SuppressWarnings("unchecked")
            Map<String, Object> fields = (Map<String, Object>) root; // starts with '{', so it is an object
            Map<String, String> metadata = new LinkedHashMap<>();
            List<Entry> entries = new ArrayList<>();
            for (Map.Entry<String, Object> field : fields.entrySet()) {
                if (field.getKey().equals(METADATA_KEY)) {
                    metadata = metadata(file, field.getValue());
                } else {
                    entries.add(entry(file, field.getKey(), field.getValue()));
                }
            }
            // 3. The offsets must tile the data buffer exactly (reference implementation: Metadata::validate).
            entries.sort(Comparator.comparingLong(Entry::begin).thenComparingLong(Entry::end));
            long dataStart = Long.BYTES + n;
            checkLayout(file, entries, size - dataStart);
            // 4. The data.
            Map<String, Tensor> tensors = new LinkedHashMap<>();
            for (Entry e : entries) {
                tensors.put(e.key(), readTensor(channel, file, dataStart, e));
            }
            return new SafetensorsFile(tensors, metadata);
        }
    }

    private static Map<String, String> metadata(Path file, Object value) throws SafetensorsException {
        if (!(value instanceof Map<?, ?> map)) {
            throw fail(file, "'" + METADATA_KEY + "' must be an object of strings, found " + describe(value));
        }
        Map<String, String> metadata = new LinkedHashMap<>();
        for (Map.Entry<?, ?> e : map.entrySet()) {
            if (!(e.getValue() instanceof String s)) {
                throw fail(file, "'" + METADATA_KEY + "' entry '" + e.getKey() + "' must be a string, found "
                        + describe(e.getValue()));
            }
            metadata.put((String) e.getKey(), s);
        }
        return metadata;
    }

    private static Entry entry(Path file, String key, Object value) throws SafetensorsException {
        String where = "tensor '" + key + "'";
        if (!(value instanceof Map<?, ?> info)) {
            throw fail(file, where + ": expected an object with dtype, shape and data_offsets, found "
                    + describe(value));
        }
        // Unknown fields are ignored, as the reference parser does.
        Object dtypeField = require(file, where, info, "dtype");
        Object shapeField = require(file, where, info, "shape");
        Object offsetsField = require(file, where, info, "data_offsets");
        if (!(dtypeField instanceof String dtypeName)) {
            throw fail(file, where + ": field 'dtype' must be a string, found " + describe(dtypeField));
        }
        Dtype dtype = Dtype.parse(dtypeName);
        if (dtype == null) {
            throw fail(file, where + ": dtype " + dtypeName + " is not supported; Sfumato reads F32 and converts"
                    + " F64, F16 and BF16 to float32");
        }
        long[] dims = integers(file, where, "shape", shapeField, -1);
        long[] offsets = integers(file, where, "data_offsets", offsetsField, 2);
        int[] shape = new int[dims.length];
        long numel = 1;
        for (int d = 0; d < dims.length; d++) {
            if (dims[d] > Integer.MAX_VALUE) {
                throw fail(file, where + ": shape " + Arrays.toString(dims) + " has a dim over 2^31-1");
            }
            shape[d] = (int) dims[d];
            // Saturate just past the int range: with dims < 2^31 the product cannot overflow a long.
            numel = Math.min(numel * dims[d], (long) Integer.MAX_VALUE + 1);
        }
        if (numel > Integer.MAX_VALUE) {
            throw fail(file, where + ": shape " + Arrays.toString(shape) + " has more than 2^31-1 elements,"
                    + " the most a Sfumato tensor holds");
        }
        long begin = offsets[0];
        long end = offsets[1];
        String range = "data_offsets [" + begin + ", " + end + "]";
        if (end < begin) {
            throw fail(file, where + ": " + range + " end before they begin");
        }
        long need = numel * dtype.bytes;
        if (end - begin != need) {
            throw fail(file, where + ": " + range + " hold " + (end - begin) + " bytes but dtype " + dtype
                    + " and shape " + Arrays.toString(shape) + " need " + need);
        }
        return new Entry(key, dtype, shape, begin, end);
    }

    private static Object require(Path file, String where, Map<?, ?> info, String field) throws SafetensorsException {
        if (!info.containsKey(field)) {
            throw fail(file, where + ": missing field '" + field + "'");
        }
        return info.get(field);
    }

    /** A JSON array of non-negative integers; {@code length} -1 means any length. */
    private static long[] integers(Path file, String where, String field, Object value, int length)
            throws SafetensorsException {
        String what = "field '" + field + "' must be " + (length < 0 ? "a list" : "a list of " + length)
                + " of non-negative integers";
        if (!(value instanceof List<?> list) || (length >= 0 && list.size() != length)) {
            throw fail(file, where + ": " + what + ", found " + describe(value));
        }
        long[] out = new long[list.size()];
        for (int i = 0; i < out.length; i++) {
            Object v = list.get(i);
            long x = -1;
            if (v instanceof Long l) {
                x = l;
            } else if (v instanceof BigDecimal b) {
                try {
                    x = b.longValueExact(); // 1e3 is 1000; 1.5 and 2^70 are errors
                } catch (ArithmeticException tooBigOrFractional) {
                    x = -1;
                }
            }
            if (x < 0) {
                throw fail(file, where + ": " + what + ", found " + describe(value));
            }
            out[i] = x;
        }
        return out;
    }

    /** Offsets sorted by begin must run 0, e0 = b1, e1 = b2, ... up to the buffer length. */
    private static void checkLayout(Path file, List<Entry> entries, long bufferBytes) throws SafetensorsException {
        long covered = 0;
        String previous = null;
        for (Entry e : entries) {
            String range = "data_offsets [" + e.begin() + ", " + e.end() + "]";
            if (e.begin() > covered) {
                throw fail(file, "tensor '" + e.key() + "': " + range + " leave bytes [" + covered + ", "
                        + e.begin() + ") of the data buffer unused; the format allows no holes");
            }
            if (e.begin() < covered) {
                throw fail(file, "tensor '" + e.key() + "': " + range + " overlap tensor '" + previous
                        + "', which ends at " + covered);
            }
            covered = e.end();
            previous = e.key();
        }
        if (covered > bufferBytes) {
            throw fail(file, "data is truncated: the header describes " + covered + " bytes of tensor data but"
                    + " only " + bufferBytes + " follow the header");
        }
        if (covered < bufferBytes) {
            throw fail(file, "the file has " + bufferBytes + " bytes of tensor data after the header but the"
                    + " tensors cover only " + covered + "; the format allows no trailing bytes");
        }
    }

    private static Tensor readTensor(FileChannel channel, Path file, long dataStart, Entry e) throws IOException {
        int numel = (int) ((e.end() - e.begin()) / e.dtype().bytes);
        float[] values = new float[numel];
        int perChunk = CHUNK_BYTES / e.dtype().bytes;
        for (int done = 0; done < numel; done += perChunk) {
            int count = Math.min(perChunk, numel - done);
            long position = dataStart + e.begin() + (long) done * e.dtype().bytes;
            ByteBuffer bytes = readFully(channel, file, position, count * e.dtype().bytes);
            e.dtype().decode(bytes.order(ByteOrder.LITTLE_ENDIAN), values, done, count);
        }
        return Tensor.wrap(values, e.shape());
    }

    private static ByteBuffer readFully(FileChannel channel, Path file, long position, int length) throws IOException {
        ByteBuffer buf = ByteBuffer.allocate(length);
        while (buf.hasRemaining()) {
            if (channel.read(buf, position + buf.position()) < 0) {
                throw new EOFException(file + ": file ended at byte " + (position + buf.position())
                        + " while reading " + length + " bytes from " + position + " (was it truncated meanwhile?)");
            }
        }
        return buf.flip();
    }

    private static String decodeUtf8(Path file, ByteBuffer bytes) throws SafetensorsException {
        try {
            CharBuffer chars = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(bytes);
            return chars.toString();
        } catch (CharacterCodingException e) {
            throw new SafetensorsException(file + ": header is not valid UTF-8", e);
        }
    }

    private static String describe(Object jsonValue) {
        if (jsonValue instanceof String s) {
            return Json.quote(s);
        }
        String s = String.valueOf(jsonValue);
        return s.length() > 60 ? s.substring(0, 60) + "..." : s;
    }

    private static SafetensorsException fail(Path file, String message) {
        return new SafetensorsException(file + ": " + message);
    }

    // ---------------------------------------------------------------------------------------------
    // Matching a model
    // ---------------------------------------------------------------------------------------------

    /**
     * Checks loaded tensors against the model's, like the checks of PyTorch's {@code load_state_dict}: a key in
     * both must have one shape; when {@code strict}, every expected key must be loaded and nothing else.
     * Errors: one {@link SafetensorsException} naming the file and listing every mismatch (key and both
     * shapes), then the missing and unexpected keys.
     */
    public static void checkShapes(Map<String, Tensor> expected, Map<String, Tensor> loaded, Path file, boolean strict)
            throws SafetensorsException {
        List<String> problems = new ArrayList<>();
        List<String> missing = new ArrayList<>();
        for (Map.Entry<String, Tensor> e : expected.entrySet()) {
            Tensor got = loaded.get(e.getKey());
            if (got == null) {
                missing.add(e.getKey());
            } else if (!Arrays.equals(got.shape(), e.getValue().shape())) {
                problems.add("tensor '" + e.getKey() + "' has shape " + Arrays.toString(got.shape())
                        + " in the file but " + Arrays.toString(e.getValue().shape()) + " in the model");
            }
        }
        if (strict) {
            List<String> unexpected = new ArrayList<>();
            for (String key : loaded.keySet()) {
                if (!expected.containsKey(key)) {
                    unexpected.add(key);
                }
            }
            if (!missing.isEmpty()) {
                problems.add("missing keys " + missing);
            }
            if (!unexpected.isEmpty()) {
                problems.add("unexpected keys " + unexpected);
            }
        }
        if (!problems.isEmpty()) {
            throw fail(file, "does not match the model: " + String.join("; ", problems));
        }
    }
}
