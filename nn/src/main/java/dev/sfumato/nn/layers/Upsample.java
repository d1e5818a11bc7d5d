package dev.sfumato.nn.layers;

import dev.sfumato.autograd.Variable;
import dev.sfumato.nn.Module;
import dev.sfumato.nn.functional.Pooling;

/**
 * Nearest-neighbour upsampling by an integer factor, like {@code nn.Upsample(scale_factor=2, mode='nearest')},
 * the U-Net's upsampling before its conv. Only the nearest mode exists.
 */
public class Upsample extends Module {

    private final int scaleFactor;

    public Upsample(int scaleFactor) {
        if (scaleFactor < 1) {
            throw new IllegalArgumentException("Upsample: scale_factor must be a positive integer, got " + scaleFactor);
        }
        this.scaleFactor = scaleFactor;
    }

    /** x [N, C, H, W] → [N, C, H·s, W·s]. */
    @Override
    public Variable forward(Variable x) {
        return Pooling.upsampleNearest2d(x, scaleFactor, scaleFactor);
    }

    @Override
    protected String extraRepr() {
        return "scale_factor=" + scaleFactor + ".0, mode='nearest'";
    }
}
