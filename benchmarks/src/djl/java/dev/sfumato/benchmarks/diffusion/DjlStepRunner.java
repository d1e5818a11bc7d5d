package dev.sfumato.benchmarks.diffusion;

import ai.djl.Model;
import ai.djl.MalformedModelException;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.engine.PtNDManager;
import ai.djl.pytorch.engine.PtSymbolBlock;
import ai.djl.pytorch.jni.IValue;
import ai.djl.pytorch.jni.IValueUtils;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.ParameterStore;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The second peer of {@code step-side-by-side.sh --djl} (issue 6): the same DDPM step as {@link StepRunner}
 * and {@code ddpm_step_torch.py}, run by PyTorch 2.7 (libtorch, oneDNN) through DJL, the fastest PyTorch a
 * Java program can call. Built only by the Maven profile {@code djl}; it prints the same line as the other
 * two sides, with "djl" first.
 *
 * <p>DJL runs TorchScript, so the step is the one {@code benchmarks/scripts/ddpm_step_torchscript.py} exports
 * from the PyTorch twin: {@code train_b<N>.pt} does a whole training step per call (data, q_sample, forward,
 * MSE, backward, clipping, Adam, EMA) and {@code sample_b<N>.pt} one no-grad network evaluation at t = 500.
 * Before timing, the sample module's check (the network on perturbed weights and a fixed input) must match
 * torch 1.13's output, so both runtimes are known to compute the same network.
 *
 * <pre>java -cp benchmarks.jar:DJL_JARS dev.sfumato.benchmarks.diffusion.DjlStepRunner --models DIR \
 *     --mode train --batch 64 --threads 2 --warmup 2 --steps 5</pre>
 * Thread count: {@code JniUtils.setNumThreads} (torch.set_num_threads) and one inter-op thread, as the
 * PyTorch 1.13 side sets them; run with {@code OMP_NUM_THREADS} equal to {@code --threads}.
 */
public final class DjlStepRunner {

    /** The largest |difference| to torch 1.13's check output, relative to its largest |value|. */
    private static final double CHECK_TOLERANCE = 1e-4;

    private DjlStepRunner() {}

    public static void main(String[] args) throws IOException, MalformedModelException {
        StepRunner.Options o = StepRunner.Options.parse("DjlStepRunner", args, true);
        String mode = o.mode();
        int batch = o.batch();
        int threads = o.threads();
        int warmup = o.warmup();
        int steps = o.steps();
        Path models = o.models();
        if (o.seed() != 0) {                            // the seed is baked into the exported files
            throw new IllegalArgumentException("DjlStepRunner: the weights and data come from the export; pass"
                    + " --seed to benchmarks/scripts/ddpm_step_torchscript.py instead");
        }
        Path file = models.resolve(mode + "_b" + batch + ".pt");
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException("DjlStepRunner: " + file + " does not exist; write it with"
                    + " benchmarks/scripts/ddpm_step_torchscript.py --out " + models + " --batch " + batch);
        }
        System.setProperty("ai.djl.offline", "true");                  // the native jars are on the class path
        // TorchScript's optimising (profiling) executor made this step slower, not faster: with
        // torch.jit.optimized_execution(False) the exported step ran at 0.89-0.90x the time in torch 1.13 (one
        // session, alternating). -Dai.djl.pytorch.graph_optimizer=true turns it back on.
        if (System.getProperty("ai.djl.pytorch.graph_optimizer") == null) {
            System.setProperty("ai.djl.pytorch.graph_optimizer", "false");
        }

