package dev.sfumato.diffusion.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sfumato.autograd.NoGrad;
import dev.sfumato.autograd.Variable;
import dev.sfumato.diffusion.eval.ClassifierFeatures;
import dev.sfumato.diffusion.model.UNetConfig;
import dev.sfumato.diffusion.sampler.DdimSampler;
import dev.sfumato.diffusion.sampler.SamplingListener;
import dev.sfumato.tensor.Generator;
import dev.sfumato.tensor.Tensor;
import java.io.IOException;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The checkpoint shipped in the jar, which the README's main job samples from: it is the default U-Net,
 * and its samples look like Fashion-MNIST (garments on a dark background, of several kinds), not like noise
 * or an untrained model's output. FID needs far more samples than a unit test can afford; it is in the README.
 */
class ShippedCheckpointTest {

    @Test
    void theShippedModelIsTheDefaultUNetAndSamplesGarments() throws IOException {
        Path file = Sampling.shippedCheckpoint();
        assertNotNull(file, "the jar ships a checkpoint at " + Sampling.SHIPPED);
        Sampling.Model m = Sampling.load(file);
        assertEquals(UNetConfig.fashionMnist(), m.config().unet());
        assertEquals(1_539_329L, m.model().parameterCount());

        int n = 16;
        Tensor x = new DdimSampler(m.config().noiseSchedule(), 20).predictionType(m.config().prediction())
                .sample(m.model(), m.shape(n), null, new Generator(0), SamplingListener.NONE); // [16, 1, 28, 28]
        float[] px = x.toArray();
        int dark = 0;
        for (float v : px) {
            assertTrue(v >= -1f && v <= 1f, "samples lie in [-1, 1], got " + v);
            dark += v < -0.5f ? 1 : 0;
        }
        // Measured with this test's recipe (16 images, the shipped classifier). Dark pixels (below -0.5):
        // real Fashion-MNIST images (three sets from the bundled subset) 55-67%, clipped Gaussian noise 31%, an
        // untrained U-Net's DDIM samples 50%, this run's step-800 checkpoint 49%. Distinct predicted classes:
        // real 6-9, noise 2, untrained 2, step 800: 7. Together the two reject noise and an untrained model.
        // The classifier's confidence separates nothing (0.83-0.99 for all), so it is not checked.
        double darkFraction = dark / (double) px.length;
        Set<Integer> classes = new HashSet<>();
        try (NoGrad ignored = NoGrad.enter()) {
            Tensor logits = ClassifierFeatures.shipped().model().forward(new Variable(x)).value(); // [16, 10]
            for (float c : logits.argmax(1, false).toArray()) {
                classes.add((int) c);
            }
        }
        assertTrue(darkFraction > 0.4, "fraction of dark pixels (below -0.5) " + darkFraction);
        assertTrue(classes.size() >= 5, "distinct predicted classes " + classes);
    }
}
