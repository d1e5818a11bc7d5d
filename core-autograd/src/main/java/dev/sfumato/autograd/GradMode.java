package dev.sfumato.autograd;

/**
 * The per-thread switches of autograd: whether ops are recorded (see {@link NoGrad}) and whether anomaly
 * detection is on (see {@link Anomaly}). One small mutable object per thread, so an op pays a single
 * {@code ThreadLocal} lookup to read both.
 */
final class GradMode {

    private static final ThreadLocal<GradMode> CURRENT = ThreadLocal.withInitial(GradMode::new);

    boolean recording = true;
    boolean anomaly = false;

    private GradMode() {}

    static GradMode current() {
        return CURRENT.get();
    }
}
