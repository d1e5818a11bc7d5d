package dev.sfumato.nn.serialization;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class AtomicFilesTest {

    @TempDir
    Path dir;

    private List<String> listing() throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void writesTheBodyAndLeavesNoTemporaryFile() throws IOException {
        Path target = dir.resolve("ckpt.bin");
        AtomicFiles.write(target, out -> out.write(utf8("hello")));
        assertArrayEquals(utf8("hello"), Files.readAllBytes(target));
        assertEquals(List.of("ckpt.bin"), listing());
    }

    @Test
    void replacesAnExistingFile() throws IOException {
        Path target = dir.resolve("ckpt.bin");
        Files.write(target, utf8("old content that is longer"));
        AtomicFiles.write(target, out -> out.write(utf8("new")));
        assertArrayEquals(utf8("new"), Files.readAllBytes(target));
        assertEquals(List.of("ckpt.bin"), listing());
    }

    @Test
    void aFailingBodyLeavesThePreviousFileIntactAndNoTemporaryFile() throws IOException {
        Path target = dir.resolve("ckpt.bin");
        Files.write(target, utf8("last good checkpoint"));
        IOException boom = new IOException("disk full");
        IOException thrown = assertThrows(IOException.class, () -> AtomicFiles.write(target, out -> {
            out.write(new byte[200_000]); // more than the buffer, so part of it reached the temporary file
            throw boom;
        }));
        assertSame(boom, thrown);
        assertArrayEquals(utf8("last good checkpoint"), Files.readAllBytes(target));
        assertEquals(List.of("ckpt.bin"), listing());
    }

    @Test
    void aRuntimeExceptionInTheBodyAlsoCleansUp() throws IOException {
        Path target = dir.resolve("ckpt.bin");
        Files.write(target, utf8("last good checkpoint"));
        assertThrows(IllegalStateException.class, () -> AtomicFiles.write(target, out -> {
            out.write(utf8("half"));
            throw new IllegalStateException("bug in the writer");
        }));
        assertArrayEquals(utf8("last good checkpoint"), Files.readAllBytes(target));
        assertEquals(List.of("ckpt.bin"), listing());
    }

    @Test
    void aFailingFirstWriteCreatesNothing() throws IOException {
        Path target = dir.resolve("new.bin");
        assertThrows(IOException.class, () -> AtomicFiles.write(target, out -> {
            throw new IOException("boom");
        }));
        assertFalse(Files.exists(target));
        assertEquals(List.of(), listing());
    }

    @Test
    void aBodyThatClosesTheStreamIsHarmless() throws IOException {
        Path target = dir.resolve("closed.bin");
        AtomicFiles.write(target, out -> {
            out.write(utf8("abc"));
            out.close();
        });
        assertArrayEquals(utf8("abc"), Files.readAllBytes(target));
    }

    @Test
    void aMissingParentDirectoryIsAnError() {
        Path target = dir.resolve("no/such/dir/ckpt.bin");
        NoSuchFileException e = assertThrows(NoSuchFileException.class,
                () -> AtomicFiles.write(target, out -> out.write(1)));
        assertTrue(e.getMessage().contains("no/such/dir"), e.getMessage());
    }
}
