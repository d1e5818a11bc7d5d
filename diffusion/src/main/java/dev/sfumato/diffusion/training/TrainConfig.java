package dev.sfumato.diffusion.training;

import dev.sfumato.diffusion.model.UNetConfig;
import dev.sfumato.diffusion.process.PredictionType;
import dev.sfumato.diffusion.schedule.NoiseSchedule;
import dev.sfumato.nn.serialization.Json;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Everything that defines a training run, saved as JSON in every checkpoint so that {@code sample} and
 * resume rebuild exactly the same model.
 *
 * <p>Defaults follow Ho et al. 2020 (§4 and Appendix B): T = 1000, linear β from 1e-4 to 0.02, ε-prediction
 * with the simple MSE loss, Adam at lr 2e-4 with linear warmup, gradient clipping at norm 1, EMA 0.9999,
 * dropout 0.1; classifier-free guidance drops the label with p = 0.1 (Ho &amp; Salimans 2022) when the model
 * has classes. Steps, batch and warmup are this project's Fashion-MNIST recipe (see the README).
 */
public record TrainConfig(UNetConfig unet, String schedule, int timesteps, PredictionType prediction, double minSnrGamma,
                          int batchSize, int steps, double lr, int warmupSteps, String optimizer, double weightDecay,
                          double gradClip, double emaDecay, double pUncond, boolean flip, long seed,
                          int checkpointEvery, int keepCheckpoints, int sampleEvery, int logEvery) {

    public TrainConfig {
        if (!schedule.equals("linear") && !schedule.equals("cosine")) {
            throw new IllegalArgumentException("TrainConfig: schedule must be 'linear' or 'cosine', got '" + schedule + "'");
        }
        if (!optimizer.equals("adam") && !optimizer.equals("adamw")) {
            throw new IllegalArgumentException("TrainConfig: optimizer must be 'adam' or 'adamw', got '" + optimizer + "'");
        }
        if (timesteps < 2 || batchSize < 1 || steps < 0 || lr <= 0 || warmupSteps < 0 || gradClip <= 0
                || emaDecay < 0 || emaDecay >= 1 || pUncond < 0 || pUncond >= 1 || keepCheckpoints < 1) {
            throw new IllegalArgumentException("TrainConfig: out-of-range value in " + toJson());
        }
    }

    /** The default recipe for {@code unet}. */
    public static TrainConfig defaults(UNetConfig unet) {
        return new TrainConfig(unet, "linear", 1000, PredictionType.EPS, 0.0, 64, 20_000, 2e-4, 500, "adam", 0.0,
                1.0, 0.9999, 0.1, false, 0, 1000, 3, 1000, 50);
    }

    /** The noise schedule this config names. */
    public NoiseSchedule noiseSchedule() {
        return schedule.equals("cosine") ? NoiseSchedule.cosine(timesteps) : NoiseSchedule.linear(timesteps);
    }

    /** A copy with other run lengths and intervals (the CLI's --steps, --batch, ...). */
    public TrainConfig withRun(int batchSize, int steps, long seed, int checkpointEvery, int sampleEvery, int logEvery) {
        return new TrainConfig(unet, schedule, timesteps, prediction, minSnrGamma, batchSize, steps, lr, warmupSteps,
                optimizer, weightDecay, gradClip, emaDecay, pUncond, flip, seed, checkpointEvery, keepCheckpoints,
                sampleEvery, logEvery);
    }

    /** A copy with other optimisation settings. */
    public TrainConfig withOptimisation(double lr, int warmupSteps, double emaDecay, boolean flip) {
        return new TrainConfig(unet, schedule, timesteps, prediction, minSnrGamma, batchSize, steps, lr, warmupSteps,
                optimizer, weightDecay, gradClip, emaDecay, pUncond, flip, seed, checkpointEvery, keepCheckpoints,
                sampleEvery, logEvery);
    }

    /** One JSON object; numbers in Java's shortest round-trip form. */
    public String toJson() {
        StringBuilder s = new StringBuilder("{");
        field(s, "imageChannels", unet.imageChannels());
        field(s, "imageSize", unet.imageSize());
        field(s, "baseChannels", unet.baseChannels());
        s.append("\"channelMults\":").append(ints(unet.channelMults())).append(',');
        field(s, "numResBlocks", unet.numResBlocks());
        s.append("\"attentionResolutions\":").append(ints(unet.attentionResolutions())).append(',');
        field(s, "dropout", unet.dropout());
        field(s, "numClasses", unet.numClasses());
        field(s, "attentionHeads", unet.attentionHeads());
        s.append("\"schedule\":").append(Json.quote(schedule)).append(',');
        field(s, "timesteps", timesteps);
        s.append("\"prediction\":").append(Json.quote(prediction.name())).append(',');
        field(s, "minSnrGamma", minSnrGamma);
        field(s, "batchSize", batchSize);
        field(s, "steps", steps);
        field(s, "lr", lr);
        field(s, "warmupSteps", warmupSteps);
        s.append("\"optimizer\":").append(Json.quote(optimizer)).append(',');
        field(s, "weightDecay", weightDecay);
        field(s, "gradClip", gradClip);
        field(s, "emaDecay", emaDecay);
        field(s, "pUncond", pUncond);
        s.append("\"flip\":").append(flip).append(',');
        field(s, "seed", seed);
        field(s, "checkpointEvery", checkpointEvery);
        field(s, "keepCheckpoints", keepCheckpoints);
        field(s, "sampleEvery", sampleEvery);
        s.append("\"logEvery\":").append(logEvery).append('}');
        return s.toString();
    }

    private static void field(StringBuilder s, String k, Object v) {
        s.append('"').append(k).append("\":").append(v instanceof Double d ? String.format(Locale.ROOT, "%s", d) : v).append(',');
    }

    private static String ints(int[] v) {
        StringBuilder s = new StringBuilder("[");
        for (int i = 0; i < v.length; i++) {
            s.append(i == 0 ? "" : ",").append(v[i]);
        }
        return s.append(']').toString();
    }

    /**
     * Parses {@link #toJson()}'s output. Every field is required.
     *
     * @throws IllegalArgumentException naming the missing or malformed field
     */
    @SuppressWarnings("unchecked")
    public static TrainConfig fromJson(String json) {
        Map<String, Object> m;
        try {
            m = (Map<String, Object>) Json.parse(json);
        } catch (Json.JsonException | ClassCastException e) {
            throw new IllegalArgumentException("training config: not a JSON object (" + e.getMessage() + ")", e);
        }
        UNetConfig unet = new UNetConfig(i(m, "imageChannels"), i(m, "imageSize"), i(m, "baseChannels"),
                intArray(m, "channelMults"), i(m, "numResBlocks"), intArray(m, "attentionResolutions"), d(m, "dropout"),
                i(m, "numClasses"), i(m, "attentionHeads"));
        return new TrainConfig(unet, str(m, "schedule"), i(m, "timesteps"), PredictionType.valueOf(str(m, "prediction")),
                d(m, "minSnrGamma"), i(m, "batchSize"), i(m, "steps"), d(m, "lr"), i(m, "warmupSteps"), str(m, "optimizer"),
                d(m, "weightDecay"), d(m, "gradClip"), d(m, "emaDecay"), d(m, "pUncond"), bool(m, "flip"),
                (long) d(m, "seed"), i(m, "checkpointEvery"), i(m, "keepCheckpoints"), i(m, "sampleEvery"), i(m, "logEvery"));
    }

    private static Object get(Map<String, Object> m, String k) {
        if (!m.containsKey(k)) {
            throw new IllegalArgumentException("training config: missing field '" + k + "'");
        }
        return m.get(k);
    }

    private static double d(Map<String, Object> m, String k) {
        if (get(m, k) instanceof Number n) {
            return n.doubleValue();
        }
        throw new IllegalArgumentException("training config: field '" + k + "' must be a number, got " + m.get(k));
    }

    private static int i(Map<String, Object> m, String k) {
        double v = d(m, k);
        if (v != Math.rint(v)) {
            throw new IllegalArgumentException("training config: field '" + k + "' must be an integer, got " + v);
        }
        return (int) v;
    }

    private static String str(Map<String, Object> m, String k) {
        if (get(m, k) instanceof String s) {
            return s;
        }
        throw new IllegalArgumentException("training config: field '" + k + "' must be a string, got " + m.get(k));
    }

    private static boolean bool(Map<String, Object> m, String k) {
        if (get(m, k) instanceof Boolean b) {
            return b;
        }
        throw new IllegalArgumentException("training config: field '" + k + "' must be true or false, got " + m.get(k));
    }

    private static int[] intArray(Map<String, Object> m, String k) {
        if (!(get(m, k) instanceof List<?> list)) {
            throw new IllegalArgumentException("training config: field '" + k + "' must be an array of integers");
        }
        List<Integer> out = new ArrayList<>();
        for (Object o : list) {
            if (!(o instanceof Number n) || n.doubleValue() != Math.rint(n.doubleValue())) {
                throw new IllegalArgumentException("training config: field '" + k + "' must hold integers, got " + o);
            }
            out.add(n.intValue());
        }
        return out.stream().mapToInt(Integer::intValue).toArray();
    }
}
