package dev.sfumato.tensor.kernels;

/** Reductions over contiguous spans; same signatures and results as {@link ReductionReference}. */
public final class ReductionKernels {

    private ReductionKernels() {}

    public static float sum(float[] x, int off, int n) {
        return ReductionReference.sum(x, off, n);
    }

    public static float sumSquaredDeviations(float[] x, int off, int n, float mean) {
        return ReductionReference.sumSquaredDeviations(x, off, n, mean);
    }

    public static float max(float[] x, int off, int n, boolean max) {
        return ReductionReference.max(x, off, n, max);
    }

    public static int argmax(float[] x, int off, int n, boolean max) {
        return ReductionReference.argmax(x, off, n, max);
    }

    public static float logsumexp(float[] x, int off, int n) {
        return ReductionReference.logsumexp(x, off, n);
    }

    public static void softmax(float[] x, int xOff, float[] out, int outOff, int n, boolean log) {
        ReductionReference.softmax(x, xOff, out, outOff, n, log);
    }
}
