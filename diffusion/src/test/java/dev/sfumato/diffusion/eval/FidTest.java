package dev.sfumato.diffusion.eval;

import dev.sfumato.diffusion.data.TensorDataset;
import dev.sfumato.tensor.Generator;
import dev.sfumato.tensor.Tensor;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class FidTest {

    /** Features: the mean of each 2x2 block of a [N, 1, 4, 4] image, so D = 4. */
    private static final FeatureExtractor BLOCK_MEANS = new FeatureExtractor() {
        @Override
        public Tensor features(Tensor images) {
            int n = images.size(0);
            float[] x = images.contiguous().toArray();
            float[] f = new float[n * 4];
            for (int i = 0; i < n; i++) {
                for (int p = 0; p < 16; p++) {
                    int block = (p / 4 / 2) * 2 + (p % 4) / 2;
                    f[i * 4 + block] += x[i * 16 + p] / 4f;
                }
            }
            return Tensor.wrap(f, n, 4);
        }

        @Override
        public int dim() {
            return 4;
        }
    };

    private static Tensor images(long seed, int n, float shift) {
        return Tensor.randn(new Generator(seed), n, 1, 4, 4).mul(0.3f).add(shift);
    }

    @Test
    void sameDistributionScoresNearTheBaselineAShiftedOneFarAbove() {
        TensorDataset reference = TensorDataset.of(images(1, 1000, 0f));
        Fid.Result same = Fid.compute(BLOCK_MEANS, images(2, 300, 0f), reference, "noise", 5, 64);
        Fid.Result shifted = Fid.compute(BLOCK_MEANS, images(2, 300, 0.5f), reference, "noise", 5, 64);
        assertEquals(300, same.samples());
        assertEquals(1000, same.referenceSize());
        assertTrue(same.realVsReal() >= 0 && same.realVsReal() < 0.01, "baseline " + same.realVsReal());
        assertTrue(same.fid() < 0.01, "same distribution " + same.fid());
        // Four features shifted by 0.5 each: |Δμ|² = 1.
        assertEquals(1.0, shifted.fid(), 0.05, "shifted distribution");
        assertEquals(same.realVsReal(), shifted.realVsReal(), "the baseline ignores the generated images");
        assertEquals("FID " + String.format(java.util.Locale.ROOT, "%.3f", same.fid()) + " (300 generated vs 300"
                + " images of noise [1000]; real-vs-real baseline " + String.format(java.util.Locale.ROOT, "%.3f",
                same.realVsReal()) + " with two disjoint sets of 300; 4-d features; seed 5)", same.toString());
    }

    @Test
    void aSetAgainstItselfScoresZeroAndTheBaselineDependsOnlyOnTheSeed() {
        Tensor real = images(7, 200, 0f);
        FeatureStats stats = new FeatureStats(4).add(BLOCK_MEANS.features(real));
        assertEquals(0.0, FrechetDistance.compute(stats, stats), 1e-12);
        Fid.Result r = Fid.compute(BLOCK_MEANS, real.narrow(0, 0, 100), TensorDataset.of(real), "itself", 0);
        // A reference of exactly 2n images: sets A and B split all of it, chosen by the seed alone.
        assertEquals(r.realVsReal(), Fid.compute(BLOCK_MEANS, real.narrow(0, 100, 100), TensorDataset.of(real),
                "itself", 0).realVsReal(), "the baseline ignores the generated images");
        assertTrue(r.realVsReal() != Fid.compute(BLOCK_MEANS, real.narrow(0, 0, 100), TensorDataset.of(real),
                "itself", 1).realVsReal(), "another seed, another split");
    }

    @Test
    void tooSmallAReferenceOrWrongSizeIsAnError() {
        TensorDataset reference = TensorDataset.of(images(1, 10, 0f));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Fid.compute(BLOCK_MEANS, images(2, 6, 0f), reference, "tiny", 0));
        assertTrue(e.getMessage().contains("generate at most 5 images"), e.getMessage());
        assertThrows(IllegalArgumentException.class,
                () -> Fid.compute(BLOCK_MEANS, Tensor.zeros(4, 1, 5, 5), reference, "tiny", 0));
    }
}
