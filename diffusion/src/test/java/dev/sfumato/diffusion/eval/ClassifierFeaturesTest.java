package dev.sfumato.diffusion.eval;

import dev.sfumato.diffusion.data.BundledDataset;
import dev.sfumato.diffusion.data.IdxDataset;
import dev.sfumato.nn.examples.FashionMnistCnn;
import dev.sfumato.nn.serialization.Safetensors;
import dev.sfumato.tensor.Generator;
import dev.sfumato.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The classifier shipped in the jar: it loads, gives 128-d features, and still classifies. */
class ClassifierFeaturesTest {

    @Test
    void shippedClassifierGives128dFeatures() throws IOException {
        ClassifierFeatures f = ClassifierFeatures.shipped();
        assertEquals(128, f.dim());
        IdxDataset data = BundledDataset.fashionMnistSubset();
        Tensor images = Tensor.stack(java.util.List.of(data.image(0), data.image(1), data.image(2)), 0); // [3, 1, 28, 28]
        Tensor features = f.features(images);
        assertArrayEquals(new int[] {3, 128}, features.shape());
        assertTrue(features.min().item() >= 0, "ReLU features");
        assertTrue(features.max().item() > 0, "an image lights up some feature");
    }

    @Test
    void shippedClassifierIsAccurateOnTheBundledSubset() throws IOException {
        // These are training images, so this checks that the right weights shipped, not generalisation;
        // the README command measures test accuracy (about 0.9).
        double accuracy = ClassifierFeatures.shipped().accuracy(BundledDataset.fashionMnistSubset(), 500);
        assertTrue(accuracy >= 0.85, "accuracy on the first 500 bundled images " + accuracy);
    }

    @Test
    void loadsAFileThatCommandWrote(@TempDir Path dir) throws IOException {
        FashionMnistCnn model = new FashionMnistCnn(new Generator(9));
        Path file = dir.resolve("cnn.safetensors");
        Safetensors.save(model.stateDict(), Map.of("format", ClassifierFeatures.FORMAT), file);
        Tensor x = Tensor.randn(new Generator(1), 2, 1, 28, 28).tanh();
        model.eval();
        Tensor expected = new ClassifierFeatures(model).features(x);
        assertArrayEquals(expected.toArray(), ClassifierFeatures.load(file).features(x).toArray());
    }

    @Test
    void aFileOfAnotherModelIsAClearError(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("other.safetensors");
        Safetensors.save(Map.of("weight", Tensor.zeros(2, 2)), file);
        IOException e = assertThrows(IOException.class, () -> ClassifierFeatures.load(file));
        assertTrue(e.getMessage().contains("not a FashionMnistCnn"), e.getMessage());
    }
}
