package dev.sfumato.nn.examples;

import dev.sfumato.autograd.Variable;
import dev.sfumato.nn.Module;
import dev.sfumato.nn.layers.Conv2d;
import dev.sfumato.nn.layers.Dropout;
import dev.sfumato.nn.layers.Linear;
import dev.sfumato.nn.layers.MaxPool2d;
import dev.sfumato.tensor.Generator;

/**
 * A small convolutional classifier for Fashion-MNIST (Xiao et al. 2017): two 3×3 convolutions with max
 * pooling, then a 128-unit hidden layer whose activations are the image features of the FID.
 *
 * <pre>
 *   x [N, 1, 28, 28] in [−1, 1]
 *   conv1  Conv2d(1, 32, 3, padding=1), ReLU, MaxPool2d(2)   → [N, 32, 14, 14]
 *   conv2  Conv2d(32, 64, 3, padding=1), ReLU, MaxPool2d(2)  → [N, 64, 7, 7]
 *   flatten                                                  → [N, 3136]
 *   fc1    Linear(3136, 128), ReLU                           → [N, 128]   = features(x)
 *   Dropout(p)                                               (training only)
 *   fc2    Linear(128, 10)                                   → [N, 10]    = forward(x), logits
 * </pre>
 *
 * <p>Inputs are in [−1, 1], the diffusion convention (Ho et al. 2020, §4: byte b ↦ 2b/255 − 1), not
 * torchvision's [0, 1]: a model trained here scores generated samples directly, and real images must be
 * scaled the same way. State-dict keys are {@code conv1.weight}, {@code conv1.bias}, ..., {@code fc2.bias},
 * as the same model written in PyTorch would have. 421,642 parameters; default dropout 0.25.
 */
public final class FashionMnistCnn extends Module {

    /** Classes of Fashion-MNIST. */
    public static final int NUM_CLASSES = 10;

    /** Width of the feature layer fc1, the D of the FID features. */
    public static final int FEATURE_DIM = 128;

    /** Dropout before the last layer, unless given. */
    public static final double DEFAULT_DROPOUT = 0.25;

    private final Conv2d conv1;
    private final Conv2d conv2;
    private final MaxPool2d pool;
    private final Linear fc1;
    private final Dropout dropout;
    private final Linear fc2;

    /** The model with PyTorch's default init drawn from {@code g}, which also drives the dropout masks. */
    public FashionMnistCnn(Generator g) {
        this(g, DEFAULT_DROPOUT);
    }

    /** The model with init and dropout masks from {@code g} and dropout probability {@code p}. */
    public FashionMnistCnn(Generator g, double p) {
        conv1 = registerModule("conv1", Conv2d.builder(1, 32, 3).padding(1).generator(g).build());
        conv2 = registerModule("conv2", Conv2d.builder(32, 64, 3).padding(1).generator(g).build());
        pool = registerModule("pool", new MaxPool2d(2));
        fc1 = registerModule("fc1", Linear.builder(64 * 7 * 7, FEATURE_DIM).generator(g).build());
        dropout = registerModule("dropout", new Dropout(p, g));
        fc2 = registerModule("fc2", Linear.builder(FEATURE_DIM, NUM_CLASSES).generator(g).build());
    }

    /** The penultimate activations: x [N, 1, 28, 28] in [−1, 1] → [N, 128], non-negative (after ReLU). */
    public Variable features(Variable x) {
        requireImages(x);
        Variable h = pool.forward(conv1.forward(x).relu()); // [N, 32, 14, 14]
        h = pool.forward(conv2.forward(h).relu());          // [N, 64, 7, 7]
        return fc1.forward(h.flatten(1, -1)).relu();        // [N, 128]
    }

    /** The class logits: x [N, 1, 28, 28] in [−1, 1] → [N, 10]. */
    @Override
    public Variable forward(Variable x) {
        return fc2.forward(dropout.forward(features(x))); // [N, 10]
    }

    private static void requireImages(Variable x) {
        int[] s = x.shape();
        if (s.length != 4 || s[1] != 1 || s[2] != 28 || s[3] != 28) {
            throw new IllegalArgumentException("FashionMnistCnn takes images [N, 1, 28, 28], got "
                    + java.util.Arrays.toString(s));
        }
    }
}
