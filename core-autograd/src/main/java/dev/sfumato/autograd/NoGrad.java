package dev.sfumato.autograd;

/**
 * A scope in which nothing is recorded for backward, like {@code with torch.no_grad():}.
 *
 * <pre>{@code
 * try (NoGrad _ = NoGrad.enter()) {
 *     Variable y = model.forward(x);   // y.requiresGrad() == false, no graph kept alive
 * }
 * }</pre>
 *
 * <p>The state is per thread; scopes nest, and closing one restores whatever was in force when it was
 * entered. Ops inside the scope still compute their values; they just build no {@link Node}s.
 */
public final class NoGrad implements AutoCloseable {

    private final GradMode mode;
    private final boolean previous;
    private boolean closed;

    private NoGrad(GradMode mode) {
        this.mode = mode;
        this.previous = mode.recording;
        mode.recording = false;
    }

    /** Turns recording off on this thread until {@link #close()}. */
    public static NoGrad enter() {
        return new NoGrad(GradMode.current());
    }

    /** True when ops on this thread are recorded (no {@code NoGrad} scope is open). */
    public static boolean isGradEnabled() {
        return GradMode.current().recording;
    }

    /** Restores the recording state from before {@link #enter()}; closing twice is harmless. */
    @Override
    public void close() {
        if (!closed) {
            closed = true;
            mode.recording = previous;
        }
    }
}
