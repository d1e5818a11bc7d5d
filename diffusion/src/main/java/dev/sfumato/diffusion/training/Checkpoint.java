package dev.sfumato.diffusion.training;

import dev.sfumato.nn.serialization.Safetensors;
import dev.sfumato.nn.serialization.SafetensorsFile;
import dev.sfumato.tensor.Tensor;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One training checkpoint: a single safetensors file {@code step-00001000.safetensors} holding the model
 * ({@code model.*}), the EMA weights ({@code ema.*}) and the optimiser state ({@code optim.*}) as tensors, and
 * in its {@code __metadata__} the step, the generator states, the data-loader position and the training
 * config as JSON. One file is written atomically (temp file, then rename), so a crash never leaves a
 * half-written checkpoint; older ones beyond the last K are deleted only after the new one is in place.
 */
public record Checkpoint(long step, TrainConfig config, Map<String, Tensor> model, Map<String, Tensor> ema,
                         Map<String, Tensor> optimizer, Map<String, String> state) {

    /** The {@code format} field of the metadata. */
    public static final String FORMAT = "sfumato-ddpm-checkpoint-v1";

    private static final Pattern NAME = Pattern.compile("step-(\\d{8})\\.safetensors");

    /** The file name of the checkpoint at {@code step}. */
    public static String fileName(long step) {
        return String.format("step-%08d.safetensors", step);
    }

    /** Writes this checkpoint into {@code dir} and deletes all but the newest {@code keep}. Returns the file. */
    public Path save(Path dir, int keep) throws IOException {
        Files.createDirectories(dir);
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        model.forEach((k, v) -> tensors.put("model." + k, v));
        ema.forEach((k, v) -> tensors.put("ema." + k, v));
        optimizer.forEach((k, v) -> tensors.put("optim." + k, v));
        Map<String, String> meta = new LinkedHashMap<>(state);
        meta.put("format", FORMAT);
        meta.put("step", Long.toString(step));
        meta.put("config", config.toJson());
        Path file = dir.resolve(fileName(step));
        Safetensors.save(tensors, meta, file);
        List<Path> all = list(dir);
        for (int i = 0; i < all.size() - keep; i++) {
            Files.deleteIfExists(all.get(i));
        }
        return file;
    }

    /**
     * Writes the weights that sampling uses, and nothing else, to {@code file} (atomically): the EMA weights
     * (the model's when there is no EMA) as {@code ema.*} in F16, with the step and the config. About a
     * quarter of a training checkpoint, which also holds the raw weights and two Adam moments in F32; this
     * is the form the project ships. F16 keeps 11 significant bits, far below what changes a sample (the
     * README reports FID for the exported file itself). Such a file samples and evaluates like any other
     * checkpoint, but cannot be resumed.
     */
    public void exportForSampling(Path file) throws IOException {
        Map<String, Tensor> weights = new LinkedHashMap<>();
        (ema.isEmpty() ? model : ema).forEach((k, v) -> weights.put("ema." + k, v));
        Map<String, String> meta = new LinkedHashMap<>();
        meta.put("format", FORMAT);
        meta.put("step", Long.toString(step));
        meta.put("config", config.toJson());
        meta.put("contents", "EMA weights in F16 for sampling (sfumato export)");
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        Safetensors.saveF16(weights, meta, file);
    }

    /** The checkpoints in {@code dir}, oldest first (by step). */
    public static List<Path> list(Path dir) throws IOException {
        List<Path> out = new ArrayList<>();
        if (!Files.isDirectory(dir)) {
            return out;
        }
        try (DirectoryStream<Path> s = Files.newDirectoryStream(dir, "step-*.safetensors")) {
            for (Path p : s) {
                if (NAME.matcher(p.getFileName().toString()).matches()) {
                    out.add(p);
                }
            }
        }
        out.sort(null);
        return out;
    }

    /** The newest checkpoint in {@code dir}, or null. */
    public static Path latest(Path dir) throws IOException {
        List<Path> all = list(dir);
        return all.isEmpty() ? null : all.get(all.size() - 1);
    }

    /**
     * Reads a checkpoint file.
     *
     * @throws IOException naming the file when it is not a safetensors file, not a Sfumato checkpoint, or
     *                     lacks a field
     */
    public static Checkpoint load(Path file) throws IOException {
        SafetensorsFile f = Safetensors.read(file);
        Map<String, String> meta = f.metadata();
        if (!FORMAT.equals(meta.get("format"))) {
            throw new IOException(file + ": not a Sfumato DDPM checkpoint (metadata format is '" + meta.get("format")
                    + "', expected '" + FORMAT + "')");
        }
        Map<String, Tensor> model = new LinkedHashMap<>();
        Map<String, Tensor> ema = new LinkedHashMap<>();
        Map<String, Tensor> optim = new LinkedHashMap<>();
        for (Map.Entry<String, Tensor> e : f.tensors().entrySet()) {
            String k = e.getKey();
            if (k.startsWith("model.")) {
                model.put(k.substring(6), e.getValue());
            } else if (k.startsWith("ema.")) {
                ema.put(k.substring(4), e.getValue());
            } else if (k.startsWith("optim.")) {
                optim.put(k.substring(6), e.getValue());
            } else {
                throw new IOException(file + ": unexpected tensor '" + k + "' (expected model.*, ema.* or optim.*)");
            }
        }
        TrainConfig config;
        long step;
        try {
            config = TrainConfig.fromJson(require(file, meta, "config"));
            step = Long.parseLong(require(file, meta, "step"));
        } catch (IllegalArgumentException e) {
            throw new IOException(file + ": " + e.getMessage(), e);
        }
        return new Checkpoint(step, config, model, ema, optim, meta);
    }

    static String require(Path file, Map<String, String> meta, String key) throws IOException {
        String v = meta.get(key);
        if (v == null) {
            throw new IOException(file + ": checkpoint metadata has no '" + key + "'");
        }
        return v;
    }

    /** A long[] stored in metadata as "a,b,c". */
    static String longs(long[] v) {
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < v.length; i++) {
            s.append(i == 0 ? "" : ",").append(v[i]);
        }
        return s.toString();
    }

    static long[] parseLongs(Path file, String key, String v) throws IOException {
        try {
            String[] p = v.split(",");
            long[] out = new long[p.length];
            for (int i = 0; i < p.length; i++) {
                out[i] = Long.parseLong(p[i].trim());
            }
            return out;
        } catch (NumberFormatException e) {
            throw new IOException(file + ": checkpoint metadata '" + key + "' is not a list of integers: " + v);
        }
    }

    /** Step number in a checkpoint file name, or -1. */
    static long stepOf(Path p) {
        Matcher m = NAME.matcher(p.getFileName().toString());
        return m.matches() ? Long.parseLong(m.group(1)) : -1;
    }
}
