package dev.sfumato.diffusion.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The heap the {@code ./sfumato} launcher gives {@code train} (its {@code heap_for_train} function, run with bash
 * as the launcher runs it) and the message when the heap runs out.
 */
class HeapTest {

    private static final Path LAUNCHER = Path.of("..", "sfumato");

    @Test
    void defaultNetworkGetsAHeapScaledByBatchAndBaseChannels() throws Exception {
        assertEquals("896", heapForTrain());
        assertEquals("896", heapForTrain("--steps", "10", "--data", "auto", "--lr=1e-4"));
        assertEquals("640", heapForTrain("--batch", "32"));  // the floor: the data set
        assertEquals("1536", heapForTrain("--batch=128"));
        assertEquals("1536", heapForTrain("--base-channels", "64"));
        assertEquals("640", heapForTrain("--batch", "16", "--classes", "--flip"));
        assertEquals("656", heapForTrain("--batch", "20", "--base-channels=64"));
    }

    @Test
    void networksAndDataTheLauncherCannotSizeKeepTheJvmDefault() throws Exception {
        for (String[] args : new String[][] {
                {"--channel-mults", "1,2,2,2"}, {"--res-blocks=3"}, {"--attention", "14"}, {"--resume", "latest"},
                {"--data", "/some/images"}, {"--data=/some/images"}, {"--batch", "many"}}) {
            assertEquals("none", heapForTrain(args), String.join(" ", args));
        }
    }

    @Test
    void outOfHeapSaysHowBigItWasWhoChoseItAndHowToRaiseIt() {
        String fromLauncher = Main.outOfHeapMessage(896L << 20, "launcher");
        assertTrue(fromLauncher.contains("896 MB (chosen by ./sfumato from --batch and --base-channels"), fromLauncher);
        assertTrue(fromLauncher.contains("SFUMATO_JAVA_OPTS=-Xmx2g"), fromLauncher);
        assertTrue(fromLauncher.contains("--resume latest"), fromLauncher);
        String fromUser = Main.outOfHeapMessage(3L << 30, null);
        assertTrue(fromUser.contains("3072 MB."), fromUser);
        assertTrue(fromUser.contains("-Xmx6g"), fromUser);
    }

    /** Runs the launcher's heap_for_train on {@code args}; "none" when it declines to choose. */
    private static String heapForTrain(String... args) throws IOException, InterruptedException {
        assertTrue(Files.isRegularFile(LAUNCHER), "the launcher at " + LAUNCHER.toAbsolutePath());
        List<String> command = new ArrayList<>(List.of("bash", "-c",
                "eval \"$(sed -n '/^heap_for_train()/,/^}/p' \"$0\")\"; heap_for_train \"$@\" || echo none",
                LAUNCHER.toString()));
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        assertEquals(0, process.waitFor(), out);
        return out;
    }
}
