package dev.sfumato.diffusion.sampler;

import dev.sfumato.tensor.Tensor;

import java.util.List;

/**
 * Classifier-free guidance (Ho &amp; Salimans 2022, eq. 6) as a {@link Denoiser}: the output is
 * uncond + w · (cond − uncond), where cond is the model's output for the given labels and uncond its
 * output for the null class.
 *
 * <p>The scale follows diffusers' {@code guidance_scale}: w = 1 is the conditional model alone and w = 0
 * the unconditional one; the paper's w is this w − 1 (its eq. 6 reads (1 + w) cond − w uncond). The model
 * runs once, on the doubled batch {@code [cond; uncond]} of {@code [2N, C, H, W]}, with the null class
 * (the index the model was trained to treat as "no label", e.g. numClasses) in the second half. Shapes:
 * {@code xt [N, C, H, W]}, {@code t} and {@code classLabels [N]}.
 */
public final class ClassifierFreeGuidance implements Denoiser {

    private final Denoiser model;
    private final float guidanceScale;
    private final int nullClass;

    /**
     * @param model         a class-conditional denoiser trained with label dropout to {@code nullClass}
     * @param guidanceScale w; 1 means no guidance
     * @param nullClass     the label index of the unconditional model
     */
    public ClassifierFreeGuidance(Denoiser model, double guidanceScale, int nullClass) {
        this.model = model;
        this.guidanceScale = (float) guidanceScale;
        this.nullClass = nullClass;
    }

    @Override
    public Tensor predict(Tensor xt, Tensor t, Tensor classLabels) {
        if (classLabels == null) {
            throw new IllegalArgumentException("ClassifierFreeGuidance: class labels are required");
        }
        int n = xt.size(0);

        // 1. One batch holding both halves: [x; x], [t; t], [labels; null].
        Tensor xIn = Tensor.cat(List.of(xt, xt), 0);                                     // [2N, C, H, W]
        Tensor tIn = Tensor.cat(List.of(t, t), 0);                                       // [2N]
        Tensor labelsIn = Tensor.cat(List.of(classLabels, Tensor.full(nullClass, n)), 0); // [2N]

        // 2. One forward pass, split back into the conditional and unconditional outputs.
        Tensor out = model.predict(xIn, tIn, labelsIn); // [2N, C, H, W]
        Tensor cond = out.narrow(0, 0, n);              // [N, C, H, W]
        Tensor uncond = out.narrow(0, n, n);            // [N, C, H, W]

        // 3. Ho & Salimans 2022, eq. 6, with w = 1 + the paper's w.
        return uncond.add(cond.sub(uncond).mul(guidanceScale));
    }
}
