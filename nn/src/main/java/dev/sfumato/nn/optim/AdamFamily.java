package dev.sfumato.nn.optim;

import dev.sfumato.tensor.Parallel;
import dev.sfumato.tensor.Tensor;
import dev.sfumato.tensor.kernels.Kernels;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

import java.util.ArrayList;
import java.util.List;


/** The update shared by {@link Adam} and {@link AdamW}; they differ in how weight decay enters. */
abstract class AdamFamily extends Optimizer {

    private static final VectorSpecies<Float> F = Kernels.F;

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
            pending.add(fusedPass(index, param, grad));
        } else {
            updateComposite(index, param, grad);
        }
    }

    /** The fused passes {@link #update} queued in this step, run by {@link #finishStep} in one parallel loop. */
    private final List<Pass> pending = new ArrayList<>();

    @Override
    protected void finishStep() {
        try {
            runFused(pending);
        } finally {
            pending.clear();
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

    /**
     * Elements per parallel task of the fused passes: a parameter is cut into chunks of this many, and smaller
     * parameters share a task until it holds this many. The split depends only on the sizes, and each element's
     * update is its own, so results do not depend on the threads.
     */
    private static final int GRAIN = 1 << 15;

    /** One parameter's fused update: its scalars and arrays; m, v and vMax contiguous from offset 0. */
    private record Pass(Scalars s, boolean decoupled, float[] p, int pOff, float[] g, int gOff, float[] m, float[] v,
                        float[] vMax, int n) {
        void run(int from, int to) {
            fusedRange(s, decoupled, p, pOff, g, gOff, m, v, vMax, from, to);
        }
    }

    /**
     * One pass over the elements doing {@link #updateComposite}'s float operations in its order: the
     * {@code add_} with alpha and {@code addcmul_} kernels round as {@code fma}, {@code addcdiv_} as
     * {@code p + (value * m) / denom}. The point is memory traffic: p, g, m and v are read once, where the
     * composite makes about eight passes and allocates three temporaries. AdamFusedTest pins it to the composite
     * bit for bit. {@link #step} queues the passes of all parameters and runs them in one parallel loop; this
     * form runs one at once.
     */
    void updateFused(int index, Tensor param, Tensor grad) {
        runFused(List.of(fusedPass(index, param, grad)));
    }

    /** Takes the step's scalars and state for one parameter, and marks what the pass will write. */
    private Pass fusedPass(int index, Tensor param, Tensor grad) {
        Tensor mT = stateTensor(index, "exp_avg", param);
        Tensor vT = stateTensor(index, "exp_avg_sq", param);
        boolean amsgrad = flag("amsgrad");
        Tensor vMaxT = amsgrad ? stateTensor(index, "max_exp_avg_sq", param) : null;
        Scalars s = scalars(incrementStep(index));
        param.markModified();
        mT.markModified();
        vT.markModified();
        if (amsgrad) {
            vMaxT.markModified();
        }
        return new Pass(s, decoupled, param.data(), param.offset(), grad.data(), grad.offset(), mT.data(), vT.data(),
                amsgrad ? vMaxT.data() : null, param.numel());
    }

    /**
     * The passes in one parallel loop. With a loop per parameter, the U-Net's 218 parameters (most of them
     * smaller than one task) made 216 loops of about one task each, 4.8 ms of a 2-thread training step at
     * batch 64 in which the second thread had nothing to do.
     */
    private static void runFused(List<Pass> passes) {
        // A task is a list of (pass, from, to) segments holding about GRAIN elements.
        List<int[]> segments = new ArrayList<>();
        List<Integer> taskStarts = new ArrayList<>();
        int inTask = GRAIN;
        for (int i = 0; i < passes.size(); i++) {
            int n = passes.get(i).n();
            for (int from = 0; from < n; ) {
                if (inTask >= GRAIN) {
                    taskStarts.add(segments.size());
                    inTask = 0;
                }
                int to = Math.min(n, from + GRAIN - inTask);
                segments.add(new int[] {i, from, to});
                inTask += to - from;
                from = to;
            }
        }
        taskStarts.add(segments.size());
        Parallel.forRange(taskStarts.size() - 1, (t0, t1) -> {
            for (int seg = taskStarts.get(t0); seg < taskStarts.get(t1); seg++) {
                int[] sg = segments.get(seg);
                passes.get(sg[0]).run(sg[1], sg[2]);
            }
        });
    }

    /**
     * Elements {@code [from, to)} of the fused update; m, v and vMax are contiguous from offset 0. Eight lanes at
     * a time on the Vector API, then the rest one by one: each lane does the scalar loop's float operations in
     * its order (fma as fma, a correctly rounded square root and division either way), so the two give the
     * same bits. The scalar loop alone ran at about 3.6 ns per element.
     */
    private static void fusedRange(Scalars s, boolean decoupled, float[] p, int pOff, float[] g, int gOff,
                                   float[] m, float[] v, float[] vMax, int from, int to) {
        int i = from;
        if (!Kernels.REFERENCE_ONLY) {
            FloatVector l2 = FloatVector.broadcast(F, s.l2);
            FloatVector oneMinusBeta1 = FloatVector.broadcast(F, s.oneMinusBeta1);
            for (int bound = from + F.loopBound(to - from); i < bound; i += F.length()) {
                FloatVector pi = FloatVector.fromArray(F, p, pOff + i);
                FloatVector gi = FloatVector.fromArray(F, g, gOff + i);
                if (s.l2 != 0) {
                    gi = l2.fma(pi, gi);                                      // g + weight_decay * p
                }
                if (decoupled) {
                    pi = pi.mul(s.decay);                                     // p * (1 - lr * weight_decay)
                }
                FloatVector mi = oneMinusBeta1.fma(gi, FloatVector.fromArray(F, m, i).mul(s.beta1));
                FloatVector vi = gi.mul(s.oneMinusBeta2).fma(gi, FloatVector.fromArray(F, v, i).mul(s.beta2));
                mi.intoArray(m, i);
                vi.intoArray(v, i);
                FloatVector second = vi;
                if (vMax != null) {
                    second = FloatVector.fromArray(F, vMax, i).max(vi);
                    second.intoArray(vMax, i);
                }
                FloatVector denom = second.sqrt().div(s.bc2Sqrt).add(s.eps);
                pi.add(mi.mul(s.negStepSize).div(denom)).intoArray(p, pOff + i);
            }
        }
        for (; i < to; i++) {
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
