package dev.sfumato.nn.serialization;

import dev.sfumato.tensor.Tensor;
import dev.sfumato.tensor.testing.Golden;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Reads a file written from PyTorch 1.13 by {@code src/test/python/gen_safetensors_fixture.py} (F32, F64, F16
 * and BF16 tensors, a scalar, a size-0 tensor, metadata) and compares it with the float32 golden values.
 */
class SafetensorsTorchInteropTest {

    @TempDir
    Path dir;

    private Path fixture() throws IOException {
        Path file = dir.resolve("torch_small.safetensors");
        try (InputStream in = getClass().getResourceAsStream("/safetensors/torch_small.safetensors")) {
            assertNotNull(in, "fixture missing; run nn/src/test/python/gen_safetensors_fixture.py");
            Files.copy(in, file);
        }
        return file;
    }

    private static int[] bits(float[] values) {
        int[] b = new int[values.length];
        for (int i = 0; i < values.length; i++) {
            b[i] = Float.floatToIntBits(values[i]);
        }
        return b;
    }

    @Test
    void readsTorchTensorsExactly() throws IOException {
        SafetensorsFile file = Safetensors.read(fixture());
        Golden golden = Golden.load("/safetensors/torch_small_values.txt");

        // The reference writer's order: F64, then F32 by name, then BF16, then F16.
        assertEquals(List.of("double.weight", "conv.bias", "conv.weight", "empty", "linear.weight", "scalar",
                "bf16.weight", "half.special", "half.weight"), List.copyOf(file.tensors().keySet()));
        for (String name : file.tensors().keySet()) {
            if (name.equals("half.special")) {
                continue;
            }
            Tensor expected = golden.get(name);
            Tensor actual = file.tensors().get(name);
            assertArrayEquals(expected.shape(), actual.shape(), name);
            assertArrayEquals(bits(expected.toArray()), bits(actual.toArray()), name);
        }

        float[] special = file.tensors().get("half.special").toArray();
        assertArrayEquals(bits(golden.get("half.special.finite").toArray()), bits(new float[] {special[0], special[1], special[2]}));
        assertEquals(Float.POSITIVE_INFINITY, special[3]);
        assertTrue(Float.isNaN(special[4]));
        assertEquals(Float.floatToRawIntBits(-0f), Float.floatToRawIntBits(special[2]));

        assertEquals(Map.of("format", "pt", "generator", "gen_safetensors_fixture.py",
                "note", "unicode \u00e9 \u2713 and \"quotes\""), file.metadata());
        assertArrayEquals(new int[0], file.tensors().get("scalar").shape());
        assertArrayEquals(new int[] {0, 3}, file.tensors().get("empty").shape());
    }

    @Test
    void savingTheF32TensorsAgainReadsBackTheSame() throws IOException {
        Map<String, Tensor> tensors = Safetensors.load(fixture());
        Path again = dir.resolve("again.safetensors");
        Safetensors.save(tensors, Map.of("format", "pt"), again);
        Map<String, Tensor> back = Safetensors.load(again);
        assertEquals(List.copyOf(tensors.keySet()), List.copyOf(back.keySet()));
        for (String name : tensors.keySet()) {
            assertArrayEquals(bits(tensors.get(name).toArray()), bits(back.get(name).toArray()), name);
        }
    }
}
