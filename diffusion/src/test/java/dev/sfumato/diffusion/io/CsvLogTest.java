package dev.sfumato.diffusion.io;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CsvLogTest {

    @TempDir
    Path dir;

    @Test
    void writesTheHeaderOnceAndFlushesEachRow() throws IOException {
        Path file = dir.resolve("log.csv");
        try (CsvLog log = CsvLog.open(file)) {
            log.append(1, 0.5f, 2e-4f, 1.25f, 12.345);
            assertEquals(CsvLog.HEADER + "\n1,0.5,2.0E-4,1.25,12.35\n", Files.readString(file), "flushed at once");
        }
        try (CsvLog log = CsvLog.open(file)) {
            log.append(2, 0.25f, 2e-4f, 1f, 13);
        }
        assertEquals(CsvLog.HEADER + "\n1,0.5,2.0E-4,1.25,12.35\n2,0.25,2.0E-4,1.0,13.00\n", Files.readString(file));
    }

    @Test
    void resumeDropsAPartialLineAndRowsAfterTheCheckpoint() throws IOException {
        Path file = dir.resolve("log.csv");
        Files.writeString(file, CsvLog.HEADER + "\n10,0.5,1.0E-4,1.0,5.00\n20,0.4,1.0E-4,1.0,5.00\n30,0.3,1.0E-4,1.0,5.00\n4");
        try (CsvLog log = CsvLog.openResuming(file, 20)) {
            log.append(30, 0.35, 1e-4, 1, 5);
        }
        assertEquals(CsvLog.HEADER + "\n10,0.5,1.0E-4,1.0,5.00\n20,0.4,1.0E-4,1.0,5.00\n30,0.35,1.0E-4,1.0,5.00\n",
                Files.readString(file));

        Files.writeString(file, "10,0.5", java.nio.file.StandardOpenOption.APPEND); // a crash mid-row
        try (CsvLog log = CsvLog.open(file)) {
            log.append(40, 0.3, 1e-4, 1, 5);
        }
        String text = Files.readString(file);
        assertTrue(text.endsWith("30,0.35,1.0E-4,1.0,5.00\n40,0.3,1.0E-4,1.0,5.00\n"), text);
    }

    @Test
    void refusesAForeignFile() throws IOException {
        Path file = dir.resolve("other.csv");
        Files.writeString(file, "a,b\n1,2\n");
        IOException e = assertThrows(IOException.class, () -> CsvLog.open(file));
        assertTrue(e.getMessage().contains("not a Sfumato training log"), e.getMessage());
        assertEquals("a,b\n1,2\n", Files.readString(file), "left untouched");
    }
}
