package dev.sfumato.diffusion.io;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.Path2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A training-loss plot as a PNG, drawn with Java2D: the raw losses as a thin grey line, their
 * exponential moving average as a thick blue one, axes with ticks, a title, optionally a log-scale y axis.
 *
 * <p>The EMA is debiased as TensorBoard's smoothing: m_k = β m_{k−1} + (1 − β) x_k, drawn as
 * m_k / (1 − β^k), so the line does not start at zero. Non-finite losses (and, on a log axis, losses ≤ 0)
 * are skipped. Defaults: 800×500 pixels, β = 0.98, log y, title "training loss". Written atomically.
 *
 * <pre>
 * LossCurve.of(steps, losses).title("DDPM, Fashion-MNIST").logY(true).ema(0.99).writePng(path);
 * </pre>
 */
public final class LossCurve {

    private static final Color RAW = new Color(0xB0B0B0);
    private static final Color SMOOTH = new Color(0x1F77B4); // matplotlib's first colour
    private static final Color GRID = new Color(0xE8E8E8);

    private final long[] steps;
    private final double[] losses;
    private String title = "training loss";
    private boolean logY = true;
    private double ema = 0.98;
    private int width = 800;
    private int height = 500;

    private LossCurve(long[] steps, double[] losses) {
        if (steps.length != losses.length) {
            throw new IllegalArgumentException("got " + steps.length + " steps but " + losses.length + " losses");
        }
        this.steps = steps.clone();
        this.losses = losses.clone();
    }

    /** A plot of {@code losses[k]} at {@code steps[k]}. */
    public static LossCurve of(long[] steps, double[] losses) {
        return new LossCurve(steps, losses);
    }

    /** Writes the plot with the defaults. */
    public static void writePng(long[] steps, double[] losses, Path file) throws IOException {
        of(steps, losses).writePng(file);
    }

    public LossCurve title(String title) {
        this.title = title;
        return this;
    }

    /** Log-scale y axis (default on: a diffusion loss falls over decades). */
    public LossCurve logY(boolean logY) {
        this.logY = logY;
        return this;
    }

    /** EMA decay β in [0, 1); 0 draws the raw curve only. */
    public LossCurve ema(double beta) {
        if (!(beta >= 0 && beta < 1)) {
            throw new IllegalArgumentException("EMA decay must be in [0, 1), got " + beta);
        }
        this.ema = beta;
        return this;
    }

    public LossCurve size(int width, int height) {
        if (width < 200 || height < 150) {
            throw new IllegalArgumentException("plot must be at least 200x150 pixels, got " + width + "x" + height);
        }
        this.width = width;
        this.height = height;
        return this;
    }

    /** The debiased EMA of the usable losses, in order (see the class comment). */
    double[] smoothed(double[] values) {
        double[] out = new double[values.length];
        double m = 0;
        double correction = 1;
        for (int k = 0; k < values.length; k++) {
            m = ema * m + (1 - ema) * values[k];
            correction *= ema;
            out[k] = m / (1 - correction);
        }
        return out;
    }

    /** Writes the PNG atomically. */
    public void writePng(Path file) throws IOException {
        ImageGrid.write(render(), file);
    }

