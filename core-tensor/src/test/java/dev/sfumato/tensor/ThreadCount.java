package dev.sfumato.tensor;

/** Tests that change the pool's thread count put it back afterwards, whatever they set it to. */
final class ThreadCount {

    private ThreadCount() {}

    /** A test body that may throw. */
    @FunctionalInterface
    interface Body {
        void run() throws Exception;
    }

    /** Runs {@code body}, then restores the thread count it found, even if body fails. */
    static void restoring(Body body) throws Exception {
        int before = Parallel.threads();
        try {
            body.run();
        } finally {
            Parallel.setThreads(before);
        }
    }
}
