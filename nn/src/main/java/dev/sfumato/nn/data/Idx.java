package dev.sfumato.nn.data;

import dev.sfumato.tensor.Tensor;

import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;

/**
 * Reads IDX files, the format of MNIST and Fashion-MNIST, into float32 tensors.
 *
 * <p>Format (LeCun et al., "The IDX file format"): bytes {@code 0x00 0x00 type ndims}; ndims big-endian int32
 * sizes; then the values in row-major order, big-endian, of type 0x08 unsigned byte, 0x09 signed byte,
 * 0x0B short, 0x0C int, 0x0D float or 0x0E double. Gzipped files are recognised by their magic bytes
 * {@code 1f 8b}, not by the name. Values become float32: bytes and shorts exactly, ints exactly up to 2^24,
 * doubles rounded to nearest.
 *
 * <p>Errors: an {@link IdxException} naming the file and the field (magic number, type code, dim, data with
 * expected and actual byte counts, extra bytes after the data, a corrupt gzip stream); a missing file is a
 * {@link NoSuchFileException} that says which path and, under /usr/share/datasets, how to install it.
 */
public final class Idx {

    private static final int CHUNK_BYTES = 1 << 20;
    private static final int BUFFER_BYTES = 1 << 16;

    private Idx() {}

    /** The element types of the IDX format, with the type code of the magic number. */
    private enum Type {
        UBYTE(0x08, 1, "unsigned byte"),
        BYTE(0x09, 1, "signed byte"),
        SHORT(0x0B, 2, "short"),
        INT(0x0C, 4, "int"),
        FLOAT(0x0D, 4, "float"),
        DOUBLE(0x0E, 8, "double");

        final int code;
        final int bytes;
        final String label;

        Type(int code, int bytes, String label) {
            this.code = code;
            this.bytes = bytes;
            this.label = label;
        }

        static Type of(int code) {
            for (Type t : values()) {
                if (t.code == code) {
                    return t;
                }
            }
            return null;
        }

        /** Decodes {@code count} big-endian values from {@code chunk} into {@code out[off..]}. */
        void decode(byte[] chunk, float[] out, int off, int count) {
            ByteBuffer in = ByteBuffer.wrap(chunk); // big-endian, as the format
            switch (this) {
                case UBYTE -> {
                    for (int i = 0; i < count; i++) {
                        out[off + i] = chunk[i] & 0xFF;
                    }
                }
                case BYTE -> {
                    for (int i = 0; i < count; i++) {
                        out[off + i] = chunk[i];
                    }
                }
                case SHORT -> {
                    for (int i = 0; i < count; i++) {
                        out[off + i] = in.getShort();
                    }
                }
                case INT -> {
                    for (int i = 0; i < count; i++) {
                        out[off + i] = in.getInt();
                    }
                }
                case FLOAT -> in.asFloatBuffer().get(out, off, count);
                case DOUBLE -> {
                    for (int i = 0; i < count; i++) {
                        out[off + i] = (float) in.getDouble();
                    }
                }
            }
        }
    }

    /** The decoded values and the type they were stored as. */
    private record Contents(Type type, int[] dims, float[] values) {}

    /** The IDX file {@code file} (raw or gzipped) as a tensor with the file's dims, values as floats. */
    public static Tensor read(Path file) throws IOException {
        Contents c = contents(file);
        return Tensor.wrap(c.values(), c.dims());
    }

    /**
     * An images file [N, H, W] of unsigned bytes and a labels file [N], as images [N, 1, H, W] scaled to
     * [0, 1] and labels [N]. Errors: either file malformed, images not unsigned bytes or not 3-D, labels not
     * 1-D, or the two counts N differ (the message names both files and both counts).
     */
    public static LabeledImages readImagesAndLabels(Path images, Path labels) throws IOException {
        Contents lab = contents(labels); // the small file first: a mismatch fails before reading 47 MB
        if (lab.dims().length != 1) {
            throw new IdxException(labels + ": labels must have dims [N], found " + Arrays.toString(lab.dims()));
        }
        Contents img = contents(images);
        if (img.dims().length != 3) {
            throw new IdxException(images + ": images must have dims [N, H, W], found " + Arrays.toString(img.dims()));
        }
        if (img.type() != Type.UBYTE) {
            throw new IdxException(images + ": images must be unsigned bytes (0..255) to scale to [0, 1], found "
                    + img.type().label);
        }
        int n = img.dims()[0];
        if (n != lab.dims()[0]) {
            throw new IdxException(images + " holds " + n + " images but " + labels + " holds " + lab.dims()[0]
                    + " labels");
        }
        float[] pixels = img.values();
        for (int i = 0; i < pixels.length; i++) {
            pixels[i] /= 255f; // as torchvision's ToTensor: img.float().div(255)
        }
        int h = img.dims()[1];
        int w = img.dims()[2];
        return new LabeledImages(Tensor.wrap(pixels, n, 1, h, w), Tensor.wrap(lab.values(), n)); // [N, 1, H, W], [N]
    }

