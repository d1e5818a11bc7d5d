package dev.sfumato.autograd;

/**
 * Anomaly detection, like {@code torch.autograd.detect_anomaly()}: a scope in which every recorded node
 * remembers the Java source line that created it, and the first NaN or infinity produced in forward or
 * backward throws a {@link NonFiniteException} naming the op and that line.
 *
 * <pre>{@code
 * try (Anomaly _ = Anomaly.detect()) {
 *     loss.backward();   // NonFiniteException: log (created at Model.java:42) produced NaN/Inf in its gradient ...
 * }
 * }</pre>
 *
 * <p>Off by default because it costs a stack walk per recorded op and a scan of every output and gradient.
 * The state is per thread and scopes nest, as with {@link NoGrad}. The in-place check of saved tensors
 * (see {@link SavedTensor}) is always on; anomaly mode only adds the creation site to its message.
 */
public final class Anomaly implements AutoCloseable {

    private final GradMode mode;
    private final boolean previous;
    private boolean closed;

    private Anomaly(GradMode mode) {
        this.mode = mode;
        this.previous = mode.anomaly;
        mode.anomaly = true;
    }

    /** Turns anomaly detection on for this thread until {@link #close()}. */
    public static Anomaly detect() {
        return new Anomaly(GradMode.current());
    }

    /** True when anomaly detection is on for this thread. */
    public static boolean isEnabled() {
        return GradMode.current().anomaly;
    }

    /** Restores the state from before {@link #detect()}; closing twice is harmless. */
    @Override
    public void close() {
        if (!closed) {
            closed = true;
            mode.anomaly = previous;
        }
    }

    /** Thrown in anomaly mode when an op's output or gradient contains NaN or an infinity. */
    public static final class NonFiniteException extends ArithmeticException {
        NonFiniteException(String message) {
            super(message);
        }
    }

    /** True when every element is finite (no NaN, no infinity). */
    static boolean allFinite(dev.sfumato.tensor.Tensor t) {
        for (float v : t.toArray()) {
            if (!Float.isFinite(v)) {
                return false;
            }
        }
        return true;
    }
}
