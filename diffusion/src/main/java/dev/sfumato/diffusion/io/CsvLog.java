package dev.sfumato.diffusion.io;

import dev.sfumato.nn.serialization.AtomicFiles;

import java.io.Closeable;
import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The training log as CSV: one row per logged step with the columns {@value #HEADER}, flushed as soon as it
 * is written, so the file is current while training runs and after a crash.
 *
 * <p>Resuming: {@link #open} appends to an existing log after checking its header, and first drops a
 * partial last line (a crash mid-write) so the file stays valid CSV. {@link #openResuming} also drops the
 * rows after the step a checkpoint was saved at, since training repeats those steps; that rewrite is atomic
 * ({@link AtomicFiles}). Numbers: step as an integer; loss, lr and grad norm with {@link Float#toString}
 * (shortest repr that round-trips a float32, readable by Python's {@code float}); it/s with 2 decimals.
 */
public final class CsvLog implements Closeable {

    /** The header line, also the column order of {@link #append}. */
    public static final String HEADER = "step,loss,lr,grad_norm,it_per_s";

    private final Path file;
    private final Writer out;

    private CsvLog(Path file, Writer out) {
        this.file = file;
        this.out = out;
    }

    /** Opens {@code file} for appending, creating it with the header when it is missing or empty. */
    public static CsvLog open(Path file) throws IOException {
        return openResuming(file, Long.MAX_VALUE);
    }

    /**
     * Opens {@code file} for appending after removing every row whose step is greater than
     * {@code lastStep} (and a partial last line). An existing file must start with {@link #HEADER}.
     */
    public static CsvLog openResuming(Path file, long lastStep) throws IOException {
        if (Files.exists(file) && Files.size(file) > 0) {
            String text = Files.readString(file, StandardCharsets.UTF_8);
            List<String> lines = new ArrayList<>(List.of(text.split("\n", -1)));
            if (!lines.getFirst().equals(HEADER)) {
                throw new IOException(file + ": not a Sfumato training log: the first line is '" + lines.getFirst()
                        + "', expected '" + HEADER + "'; choose another log file or move this one away");
            }
            lines.removeLast(); // after the final '\n': empty, or a partial line cut off by a crash
            List<String> keep = new ArrayList<>();
            keep.add(HEADER);
            for (int i = 1; i < lines.size(); i++) {
                String line = lines.get(i);
                if (line.isEmpty()) {
                    continue;
                }
                long step = parseStep(file, i + 1, line);
                if (step <= lastStep) {
                    keep.add(line);
                }
            }
            String kept = String.join("\n", keep) + "\n";
            if (!kept.equals(text)) {
                AtomicFiles.write(file, o -> o.write(kept.getBytes(StandardCharsets.UTF_8)));
            }
        } else {
            AtomicFiles.write(file, o -> o.write((HEADER + "\n").getBytes(StandardCharsets.UTF_8)));
        }
        return new CsvLog(file, Files.newBufferedWriter(file, StandardCharsets.UTF_8, StandardOpenOption.APPEND));
    }

    private static long parseStep(Path file, int lineNo, String line) throws IOException {
        int comma = line.indexOf(',');
        try {
            return Long.parseLong(comma < 0 ? line : line.substring(0, comma));
        } catch (NumberFormatException e) {
            throw new IOException(file + ":" + lineNo + ": the step column is not an integer: '" + line + "'");
        }
    }

    /** The log file. */
    public Path file() {
        return file;
    }

    /** Appends one row and flushes it. */
    public void append(long step, double loss, double lr, double gradNorm, double itPerSecond) throws IOException {
        out.write(String.format(Locale.ROOT, "%d,%s,%s,%s,%.2f\n", step, Float.toString((float) loss),
                Float.toString((float) lr), Float.toString((float) gradNorm), itPerSecond));
        out.flush();
    }

    @Override
    public void close() throws IOException {
        out.close();
    }
}
