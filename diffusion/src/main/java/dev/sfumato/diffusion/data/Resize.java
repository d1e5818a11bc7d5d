package dev.sfumato.diffusion.data;

/**
 * Separable image resampling of one float plane [H, W]: bilinear or area, then a center crop.
 *
 * <p>Each mode is a table of weights per output index (which source pixels, how much), applied along W
 * then along H.
 * <ul>
 *   <li>Bilinear: half-pixel centres, as {@code torch.nn.functional.interpolate(mode="bilinear",
 *       align_corners=False)} without antialiasing: source coordinate {@code max(0, (o + 0.5) in/out − 0.5)}.
 *       Good for enlarging.</li>
 *   <li>Area: each output pixel averages the source interval {@code [o in/out, (o + 1) in/out)} it covers,
 *       fractional pixels weighted by their overlap (a box filter, as PIL's {@code BOX} and OpenCV's
 *       {@code INTER_AREA}). Good for shrinking: no aliasing.</li>
 * </ul>
 */
public enum Resize {
    BILINEAR,
    AREA;

    /** Source indices and weights for each output index. */
    private record Taps(int[][] index, float[][] weight) {}

    private Taps taps(int in, int out) {
        int[][] index = new int[out][];
        float[][] weight = new float[out][];
        double scale = (double) in / out;
        for (int o = 0; o < out; o++) {
            if (this == BILINEAR) {
                double src = Math.max(0.0, (o + 0.5) * scale - 0.5);
                int i0 = Math.min((int) src, in - 1);
                int i1 = Math.min(i0 + 1, in - 1);
                float l = (float) (src - i0);
                index[o] = new int[] {i0, i1};
                weight[o] = new float[] {1f - l, l};
            } else {
                double start = o * scale;
                double end = (o + 1) * scale;
                int first = (int) Math.floor(start);
                int last = Math.min((int) Math.ceil(end), in) - 1;
                index[o] = new int[last - first + 1];
                weight[o] = new float[last - first + 1];
                for (int i = first; i <= last; i++) {
                    double overlap = Math.min(end, i + 1) - Math.max(start, i);
                    index[o][i - first] = i;
                    weight[o][i - first] = (float) (overlap / scale);
                }
            }
        }
        return new Taps(index, weight);
    }

    /** {@code src} [h, w] resampled to [outH, outW]. */
    float[] resample(float[] src, int h, int w, int outH, int outW) {
        if (h == outH && w == outW) {
            return src.clone();
        }
        // 1. Along W: [h, w] -> [h, outW].
        Taps tw = taps(w, outW);
        float[] rows = new float[h * outW];
        for (int y = 0; y < h; y++) {
            for (int o = 0; o < outW; o++) {
                float s = 0f;
                for (int k = 0; k < tw.index[o].length; k++) {
                    s += tw.weight[o][k] * src[y * w + tw.index[o][k]];
                }
                rows[y * outW + o] = s;
            }
        }
        // 2. Along H: [h, outW] -> [outH, outW].
        Taps th = taps(h, outH);
        float[] out = new float[outH * outW];
        for (int o = 0; o < outH; o++) {
            for (int x = 0; x < outW; x++) {
                float s = 0f;
                for (int k = 0; k < th.index[o].length; k++) {
                    s += th.weight[o][k] * rows[th.index[o][k] * outW + x];
                }
                out[o * outW + x] = s;
            }
        }
        return out;
    }

    /**
     * {@code src} [h, w] with its shorter side resized to {@code size} (the longer side keeps the aspect
     * ratio, rounded down, as torchvision's {@code Resize(size)}), then center-cropped to [size, size] with
     * the crop offset {@code round((len − size) / 2)}, halves to even as Python's {@code round}, as
     * torchvision's {@code CenterCrop}.
     */
    float[] resizeAndCenterCrop(float[] src, int h, int w, int size) {
        int rh = h <= w ? size : (int) ((long) size * h / w);
        int rw = h <= w ? (int) ((long) size * w / h) : size;
        float[] resized = resample(src, h, w, rh, rw);
        int top = (int) Math.rint((rh - size) / 2.0);
        int left = (int) Math.rint((rw - size) / 2.0);
        float[] out = new float[size * size];
        for (int y = 0; y < size; y++) {
            System.arraycopy(resized, (top + y) * rw + left, out, y * size, size);
        }
        return out;
    }
}