    private static Contents contents(Path file) throws IOException {
        try (InputStream in = open(file)) {
            // 1. Magic number: 0x00 0x00 type ndims.
            byte[] magic = in.readNBytes(4);
            if (magic.length < 4) {
                throw new IdxException(file + ": file is " + magic.length + " bytes, too short for the 4-byte"
                        + " IDX magic number");
            }
            int magicValue = ByteBuffer.wrap(magic).getInt();
            if (magic[0] != 0 || magic[1] != 0) {
                throw new IdxException(String.format("%s: bad magic number 0x%08X; an IDX file starts with two"
                        + " zero bytes, a type code and the number of dims", file, magicValue));
            }
            Type type = Type.of(magic[2] & 0xFF);
            if (type == null) {
                throw new IdxException(String.format("%s: unsupported type code 0x%02X in magic number 0x%08X;"
                        + " IDX types are 0x08 unsigned byte, 0x09 signed byte, 0x0B short, 0x0C int, 0x0D float,"
                        + " 0x0E double", file, magic[2] & 0xFF, magicValue));
            }
            // 2. Dims: ndims big-endian int32 sizes.
            int rank = magic[3] & 0xFF;
            byte[] sizes = in.readNBytes(4 * rank);
            if (sizes.length < 4 * rank) {
                throw new IdxException(file + ": header is truncated: " + rank + " dims need " + 4 * rank
                        + " bytes of sizes but only " + sizes.length + " follow the magic number");
            }
            ByteBuffer sizeBuffer = ByteBuffer.wrap(sizes);
            int[] dims = new int[rank];
            long numel = 1;
            for (int d = 0; d < rank; d++) {
                dims[d] = sizeBuffer.getInt();
                if (dims[d] < 0) {
                    throw new IdxException(file + ": dim " + d + " has negative size " + dims[d] + " (dims "
                            + Arrays.toString(Arrays.copyOf(dims, d + 1)) + "...)");
                }
                numel = Math.min(numel * dims[d], (long) Integer.MAX_VALUE + 1); // no overflow: dims < 2^31
            }
            if (numel > Integer.MAX_VALUE) {
                throw new IdxException(file + ": dims " + Arrays.toString(dims) + " hold more than 2^31-1 values,"
                        + " the most a Sfumato tensor holds");
            }
            // 3. Data, in bulk chunks.
            float[] values = new float[(int) numel];
            long expected = numel * type.bytes;
            byte[] chunk = new byte[CHUNK_BYTES];
            int perChunk = CHUNK_BYTES / type.bytes;
            for (int done = 0; done < values.length; ) {
                int count = Math.min(perChunk, values.length - done);
                int got = in.readNBytes(chunk, 0, count * type.bytes);
                if (got < count * type.bytes) {
                    throw new IdxException(file + ": data is truncated: dims " + Arrays.toString(dims) + " of "
                            + type.label + " need " + expected + " bytes but only " + ((long) done * type.bytes + got)
                            + " follow the header");
                }
                type.decode(chunk, values, done, count);
                done += count;
            }
            if (in.read() >= 0) {
                long extra = 1 + in.transferTo(OutputStream.nullOutputStream());
                throw new IdxException(file + ": " + extra + " extra bytes after the " + expected + " bytes of data"
                        + " that dims " + Arrays.toString(dims) + " of " + type.label + " need");
            }
            return new Contents(type, dims, values);
        } catch (ZipException | EOFException e) {
            // GZIPInputStream reports a damaged or cut-off stream this way; say which file.
            throw new IdxException(file + ": corrupt or truncated gzip data (" + e.getMessage() + ")", e);
        }
    }

    /** The file's bytes, decompressed when it starts with the gzip magic {@code 1f 8b}. */
    private static InputStream open(Path file) throws IOException {
        InputStream raw;
        try {
            raw = new BufferedInputStream(Files.newInputStream(file), BUFFER_BYTES);
        } catch (NoSuchFileException e) {
            throw missing(file);
        }
        raw.mark(2);
        int b0 = raw.read();
        int b1 = raw.read();
        raw.reset();
        if (b0 == 0x1f && b1 == 0x8b) {
            try {
                return new GZIPInputStream(raw, BUFFER_BYTES);
            } catch (IOException | RuntimeException e) {
                raw.close();
                throw e;
            }
        }
        return raw;
    }

    private static NoSuchFileException missing(Path file) {
        String hint = "no such file";
        if (file.toAbsolutePath().normalize().startsWith("/usr/share/datasets")) {
            hint += "; install the dataset with 'apt-get install dataset-fashion-mnist', or pass --data DIR"
                    + " with a directory that holds the IDX files";
        }
        return new NoSuchFileException(file.toString(), null, hint);
    }
}
