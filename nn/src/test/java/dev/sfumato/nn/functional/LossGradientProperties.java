package dev.sfumato.nn.functional;

import dev.sfumato.autograd.Variable;
import dev.sfumato.autograd.gradcheck.GradCheck;
import dev.sfumato.tensor.Tensor;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import org.junit.jupiter.api.Test;

import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.Arrays;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Gradient checks of every loss in {@link Losses} against central differences, over random shapes, every
 * reduction, label smoothing in [0, 1] and ignored targets. The losses are composites, so this checks that
 * they are assembled from the primitives correctly (masking, counting, the smoothing term).
 */
class LossGradientProperties {

    private static final Reduction[] REDUCTIONS = Reduction.values();

    private static int[] shape(Random rnd, int minRank, int maxRank) {
        int[] s = new int[minRank + rnd.nextInt(maxRank - minRank + 1)];
        for (int i = 0; i < s.length; i++) {
            s[i] = 1 + rnd.nextInt(4);
        }
        return s;
    }

    private static Tensor normal(Random rnd, int... shape) {
        Tensor t = Tensor.zeros(shape);
        float[] v = new float[t.numel()];
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) rnd.nextGaussian();
        }
        return Tensor.wrap(v, shape);
    }

    private static Tensor randomSigns(Random rnd, int... shape) {
        Tensor t = Tensor.zeros(shape);
        float[] v = new float[t.numel()];
        for (int i = 0; i < v.length; i++) {
            v[i] = rnd.nextBoolean() ? 1f : -1f;
        }
        return Tensor.wrap(v, shape);
    }

    /** Class targets for input [N, C, d...]: shape [N, d...], with some set to {@code ignoreIndex}. */
    private static Tensor targets(Random rnd, int[] inputShape, int ignoreIndex, boolean withIgnored) {
        int[] t = new int[inputShape.length - 1];
        t[0] = inputShape[0];
        System.arraycopy(inputShape, 2, t, 1, inputShape.length - 2);
        Tensor target = Tensor.zeros(t);
        float[] v = new float[target.numel()];
        for (int i = 0; i < v.length; i++) {
            v[i] = withIgnored && rnd.nextInt(4) == 0 ? ignoreIndex : rnd.nextInt(inputShape[1]);
        }
        return Tensor.wrap(v, t);
    }

    @Property(tries = 40)
    void mseLoss(@ForAll long seed) {
        Random rnd = new Random(seed);
        int[] s = shape(rnd, 0, 3);
        Reduction r = REDUCTIONS[rnd.nextInt(3)];
        GradCheck.check(in -> Losses.mseLoss(in.get(0), in.get(1), r), normal(rnd, s), normal(rnd, s)).assertPassed();
    }

    @Property(tries = 40)
    void l1Loss(@ForAll long seed) {
        Random rnd = new Random(seed);
        int[] s = shape(rnd, 0, 3);
        Reduction r = REDUCTIONS[rnd.nextInt(3)];
        Tensor target = normal(rnd, s);
        // |input - target| >= 0.1, well past the stencil's reach 2h = 2^-6, so no point sits on the kink.
        Tensor gap = normal(rnd, s).abs().add(0.1f).mul(randomSigns(rnd, s));
        GradCheck.check(in -> Losses.l1Loss(in.get(0), in.get(1), r), target.add(gap), target).assertPassed();
    }

    @Property(tries = 40)
    void nllLoss(@ForAll long seed) {
        Random rnd = new Random(seed);
        int[] s = classificationShape(rnd);
        Reduction r = REDUCTIONS[rnd.nextInt(3)];
        int ignore = rnd.nextBoolean() || s[1] == 1 ? Losses.DEFAULT_IGNORE_INDEX : rnd.nextInt(s[1]);
        Tensor target = targets(rnd, s, ignore, true);
        ensureOneCounted(target, ignore, s[1]);
        GradCheck.check(in -> Losses.nllLoss(in.get(0), target, r, ignore), normal(rnd, s)).assertPassed();
    }

    @Property(tries = 60)
    void crossEntropy(@ForAll long seed) {
        Random rnd = new Random(seed);
        int[] s = classificationShape(rnd);
        Reduction r = REDUCTIONS[rnd.nextInt(3)];
        double smoothing = rnd.nextInt(3) == 0 ? 0 : rnd.nextDouble();
        boolean withIgnored = rnd.nextBoolean();
        Tensor target = targets(rnd, s, Losses.DEFAULT_IGNORE_INDEX, withIgnored);
        ensureOneCounted(target, Losses.DEFAULT_IGNORE_INDEX, s[1]);
        GradCheck.check(in -> Losses.crossEntropy(in.get(0), target, smoothing, r, Losses.DEFAULT_IGNORE_INDEX),
                normal(rnd, s).mul(2f)).assertPassed();
    }

    @Property(tries = 20)
    void crossEntropyUnbatched(@ForAll long seed) {
        Random rnd = new Random(seed);
        int c = 1 + rnd.nextInt(5);
        Tensor target = Tensor.scalar(rnd.nextInt(c));
        double smoothing = rnd.nextDouble();
        Reduction r = REDUCTIONS[rnd.nextInt(3)];
        GradCheck.check(in -> Losses.crossEntropy(in.get(0), target, smoothing, r, Losses.DEFAULT_IGNORE_INDEX),
                normal(rnd, c)).assertPassed();
    }

    /** [N, C] or [N, C, d1] or [N, C, d1, d2]. */
    private static int[] classificationShape(Random rnd) {
        return shape(rnd, 2, 4);
    }

    /** A mean over zero targets is NaN (as in PyTorch); keep at least one target counted. */
    private static void ensureOneCounted(Tensor target, int ignore, int classes) {
        if (target.ne((float) ignore).sum().item() == 0) {
            target.data()[0] = ignore == 0 ? classes - 1 : 0;
            target.markModified();
        }
    }

    /** Every public loss in {@link Losses} has a property here with its name: a new loss cannot go unchecked. */
    @Test
    void everyLossHasAProperty() {
        Set<String> losses = new TreeSet<>();
        for (Method m : Losses.class.getDeclaredMethods()) {
            if (Modifier.isPublic(m.getModifiers()) && m.getReturnType() == Variable.class) {
                losses.add(m.getName());
            }
        }
        Set<String> properties = new TreeSet<>();
        Arrays.stream(getClass().getDeclaredMethods()).filter(m -> m.isAnnotationPresent(Property.class))
                .forEach(m -> properties.add(m.getName()));
        losses.removeAll(properties);
        assertEquals(Set.of(), losses, "losses without a gradient property");
    }
}
