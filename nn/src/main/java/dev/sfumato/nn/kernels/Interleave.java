package dev.sfumato.nn.kernels;

import dev.sfumato.tensor.kernels.Kernels;
import dev.sfumato.tensor.kernels.Transpose;

/**
 * Blocks of {@link #BLOCK} samples interleaved in the vector lanes, {@code xi[t·BLOCK + s] = x_s[t]}, and back:
 * the layout of the convolutions' exact-column paths ({@link ShiftedWindows#interleavedColumns}, {@link
 * Im2Col#col2imInterleaved}). With eight-lane vectors each move is a run of 8×8 blocks transposed in registers;
 * the plain loops are the twins ({@code vectors == false}).
 */
final class Interleave {

    /** Samples per block: one per vector lane. */
    static final int BLOCK = Kernels.F.length();

    private Interleave() {}

    /**
     * {@code out[(o·pixels + k)·BLOCK + s] = src[off + s·sampleStride + o·pixels + k]} for {@code rows} rows o of
     * {@code pixels} floats each and the {@code count <= BLOCK} samples s; zero in the lanes past {@code count}.
     */
    static void rows(float[] src, int off, int sampleStride, int count, int rows, int pixels, float[] out,
                     boolean vectors) {
        for (int o = 0; o < rows; o++) {
            row(src, off + o * pixels, sampleStride, count, pixels, out, o * pixels * BLOCK, vectors);
        }
    }

    /**
     * One row: {@code out[to + k·BLOCK + s] = src[from + s·sampleStride + k]} for the {@code pixels} pixels k and
     * the {@code count <= BLOCK} samples s; zero in the lanes past {@code count}.
     */
    static void row(float[] src, int from, int sampleStride, int count, int pixels, float[] out, int to,
                    boolean vectors) {
        boolean transposes = vectors && count == BLOCK && BLOCK == 8;
        if (transposes && pixels >= 8) {
            // Eight samples' rows, eight pixels at a time; the last block overlaps the one before it.
            for (int k = 0; ; k += 8) {
                k = Math.min(k, pixels - 8);
                Transpose.transpose8(src, from + k, sampleStride, out, to + k * BLOCK, BLOCK, BLOCK, false, 0f);
                if (k == pixels - 8) {
                    break;
                }
            }
        } else if (transposes && from + 7 * sampleStride + 8 <= src.length) {
            // A row shorter than a vector (7×7): the eight floats read run past it, and only its own pixels'
            // transposed rows are stored.
            Transpose.transpose8(src, from, sampleStride, out, to, BLOCK, pixels, false, 0f);
        } else {
            for (int k = 0; k < pixels; k++) {
                for (int s = 0; s < BLOCK; s++) {
                    out[to + k * BLOCK + s] = s < count ? src[from + s * sampleStride + k] : 0f;
                }
            }
        }
    }

    /**
     * The way back: {@code out[outOff + s·sampleStride + o·rowStride + k] = in[o·inRowStride + k·BLOCK + s]}
     * ({@code + bias[b0 + o]} when there is a bias) for {@code rows} rows o, {@code pixels} pixels k and the
     * {@code count} samples s.
     */
    static void scatter(float[] in, int inRowStride, int rows, int pixels, int count, float[] out, int outOff,
                        int rowStride, int sampleStride, float[] bias, int b0, boolean vectors) {
        for (int o = 0; o < rows; o++) {
            float b = bias == null ? 0f : bias[b0 + o];
            int dst0 = outOff + o * rowStride;
            if (vectors && BLOCK == 8 && pixels >= 8) {
                // Eight pixels of all the samples at a time (64 contiguous floats), transposed in registers into
                // eight rows of eight pixels, one per sample; the last block overlaps the one before it.
                for (int k = 0; ; k += 8) {
                    k = Math.min(k, pixels - 8);
                    Transpose.transpose8(in, o * inRowStride + k * BLOCK, BLOCK, out, dst0 + k, sampleStride, count,
                            bias != null, b);
                    if (k == pixels - 8) {
                        break;
                    }
                }
                continue;
            }
            for (int s = 0; s < count; s++) {                             // row o's floats stay in L1
                int src = o * inRowStride + s;
                int dst = dst0 + s * sampleStride;
                if (bias == null) {
                    for (int k = 0; k < pixels; k++) {
                        out[dst + k] = in[src + k * BLOCK];
                    }
                } else {
                    for (int k = 0; k < pixels; k++) {
                        out[dst + k] = in[src + k * BLOCK] + b;
                    }
                }
            }
        }
    }
}
