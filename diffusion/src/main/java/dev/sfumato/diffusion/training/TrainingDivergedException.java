package dev.sfumato.diffusion.training;

/** The loss became NaN or infinite: training stops, and the last good checkpoint is kept. */
public final class TrainingDivergedException extends RuntimeException {

    private final long step;

    public TrainingDivergedException(long step, float loss) {
        super("the loss became " + loss + " at step " + (step + 1) + "; training stopped without saving this state."
                + " Resume from the last good checkpoint with a lower --lr, or check the data.");
        this.step = step;
    }

    /** The last step that completed. */
    public long lastGoodStep() {
        return step;
    }
}
