package dev.sfumato.nn.functional;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;

import static dev.sfumato.nn.functional.Draw.check;

/**
 * Gradient checks of max, average and adaptive-average pooling and nearest upsampling over random
 * windows, strides and paddings, including sizes the stride does not divide and adaptive bins that
 * overlap (output larger than a fraction of the input).
 */
class PoolingGradientProperties {

    /**
     * Max pooling is differentiable away from ties, so inputs are a shuffled ramp with gaps of 0.04 and at
     * most 48 elements: every value lies within ±1, where GradCheck's step is h = 2^-7, and two values
     * never come within 4h ≈ 0.031 of each other, so no perturbation changes a window's winner.
     */
    @Property(tries = 40)
    @GradientOf(nodes = Pooling.MaxPool2d.class, functions = "Pooling.maxPool2d")
    void maxPool2d(@ForAll long seed) {
        Draw d = new Draw(seed);
        int[] kernel = {d.between(1, 3), d.between(1, 3)};
        int[] stride = {d.between(1, 3), d.between(1, 3)};
        int[] padding = {d.between(0, kernel[0] / 2), d.between(0, kernel[1] / 2)};
        int c = d.between(1, 2);
        int h = Math.max(1, kernel[0] - 2 * padding[0]) + d.between(0, 3);
        int w = Math.max(1, kernel[1] - 2 * padding[1]) + d.between(0, 3);
        int n = c * h * w <= 24 ? d.between(1, 2) : 1;
        check(in -> Pooling.maxPool2d(in.get(0), kernel, stride, padding), d.distinct(0.04f, n, c, h, w));
    }

    @Property(tries = 40)
    @GradientOf(nodes = Pooling.AvgPool2d.class, functions = "Pooling.avgPool2d")
    void avgPool2d(@ForAll long seed) {
        Draw d = new Draw(seed);
        int[] kernel = {d.between(1, 3), d.between(1, 3)};
        int[] stride = {d.between(1, 3), d.between(1, 3)};
        int[] padding = {d.between(0, kernel[0] / 2), d.between(0, kernel[1] / 2)};
        boolean countIncludePad = d.coin();
        int h = Math.max(1, kernel[0] - 2 * padding[0]) + d.between(0, 3);
        int w = Math.max(1, kernel[1] - 2 * padding[1]) + d.between(0, 3);
        check(in -> Pooling.avgPool2d(in.get(0), kernel, stride, padding, countIncludePad),
                d.normal(d.between(1, 2), d.between(1, 2), h, w));
    }

    @Property(tries = 30)
    @GradientOf(nodes = Pooling.AdaptiveAvgPool2d.class, functions = "Pooling.adaptiveAvgPool2d")
    void adaptiveAvgPool2d(@ForAll long seed) {
        Draw d = new Draw(seed);
        int h = d.between(1, 7);
        int w = d.between(1, 7);
        int outH = d.between(1, h + 1);
        int outW = d.between(1, w + 1);
        check(in -> Pooling.adaptiveAvgPool2d(in.get(0), outH, outW), d.normal(d.between(1, 2), d.between(1, 2), h, w));
    }

    @Property(tries = 20)
    @GradientOf(nodes = Pooling.UpsampleNearest2d.class, functions = "Pooling.upsampleNearest2d")
    void upsampleNearest2d(@ForAll long seed) {
        Draw d = new Draw(seed);
        int sH = d.between(1, 3);
        int sW = d.between(1, 3);
        check(in -> Pooling.upsampleNearest2d(in.get(0), sH, sW),
                d.normal(d.between(1, 2), d.between(1, 2), d.between(1, 3), d.between(1, 3)));
    }
}
