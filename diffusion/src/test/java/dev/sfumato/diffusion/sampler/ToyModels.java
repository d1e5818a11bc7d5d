package dev.sfumato.diffusion.sampler;

import dev.sfumato.tensor.Tensor;

/** The closed-form "models" of gen_golden_diffusion.py, written with the same float32 operations. */
final class ToyModels {

    private ToyModels() {
    }

    /** eps = tanh(0.5 x + 0.01 t), t broadcast per sample. */
    static final Denoiser TANH = (xt, t, classLabels) -> {
        Tensor shift = t.mul(0.01f).reshape(t.size(0), 1, 1, 1); // [N, 1, 1, 1]
        return xt.mul(0.5f).add(shift).tanh();                   // [N, C, H, W]
    };

    /** eps = tanh(0.5 x + (0.01 t + 0.1 label)): a class-conditional toy. */
    static final Denoiser CONDITIONAL = (xt, t, classLabels) -> {
        Tensor shift = t.mul(0.01f).add(classLabels.mul(0.1f)).reshape(t.size(0), 1, 1, 1);
        return xt.mul(0.5f).add(shift).tanh();
    };
}