        try (Model model = Model.newInstance("ddpm-" + mode, "PyTorch")) {
            JniUtils.setNumInteropThreads(1);
            JniUtils.setNumThreads(threads);
            // trainParam: keep requires_grad on the weights (DJL clears it by default, for inference)
            model.load(models, mode + "_b" + batch, Map.of("trainParam", String.valueOf(mode.equals("train"))));
            PtSymbolBlock block = (PtSymbolBlock) model.getBlock();
            PtNDManager manager = (PtNDManager) model.getNDManager();
            check(manager, models.resolve("sample_b" + batch + ".pt"));

            // PtSymbolBlock.forward with training = true runs the module with autograd on, as the step needs;
            // with false, under no_grad (DJL's inference mode), as the sampler's evaluation runs.
            boolean training = mode.equals("train");
            JniUtils.setGradMode(training);                             // DJL starts with autograd off
            ParameterStore store = new ParameterStore(manager, false);
            NDArray input = training
                    ? manager.zeros(new Shape(batch))                      // its length is the batch size
                    : manager.randomNormal(new Shape(batch, 1, 28, 28));   // x_t
            Runnable step = () -> {
                try (NDManager scope = manager.newSubManager()) {
                    NDList out = block.forward(store, new NDList(input), training);
                    out.attach(scope);
                    if (training) {
                        float loss = out.singletonOrThrow().getFloat();         // loss.item()
                        if (!Float.isFinite(loss)) {
                            throw new IllegalStateException("training diverged: loss " + loss);
                        }
                    }
                }
            };
            for (int i = 0; i < warmup; i++) {
                step.run();
            }
            double[] ms = new double[steps];
            for (int i = 0; i < steps; i++) {
                long t0 = System.nanoTime();
                step.run();
                ms[i] = (System.nanoTime() - t0) / 1e6;
            }
            double median = StepRunner.median(ms);
            List<String> all = new ArrayList<>();
            for (double v : ms) {
                all.add(String.format(Locale.ROOT, "%.3f", v));
            }
            System.err.printf(Locale.ROOT, "djl: PyTorch %s, threads %d, interop %d%n",
                    ai.djl.engine.Engine.getEngine("PyTorch").getVersion(), JniUtils.getNumThreads(),
                    JniUtils.getNumInteropThreads());
            System.out.printf(Locale.ROOT, "djl mode=%s batch=%d threads=%d steps=%d ms_per_step=%.3f ms_min=%.3f"
                            + " images_per_s=%.2f alloc_mb_per_step=na alloc_mb_first_q=na alloc_mb_last_q=na"
                            + " gc_count=na gc_ms=na peak_rss_mb=%.1f ms_all=%s%n",
                    mode, batch, threads, steps, median, Arrays.stream(ms).min().orElseThrow(),
                    batch * 1000.0 / median, StepRunner.peakRssMb(), String.join(",", all));
        }
    }

    /**
     * Runs the exported check of the network (see ddpm_step_torchscript.py) on this runtime and fails unless it
     * matches torch 1.13's output: the two peers must compute the same function before their times compare.
     */
    private static void check(PtNDManager manager, Path sampleFile)
            throws IOException, MalformedModelException {
        try (Model sample = Model.newInstance("ddpm-check", "PyTorch")) {
            sample.load(sampleFile.getParent(), sampleFile.getFileName().toString().replaceFirst("\\.pt$", ""));
            PtSymbolBlock block = (PtSymbolBlock) sample.getBlock();
            boolean grad = JniUtils.isGradMode();
            JniUtils.setGradMode(false);
            try (NDManager scope = manager.newSubManager();
                 IValue pair = IValueUtils.runMethod(block, "check")) {
                IValue[] both = pair.toIValueTuple();
                float[] out = both[0].toTensor((PtNDManager) scope).toFloatArray();
                float[] ref = both[1].toTensor((PtNDManager) scope).toFloatArray();
                if (out.length != ref.length) {
                    throw new IllegalStateException(sampleFile + ": the check's output has " + out.length
                            + " values, torch 1.13's " + ref.length);
                }
                double maxDiff = 0;
                double maxRef = 0;
                for (int i = 0; i < ref.length; i++) {
                    maxDiff = Math.max(maxDiff, Math.abs(out[i] - ref[i]));
                    maxRef = Math.max(maxRef, Math.abs(ref[i]));
                }
                if (!(maxDiff <= CHECK_TOLERANCE * maxRef)) {
                    throw new IllegalStateException(String.format(Locale.ROOT, "%s: PyTorch %s computes another"
                            + " network than torch 1.13 (max |diff| %.3g, max |ref| %.3g)", sampleFile,
                            ai.djl.engine.Engine.getEngine("PyTorch").getVersion(), maxDiff, maxRef));
                }
                System.err.printf(Locale.ROOT, "djl: check passed, max |diff| %.3g of max |ref| %.3g%n",
                        maxDiff, maxRef);
                for (IValue v : both) {
                    v.close();
                }
            } finally {
                JniUtils.setGradMode(grad);
            }
        }
    }
}
