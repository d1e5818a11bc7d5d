package dev.sfumato.diffusion.io;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;

class ProgressBarTest {

    private long now;

    private static final long SECOND = 1_000_000_000L;

    @Test
    void plainLinesWhenNotATerminal() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
        now = 0;
        ProgressBar bar = new ProgressBar("train", 1000, 0, out, false, () -> now);
        now = 2 * SECOND;
        bar.update(100, 0.123456);      // first update: drawn
        now = 5 * SECOND;
        bar.update(250, 0.1);           // 3 s later: too soon for a plain line
        now = 12 * SECOND + SECOND / 2;
        bar.update(500, Double.NaN);    // 10.5 s after the last line: drawn, no loss
        now = 20 * SECOND;
        bar.update(1000, 0.05);         // the last step: always drawn
        bar.close();
        assertEquals("""
                train  10% |##------------------|  100/1000 [00:02<00:18, 50.00 it/s, loss 0.1235]
                train  50% |##########----------|  500/1000 [00:13<00:13, 40.00 it/s]
                train 100% |####################| 1000/1000 [00:20<00:00, 50.00 it/s, loss 0.05000]
                """, bytes.toString(StandardCharsets.UTF_8));
    }

    @Test
    void terminalRedrawsInPlaceAtMostFiveTimesASecond() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
        now = 0;
        ProgressBar bar = new ProgressBar("s", 10, 4, out, true, () -> now); // resumed at 4
        now = SECOND;
        bar.update(5, Double.NaN);
        now = SECOND + SECOND / 10;
        bar.update(6, Double.NaN); // 0.1 s later: skipped
        now = 3 * SECOND;
        bar.update(10, Double.NaN);
        bar.close();
        assertEquals("\rs  50% |##########----------|  5/10 [00:01<00:05, 1.00 it/s]"
                + "\rs 100% |####################| 10/10 [00:03<00:00, 2.00 it/s]\n",
                bytes.toString(StandardCharsets.UTF_8));
    }

    @Test
    void clockFormat() {
        assertEquals("00:00", ProgressBar.clock(0.4));
        assertEquals("01:05", ProgressBar.clock(65));
        assertEquals("1:01:01", ProgressBar.clock(3661));
    }
}
