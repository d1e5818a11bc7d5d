package dev.sfumato.diffusion.io;

import java.io.PrintStream;
import java.util.Locale;
import java.util.function.LongSupplier;

/**
 * A progress bar on standard error with the rate, the remaining time and the latest loss, as tqdm shows it:
 * <pre>
 * train  42% |########------------|  4200/10000 [01:23&lt;01:55, 50.30 it/s, loss 0.03457]
 * </pre>
 *
 * <p>On a terminal ({@code System.console() != null}) the line is redrawn in place with {@code \r}, at most
 * five times a second. Otherwise (output piped to a file or a CI log) it prints the same text as plain
 * lines, at most one every 10 seconds, so the log stays short. The last update always draws; {@link #close}
 * ends the line. The rate is the average since the bar was created ({@code done − initial} over the
 * elapsed time), and the remaining time is {@code (total − done) / rate}.
 */
public final class ProgressBar implements AutoCloseable {

    static final long TTY_INTERVAL_NANOS = 200_000_000L; // 5 redraws per second
    static final long PLAIN_INTERVAL_NANOS = 10_000_000_000L;
    private static final int BAR_WIDTH = 20;

    private final String label;
    private final long total;
    private final long initial;
    private final PrintStream out;
    private final boolean tty;
    private final LongSupplier nanoTime;
    private final long start;
    private long lastDraw = Long.MIN_VALUE;
    private long done;
    private int lastWidth;
    private boolean closed;

    /** A bar on stderr counting from {@code initial} (a resumed run) to {@code total}. */
    public static ProgressBar create(String label, long total, long initial) {
        return new ProgressBar(label, total, initial, System.err, System.console() != null, System::nanoTime);
    }

    /** A bar writing to {@code out}, as a terminal or not, timed by {@code nanoTime} (for tests). */
    public ProgressBar(String label, long total, long initial, PrintStream out, boolean tty, LongSupplier nanoTime) {
        if (total < 0 || initial < 0 || initial > total) {
            throw new IllegalArgumentException("progress needs 0 <= initial <= total, got initial " + initial
                    + ", total " + total);
        }
        this.label = label;
        this.total = total;
        this.initial = initial;
        this.done = initial;
        this.out = out;
        this.tty = tty;
        this.nanoTime = nanoTime;
        this.start = nanoTime.getAsLong();
    }

    /** Reports that {@code done} of {@code total} steps are finished; {@code loss} may be NaN for none. */
    public void update(long done, double loss) {
        this.done = Math.min(done, total);
        long now = nanoTime.getAsLong();
        boolean last = this.done == total;
        if (!last && lastDraw != Long.MIN_VALUE && now - lastDraw < (tty ? TTY_INTERVAL_NANOS : PLAIN_INTERVAL_NANOS)) {
            return;
        }
        lastDraw = now;
        String line = format(now, loss);
        if (tty) {
            int pad = Math.max(0, lastWidth - line.length()); // blank out the rest of a longer previous line
            out.print("\r" + line + " ".repeat(pad));
            lastWidth = line.length();
        } else {
            out.println(line);
        }
        out.flush();
    }

    /** The bar's text at time {@code now}. */
    String format(long now, double loss) {
        double elapsed = (now - start) / 1e9;
        double rate = elapsed > 0 ? (done - initial) / elapsed : 0;
        int percent = total == 0 ? 100 : (int) (100 * done / total);
        int filled = total == 0 ? BAR_WIDTH : (int) (BAR_WIDTH * done / total);
        String width = Integer.toString(Long.toString(total).length());
        StringBuilder s = new StringBuilder();
        s.append(String.format(Locale.ROOT, "%s %3d%% |%s%s| %" + width + "d/%d [%s<%s, %.2f it/s", label, percent,
                "#".repeat(filled), "-".repeat(BAR_WIDTH - filled), done, total, clock(elapsed),
                rate > 0 ? clock((total - done) / rate) : "?", rate));
        if (!Double.isNaN(loss)) {
            s.append(String.format(Locale.ROOT, ", loss %.4g", loss));
        }
        return s.append(']').toString();
    }

    /** Seconds as mm:ss, or h:mm:ss from an hour. */
    static String clock(double seconds) {
        long t = Math.round(seconds);
        return t >= 3600 ? String.format(Locale.ROOT, "%d:%02d:%02d", t / 3600, t / 60 % 60, t % 60)
                : String.format(Locale.ROOT, "%02d:%02d", t / 60, t % 60);
    }

    /** Ends the bar's line (on a terminal the cursor moves below it). */
    @Override
    public void close() {
        if (!closed && tty && lastDraw != Long.MIN_VALUE) {
            out.println();
            out.flush();
        }
        closed = true;
    }
}
