package dev.sfumato.nn.optim;

import dev.sfumato.tensor.Parallel;
import dev.sfumato.tensor.Tensor;
import dev.sfumato.tensor.kernels.Kernels;


/** The update shared by {@link Adam} and {@link AdamW}; they differ in how weight decay enters. */
abstract class AdamFamily extends Optimizer {

    private final boolean decoupled;
    private final boolean fused;

    AdamFamily(String name, Adam.Options<?> b, boolean decoupled) {
        super(name, b.params, b.lr);
        if (!(b.beta1 >= 0 && b.beta1 < 1) || !(b.beta2 >= 0 && b.beta2 < 1)) {
            throw new IllegalArgumentException(name + ": betas must lie in [0, 1), got (" + b.beta1 + ", " + b.beta2 + ")");
        }
        requireNonNegative("eps", b.eps);
        requireNonNegative("weight_decay", b.weightDecay);
        defineGroup("beta1", b.beta1);
        defineGroup("beta2", b.beta2);
        defineGroup("eps", b.eps);
        defineGroup("weight_decay", b.weightDecay);
        defineGroup("amsgrad", b.amsgrad ? 1 : 0);
        this.decoupled = decoupled;
        this.fused = b.fused;
    }

    @Override
    protected void update(int index, Tensor param, Tensor grad) {
        if (fused && !Kernels.REFERENCE_ONLY && param.isContiguous() && grad.isContiguous()) {
            updateFused(index, param, grad);
        } else {
            updateComposite(index, param, grad);
        }
    }

    /** The scalars of one step, rounded to float where PyTorch hands them to a float32 kernel. */
    private record Scalars(float beta1, float oneMinusBeta1, float beta2, float oneMinusBeta2, float l2,
                           float decay, float bc2Sqrt, float eps, float negStepSize) {}

    private Scalars scalars(float step) {
        double lr = lr();
        double beta1 = group("beta1");
        double beta2 = group("beta2");
        double weightDecay = group("weight_decay");
        double biasCorrection1 = 1 - Math.pow(beta1, step);
        double biasCorrection2 = 1 - Math.pow(beta2, step);
        double stepSize = lr / biasCorrection1;
        return new Scalars((float) beta1, (float) (1 - beta1), (float) beta2, (float) (1 - beta2),
                decoupled ? 0f : (float) weightDecay,
                decoupled ? (float) (1 - lr * weightDecay) : 1f,
                (float) Math.sqrt(biasCorrection2), (float) group("eps"), (float) -stepSize);
    }

    private Tensor stateTensor(int index, String key, Tensor like) {
        return state(index).computeIfAbsent(key, k -> Tensor.zerosLike(like));
    }

    /** The update in PyTorch's tensor ops and order: the reference twin of {@link #updateFused}. */
    void updateComposite(int index, Tensor param, Tensor grad) {
        Tensor m = stateTensor(index, "exp_avg", param);
        Tensor v = stateTensor(index, "exp_avg_sq", param);
        boolean amsgrad = flag("amsgrad");
        Tensor vMax = amsgrad ? stateTensor(index, "max_exp_avg_sq", param) : null;
        Scalars s = scalars(incrementStep(index));

        Tensor g = grad;
        if (s.l2 != 0) {
            g = grad.clone().addInPlace(param, s.l2);                  // grad.add(param, alpha=weight_decay)
        }
        if (decoupled) {
            param.mulInPlace(s.decay);                                 // param.mul_(1 - lr * weight_decay)
        }
        m.mulInPlace(s.beta1).addInPlace(g, s.oneMinusBeta1);
        v.mulInPlace(s.beta2).addcmulInPlace(g, g, s.oneMinusBeta2);
        Tensor second = v;
        if (amsgrad) {
            vMax.copyFrom(vMax.maximum(v));
            second = vMax;
        }
        Tensor denom = second.sqrt().div(s.bc2Sqrt).add(s.eps);
        param.addcdivInPlace(m, denom, s.negStepSize);
    }

    /** Elements per parallel task of the fused pass: a fixed split, so results do not depend on threads. */
    private static final int GRAIN = 1 << 15;

    /**
     * One pass over the elements doing {@link #updateComposite}'s float operations in its order: the
     * {@code add_} with alpha and {@code addcmul_} kernels round as {@code fma}, {@code addcdiv_} as
     * {@code p + (value * m) / denom}. The point is memory traffic: p, g, m and v are read once, where the
     * composite makes about eight passes and allocates three temporaries. AdamBenchmark (benchmarks module)
     * measures both; no speed is claimed yet, because its first run, on a shared 2-core machine under load
     * 11, gave error bars larger than the scores. Elements are independent, so the pass is split into fixed chunks of
     * {@link #GRAIN} run on the shared pool; AdamFusedTest pins it to the composite bit for bit.
     */
    void updateFused(int index, Tensor param, Tensor grad) {
        Tensor mT = stateTensor(index, "exp_avg", param);
        Tensor vT = stateTensor(index, "exp_avg_sq", param);
        boolean amsgrad = flag("amsgrad");
        Tensor vMaxT = amsgrad ? stateTensor(index, "max_exp_avg_sq", param) : null;
        Scalars s = scalars(incrementStep(index));

        float[] p = param.data();
        float[] g = grad.data();
        float[] m = mT.data();
        float[] v = vT.data();
        float[] vMax = amsgrad ? vMaxT.data() : null;
        int pOff = param.offset();
        int gOff = grad.offset();
        int n = param.numel();
        Parallel.forRange(Parallel.taskCount(n, GRAIN), (t0, t1) ->
                fusedRange(s, decoupled, p, pOff, g, gOff, m, v, vMax, t0 * GRAIN, (int) Math.min(n, (long) t1 * GRAIN)));
        param.markModified();
        mT.markModified();
        vT.markModified();
        if (amsgrad) {
            vMaxT.markModified();
        }
    }

    /** Elements {@code [from, to)} of the fused update; m, v and vMax are contiguous from offset 0. */
    private static void fusedRange(Scalars s, boolean decoupled, float[] p, int pOff, float[] g, int gOff,
                                   float[] m, float[] v, float[] vMax, int from, int to) {
        for (int i = from; i < to; i++) {
            float pi = p[pOff + i];
            float gi = g[gOff + i];
            if (s.l2 != 0) {
                gi = Math.fma(s.l2, pi, gi);                          // g + weight_decay * p
            }
            if (decoupled) {
                pi = pi * s.decay;                                    // p * (1 - lr * weight_decay)
            }
            float mi = Math.fma(s.oneMinusBeta1, gi, m[i] * s.beta1);
            float vi = Math.fma(s.oneMinusBeta2 * gi, gi, v[i] * s.beta2);
            m[i] = mi;
            v[i] = vi;
            float second = vi;
            if (vMax != null) {
                second = Math.max(vMax[i], vi);
                vMax[i] = second;
            }
            float denom = (float) Math.sqrt(second) / s.bc2Sqrt + s.eps;
            p[pOff + i] = pi + s.negStepSize * mi / denom;
        }
    }
}
