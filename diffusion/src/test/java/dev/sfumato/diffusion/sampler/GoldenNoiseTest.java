package dev.sfumato.diffusion.sampler;

import dev.sfumato.tensor.Generator;
import dev.sfumato.tensor.Tensor;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The golden sampler runs draw their noise from a Python port of {@link Generator}, which checks itself
 * against these values (hard-coded in gen_golden_diffusion.py). If this test fails, the generator changed
 * and the sampler goldens must be regenerated; the sampler tests would fail without saying why.
 */
class GoldenNoiseTest {

    @Test
    void generatorStillDrawsWhatThePythonPortAssumes() {
        Generator g = new Generator(1234);
        long k1 = g.nextStreamKey();
        assertEquals(-4968325692281840421L, k1);
        assertEquals(-7509856599009106652L, g.nextStreamKey());
        float[] normals = new float[5];
        for (int i = 0; i < 5; i++) {
            normals[i] = Generator.normal(k1, i);
        }
        assertArrayEquals(new float[] {0.65527827f, -0.7311596f, -2.0525775f, 1.0111176f, 0.6587932f}, normals);
        assertEquals(7790691224305936752L, new Generator(-7).nextStreamKey());
        float[] x = Tensor.randn(new Generator(42), 2, 1, 4, 4).toArray();
        assertArrayEquals(new float[] {1.406145f, -0.40137833f, -0.7254601f}, new float[] {x[0], x[1], x[31]});
    }
}
