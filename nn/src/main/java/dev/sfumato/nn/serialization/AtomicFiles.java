package dev.sfumato.nn.serialization;

import java.io.BufferedOutputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.HexFormat;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Writes a file so that readers see either the old content or the complete new content, never a prefix.
 *
 * <p>The body writes to a temporary file in the target's directory ({@code .<name>.<random>.tmp}); the data
 * is flushed and fsynced, then the temporary file is renamed over the target with
 * {@link StandardCopyOption#ATOMIC_MOVE}, and the directory is fsynced so the rename survives a power loss.
 * If the body throws, the temporary file is deleted and the target is left as it was. Checkpoints, sample
 * grids and logs use this, so a crash mid-save never destroys the last good file.
 *
 * <p>Errors: any {@link IOException} from the body or the file system is rethrown unchanged (with a failed
 * clean-up attached as suppressed); a missing parent directory is not created and gives
 * {@link java.nio.file.NoSuchFileException}.
 */
public final class AtomicFiles {

    /** Like {@link java.util.function.Consumer}, but the body may throw {@link IOException}. */
    @FunctionalInterface
    public interface IOConsumer<T> {
        void accept(T value) throws IOException;
    }

    private static final int BUFFER_BYTES = 1 << 16;

    private AtomicFiles() {}

    /**
     * Runs {@code body} on a buffered stream and atomically replaces {@code target} with what it wrote.
     * The body must not keep the stream; closing it is allowed and only flushes.
     */
    public static void write(Path target, IOConsumer<OutputStream> body) throws IOException {
        Path absolute = target.toAbsolutePath();
        Path dir = absolute.getParent();
        Path tmp = createTemp(dir, absolute.getFileName().toString());
        try {
            try (FileChannel channel = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
                OutputStream out = new BufferedOutputStream(Channels.newOutputStream(channel), BUFFER_BYTES);
                body.accept(new FlushOnClose(out));
                out.flush();
                channel.force(true); // the data is on disk before the rename makes it visible
            }
            Files.move(tmp, absolute, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException | RuntimeException | Error e) {
            try {
                Files.deleteIfExists(tmp);
            } catch (IOException cleanup) {
                e.addSuppressed(cleanup);
            }
            throw e;
        }
        syncDirectory(dir);
    }

    /**
     * A new empty file next to the target. Not {@link Files#createTempFile}: that one is created with mode
     * 0600 on POSIX, which the rename would hand on to the target; CREATE_NEW uses the usual umask.
     */
    private static Path createTemp(Path dir, String name) throws IOException {
        for (int attempt = 0; ; attempt++) {
            String suffix = HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextLong());
            Path tmp = dir.resolve("." + name + "." + suffix + ".tmp");
            try {
                Files.newByteChannel(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE).close();
                return tmp;
            } catch (FileAlreadyExistsException e) {
                if (attempt == 9) {
                    throw e;
                }
            }
        }
    }

    /**
     * Fsyncs the directory entry written by the rename. Best effort: Linux and macOS allow opening a
     * directory for this, Windows does not (and makes renames durable by itself).
     */
    private static void syncDirectory(Path dir) {
        try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
            channel.force(true);
        } catch (IOException | UnsupportedOperationException e) {
            // Not supported on this platform; the file content itself was already forced.
        }
    }

    /** Hands writes through but turns close() into flush(), so a body that closes the stream is harmless. */
    private static final class FlushOnClose extends FilterOutputStream {
        FlushOnClose(OutputStream out) {
            super(out);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            out.write(b, off, len); // FilterOutputStream would write one byte at a time
        }

        @Override
        public void close() throws IOException {
            out.flush();
        }
    }
}