    /** Draws the plot. */
    public BufferedImage render() {
        // 1. The points to draw, in plot coordinates (y is log10(loss) on a log axis).
        List<double[]> points = new ArrayList<>();
        for (int k = 0; k < steps.length; k++) {
            double y = losses[k];
            if (Double.isFinite(y) && (!logY || y > 0)) {
                points.add(new double[] {steps[k], logY ? Math.log10(y) : y});
            }
        }
        double[] ys = new double[points.size()];
        for (int k = 0; k < ys.length; k++) {
            ys[k] = logY ? Math.pow(10, points.get(k)[1]) : points.get(k)[1];
        }
        double[] smooth = smoothed(ys);

        BufferedImage img = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
            g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
            g.setColor(Color.WHITE);
            g.fillRect(0, 0, width, height);
            g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
            FontMetrics fm = g.getFontMetrics();
            int left = 70;
            int right = width - 20;
            int top = 40;
            int bottom = height - 50;

            // 2. Title and axis labels.
            g.setColor(Color.BLACK);
            g.setFont(g.getFont().deriveFont(Font.BOLD, 14f));
            g.drawString(title, (width - g.getFontMetrics().stringWidth(title)) / 2, 24);
            g.setFont(g.getFont().deriveFont(Font.PLAIN, 12f));
            g.drawString("step", (left + right - fm.stringWidth("step")) / 2, height - 12);
            String yLabel = logY ? "loss (log)" : "loss";
            g.rotate(-Math.PI / 2);
            g.drawString(yLabel, -(top + bottom + fm.stringWidth(yLabel)) / 2, 16);
            g.rotate(Math.PI / 2);
            if (points.isEmpty()) {
                g.drawString("no finite losses to plot", left + 10, (top + bottom) / 2);
                g.drawRect(left, top, right - left, bottom - top);
                return img;
            }

            // 3. Ranges with a little margin; ticks at "nice" values.
            double x0 = Double.POSITIVE_INFINITY;
            double x1 = Double.NEGATIVE_INFINITY;
            double y0 = Double.POSITIVE_INFINITY;
            double y1 = Double.NEGATIVE_INFINITY;
            for (double[] p : points) {
                x0 = Math.min(x0, p[0]);
                x1 = Math.max(x1, p[0]);
                y0 = Math.min(y0, p[1]);
                y1 = Math.max(y1, p[1]);
            }
            if (x1 <= x0) {
                x1 = x0 + 1;
            }
            if (y1 <= y0) {
                y0 -= 0.5;
                y1 += 0.5;
            }
            double margin = 0.05 * (y1 - y0);
            y0 -= margin;
            y1 += margin;
            Axis xAxis = new Axis(x0, x1, left, right);
            Axis yAxis = new Axis(y0, y1, bottom, top);

            // 4. Grid lines and tick labels.
            for (double t : Ticks.linear(x0, x1, 6)) {
                int px = (int) Math.round(xAxis.map(t));
                g.setColor(GRID);
                g.drawLine(px, top, px, bottom);
                g.setColor(Color.BLACK);
                String label = Ticks.format(t);
                g.drawString(label, px - fm.stringWidth(label) / 2, bottom + 16);
            }
            List<Double> yTicks = logY ? Ticks.logarithmic(y0, y1) : Ticks.linear(y0, y1, 6);
            for (double t : yTicks) {
                int py = (int) Math.round(yAxis.map(t));
                g.setColor(GRID);
                g.drawLine(left, py, right, py);
                g.setColor(Color.BLACK);
                String label = Ticks.format(logY ? Math.pow(10, t) : t);
                g.drawString(label, left - 6 - fm.stringWidth(label), py + fm.getAscent() / 2 - 1);
            }

            // 5. The raw curve, then its EMA on top, then the frame over their ends.
            g.setClip(left, top, right - left + 1, bottom - top + 1);
            g.setColor(RAW);
            g.setStroke(new BasicStroke(1f));
            g.draw(line(points, null, xAxis, yAxis));
            if (ema > 0) {
                g.setColor(SMOOTH);
                g.setStroke(new BasicStroke(2f));
                g.draw(line(points, smooth, xAxis, yAxis));
            }
            g.setClip(null);
            g.setColor(Color.BLACK);
            g.setStroke(new BasicStroke(1f));
            g.drawRect(left, top, right - left, bottom - top);
        } finally {
            g.dispose();
        }
        return img;
    }

    private Path2D line(List<double[]> points, double[] values, Axis xAxis, Axis yAxis) {
        Path2D.Double path = new Path2D.Double();
        for (int k = 0; k < points.size(); k++) {
            double y = values == null ? points.get(k)[1] : (logY ? Math.log10(values[k]) : values[k]);
            double px = xAxis.map(points.get(k)[0]);
            double py = yAxis.map(y);
            if (k == 0) {
                path.moveTo(px, py);
            } else {
                path.lineTo(px, py);
            }
        }
        return path;
    }

    /** Maps [lo, hi] in data units linearly to [from, to] in pixels. */
    private record Axis(double lo, double hi, double from, double to) {
        double map(double v) {
            return from + (v - lo) / (hi - lo) * (to - from);
        }
    }

    /** Tick positions and labels. */
    static final class Ticks {
        private Ticks() {}

        /** About {@code target} ticks at multiples of 1, 2 or 5 × 10^k inside [lo, hi]. */
        static List<Double> linear(double lo, double hi, int target) {
            double raw = (hi - lo) / target;
            double mag = Math.pow(10, Math.floor(Math.log10(raw)));
            double step = mag * (raw / mag < 1.5 ? 1 : raw / mag < 3.5 ? 2 : raw / mag < 7.5 ? 5 : 10);
            List<Double> ticks = new ArrayList<>();
            for (double t = Math.ceil(lo / step) * step; t <= hi + 1e-9 * step; t += step) {
                ticks.add(Math.abs(t) < 1e-12 * step ? 0.0 : t);
            }
            return ticks;
        }

        /** On a log10 axis [lo, hi]: the decades, plus 2× and 5× when fewer than three decades show. */
        static List<Double> logarithmic(double lo, double hi) {
            List<Double> ticks = new ArrayList<>();
            boolean fine = hi - lo < 3;
            for (int e = (int) Math.floor(lo); e <= Math.ceil(hi); e++) {
                for (double m : fine ? new double[] {1, 2, 5} : new double[] {1}) {
                    double t = e + Math.log10(m);
                    if (t >= lo && t <= hi) {
                        ticks.add(t);
                    }
                }
            }
            return ticks;
        }

        /** A short label: integers plainly, small or large values in %g. */
        static String format(double v) {
            if (v == Math.rint(v) && Math.abs(v) < 1e7) {
                return Long.toString((long) v);
            }
            String s = String.format(Locale.ROOT, "%.3g", v);
            return s.contains("e") ? s : s.replaceAll("0+$", "").replaceAll("\\.$", "");
        }
    }
}
