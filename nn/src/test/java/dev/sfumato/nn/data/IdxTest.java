package dev.sfumato.nn.data;

import dev.sfumato.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.GZIPOutputStream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class IdxTest {

    @TempDir
    Path dir;

    // ---------------------------------------------------------------------------------------------
    // Helpers: IDX files written by the test itself
    // ---------------------------------------------------------------------------------------------

    /** Magic {@code 00 00 type ndims}, big-endian int32 dims, then {@code payload}. */
    private static byte[] idx(int type, int[] dims, byte[] payload) {
        ByteBuffer b = ByteBuffer.allocate(4 + 4 * dims.length + payload.length);
        b.put((byte) 0).put((byte) 0).put((byte) type).put((byte) dims.length);
        for (int d : dims) {
            b.putInt(d);
        }
        return b.put(payload).array();
    }

    private static byte[] gzip(byte[] bytes) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream z = new GZIPOutputStream(out)) {
            z.write(bytes);
        }
        return out.toByteArray();
    }

    private Path file(String name, byte[] bytes) throws IOException {
        Path f = dir.resolve(name);
        Files.write(f, bytes);
        return f;
    }

    private static byte[] unsignedBytes(int... values) {
        byte[] b = new byte[values.length];
        for (int i = 0; i < values.length; i++) {
            b[i] = (byte) values[i];
        }
        return b;
    }

    private static String readError(Path file) {
        IdxException e = assertThrows(IdxException.class, () -> Idx.read(file));
        assertTrue(e.getMessage().startsWith(file.toString()), e.getMessage());
        return e.getMessage();
    }

    private static void assertContains(String message, String... parts) {
        for (String p : parts) {
            assertTrue(message.contains(p), () -> "expected '" + p + "' in: " + message);
        }
    }

    // ---------------------------------------------------------------------------------------------
    // Reading
    // ---------------------------------------------------------------------------------------------

    @Test
    void readsUnsignedBytesRawAndGzippedWhateverTheName() throws IOException {
        byte[] bytes = idx(0x08, new int[] {2, 3}, unsignedBytes(0, 1, 127, 128, 254, 255));
        float[] expected = {0, 1, 127, 128, 254, 255};
        for (Path f : new Path[] {file("raw-idx", bytes), file("zipped-idx", gzip(bytes)), file("raw.gz", bytes)}) {
            Tensor t = Idx.read(f);
            assertArrayEquals(new int[] {2, 3}, t.shape(), f.toString());
            assertArrayEquals(expected, t.toArray(), f.toString());
        }
    }

    @Test
    void readsEveryIdxTypeBigEndian() throws IOException {
        assertArrayEquals(new float[] {-128, -1, 0, 127},
                Idx.read(file("b", idx(0x09, new int[] {4}, unsignedBytes(0x80, 0xFF, 0x00, 0x7F)))).toArray());
        byte[] shorts = ByteBuffer.allocate(6).putShort((short) -32768).putShort((short) 1234).putShort((short) -1).array();
        assertArrayEquals(new float[] {-32768, 1234, -1}, Idx.read(file("s", idx(0x0B, new int[] {3}, shorts))).toArray());
        byte[] ints = ByteBuffer.allocate(12).putInt(Integer.MIN_VALUE).putInt(16_777_216).putInt(-7).array();
        assertArrayEquals(new float[] {-2147483648f, 16_777_216f, -7f},
                Idx.read(file("i", idx(0x0C, new int[] {3}, ints))).toArray());
        byte[] floats = ByteBuffer.allocate(12).putFloat(1.5f).putFloat(-0f).putFloat(Float.MAX_VALUE).array();
        assertArrayEquals(new float[] {1.5f, -0f, Float.MAX_VALUE},
                Idx.read(file("f", idx(0x0D, new int[] {3}, floats))).toArray());
        byte[] doubles = ByteBuffer.allocate(16).putDouble(0.1).putDouble(-2.5).array();
        assertArrayEquals(new float[] {0.1f, -2.5f}, Idx.read(file("d", idx(0x0E, new int[] {1, 2}, doubles))).toArray());
    }

    @Test
    void readsScalarsSizeZeroDimsAndHigherRanks() throws IOException {
        Tensor scalar = Idx.read(file("scalar", idx(0x08, new int[0], unsignedBytes(200))));
        assertArrayEquals(new int[0], scalar.shape());
        assertEquals(200f, scalar.item());
        Tensor empty = Idx.read(file("empty", idx(0x08, new int[] {0, 28, 28}, new byte[0])));
        assertArrayEquals(new int[] {0, 28, 28}, empty.shape());
        byte[] four = new byte[2 * 3 * 4 * 5];
        for (int i = 0; i < four.length; i++) {
            four[i] = (byte) i;
        }
        Tensor t = Idx.read(file("rank4", gzip(idx(0x08, new int[] {2, 3, 4, 5}, four))));
        assertArrayEquals(new int[] {2, 3, 4, 5}, t.shape());
        assertEquals(119f, t.get(1, 2, 3, 4));
        assertEquals(23f, t.get(0, 1, 0, 3));
    }

    @Test
    void readsAcrossChunkBoundaries() throws IOException {
        int n = 300_007; // 1.2 MB of ints: more than one 1 MiB chunk, with a ragged tail
        ByteBuffer ints = ByteBuffer.allocate(4 * n);
        float[] expected = new float[n];
        for (int i = 0; i < n; i++) {
            ints.putInt(i * 7 - 1_000_000);
            expected[i] = i * 7 - 1_000_000;
        }
        assertArrayEquals(expected, Idx.read(file("big", gzip(idx(0x0C, new int[] {n}, ints.array())))).toArray());
    }

    @Test
    void readsImagesAndLabelsScaledToUnitRange() throws IOException {
        // 3 images of 2x2.
        Path images = file("imgs", gzip(idx(0x08, new int[] {3, 2, 2},
                unsignedBytes(0, 255, 51, 102, 1, 2, 3, 4, 255, 255, 0, 0))));
        Path labels = file("labels", idx(0x08, new int[] {3}, unsignedBytes(9, 0, 3)));
        LabeledImages data = Idx.readImagesAndLabels(images, labels);
        assertArrayEquals(new int[] {3, 1, 2, 2}, data.images().shape());
        assertArrayEquals(new float[] {0f, 1f, 0.2f, 0.4f, 1 / 255f, 2 / 255f, 3 / 255f, 4 / 255f, 1f, 1f, 0f, 0f},
                data.images().toArray());
        assertArrayEquals(new int[] {3}, data.labels().shape());
        assertArrayEquals(new float[] {9, 0, 3}, data.labels().toArray());
    }

    // ---------------------------------------------------------------------------------------------
    // Errors: each names the file and the field
    // ---------------------------------------------------------------------------------------------

    @Test
    void imageAndLabelCountsMustMatch() throws IOException {
        Path images = file("train-images", idx(0x08, new int[] {3, 2, 2}, new byte[12]));
        Path labels = file("train-labels", idx(0x08, new int[] {2}, new byte[2]));
        IdxException e = assertThrows(IdxException.class, () -> Idx.readImagesAndLabels(images, labels));
        assertEquals(images + " holds 3 images but " + labels + " holds 2 labels", e.getMessage());
    }

    @Test
    void imagesAndLabelsMustHaveTheRightRankAndType() throws IOException {
        Path images = file("images", idx(0x08, new int[] {2, 2, 2}, new byte[8]));
        Path flat = file("flat", idx(0x08, new int[] {2, 4}, new byte[8]));
        Path floats = file("floats", idx(0x0D, new int[] {2, 1, 1}, new byte[8]));
        Path labels = file("labels", idx(0x08, new int[] {2}, new byte[2]));
        Path labels2d = file("labels2d", idx(0x08, new int[] {2, 1}, new byte[2]));
        assertContains(assertThrows(IdxException.class, () -> Idx.readImagesAndLabels(flat, labels)).getMessage(),
                flat + ": images must have dims [N, H, W], found [2, 4]");
        assertContains(assertThrows(IdxException.class, () -> Idx.readImagesAndLabels(floats, labels)).getMessage(),
                floats + ": images must be unsigned bytes", "found float");
        assertContains(assertThrows(IdxException.class, () -> Idx.readImagesAndLabels(images, labels2d)).getMessage(),
                labels2d + ": labels must have dims [N], found [2, 1]");
    }

    @Test
    void badMagic() throws IOException {
        assertContains(readError(file("zip", new byte[] {'P', 'K', 3, 4, 0, 0})),
                "bad magic number 0x504B0304", "two zero bytes");
    }

    @Test
    void unsupportedTypeCode() throws IOException {
        assertContains(readError(file("t", idx(0x0A, new int[] {1}, new byte[1]))),
                "unsupported type code 0x0A", "0x08 unsigned byte");
    }

    @Test
    void truncatedData() throws IOException {
        byte[] cut = idx(0x08, new int[] {10, 28, 28}, new byte[5000]);
        assertContains(readError(file("cut", cut)),
                "data is truncated: dims [10, 28, 28] of unsigned byte need 7840 bytes but only 5000 follow");
        assertContains(readError(file("cut-zipped", gzip(cut))), "need 7840 bytes but only 5000 follow");
        byte[] doubles = idx(0x0E, new int[] {3}, new byte[20]);
        assertContains(readError(file("cut-doubles", doubles)), "of double need 24 bytes but only 20 follow");
    }

    @Test
    void truncatedHeaderAndTinyFiles() throws IOException {
        assertContains(readError(file("empty", new byte[0])), "file is 0 bytes, too short for the 4-byte IDX magic");
        byte[] header = Arrays.copyOf(idx(0x08, new int[] {60000, 28, 28}, new byte[0]), 10);
        assertContains(readError(file("header", header)),
                "header is truncated: 3 dims need 12 bytes of sizes but only 6 follow");
    }

    @Test
    void negativeDims() throws IOException {
        assertContains(readError(file("neg", idx(0x08, new int[] {2, -5}, new byte[0]))),
                "dim 1 has negative size -5");
    }

    @Test
    void tooManyValues() throws IOException {
        assertContains(readError(file("huge", idx(0x08, new int[] {65536, 65536}, new byte[0]))),
                "dims [65536, 65536] hold more than 2^31-1 values");
    }

    @Test
    void extraBytesAfterTheData() throws IOException {
        assertContains(readError(file("long", idx(0x08, new int[] {2, 2}, new byte[7]))),
                "3 extra bytes after the 4 bytes of data that dims [2, 2] of unsigned byte need");
    }

    @Test
    void corruptGzip() throws IOException {
        byte[] zipped = gzip(idx(0x08, new int[] {100}, new byte[100]));
        assertContains(readError(file("cut.gz", Arrays.copyOf(zipped, zipped.length - 12))),
                "corrupt or truncated gzip data");
        assertContains(readError(file("fake.gz", new byte[] {0x1f, (byte) 0x8b, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10})),
                "corrupt or truncated gzip data");
    }

    @Test
    void aMissingFileSaysWhichPath() {
        Path missing = dir.resolve("t10k-images-idx3-ubyte.gz");
        NoSuchFileException e = assertThrows(NoSuchFileException.class, () -> Idx.read(missing));
        assertEquals(missing + ": no such file", e.getMessage());
    }

    @Test
    void aMissingSystemDatasetSaysHowToInstallIt() {
        Path missing = Path.of("/usr/share/datasets/no-such-dataset-for-sfumato/train-images-idx3-ubyte.gz");
        assertFalse(Files.exists(missing));
        NoSuchFileException e = assertThrows(NoSuchFileException.class, () -> Idx.read(missing));
        assertContains(e.getMessage(), missing.toString(), "apt-get install dataset-fashion-mnist", "--data DIR");
    }
}
