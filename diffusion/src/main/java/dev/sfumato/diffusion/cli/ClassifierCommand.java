package dev.sfumato.diffusion.cli;

import dev.sfumato.autograd.Variable;
import dev.sfumato.diffusion.data.Batch;
import dev.sfumato.diffusion.data.DataLoader;
import dev.sfumato.diffusion.data.IdxDataset;
import dev.sfumato.diffusion.eval.ClassifierFeatures;
import dev.sfumato.diffusion.io.ProgressBar;
import dev.sfumato.nn.examples.FashionMnistCnn;
import dev.sfumato.nn.functional.Losses;
import dev.sfumato.nn.optim.Adam;
import dev.sfumato.nn.optim.CosineAnnealing;
import dev.sfumato.nn.serialization.Safetensors;
import dev.sfumato.tensor.Generator;
import dev.sfumato.tensor.Parallel;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code sfumato classifier}: trains the {@link FashionMnistCnn} whose features {@code sfumato eval} uses
 * for FID, printing the mean training loss and the accuracy on the 10,000-image test split after each
 * epoch, and writes the weights (atomically) with the test accuracy, epochs and seed in the metadata.
 *
 * <p>Adam (lr 1e-3, annealed to 0 along a cosine over the whole run, Loshchilov and Hutter 2017) on
 * cross-entropy, batch 128, shuffled by a seeded loader, 7 epochs. Measured test accuracy (seed 0, 2
 * cores): 90.5% after 7 annealed epochs in 574 s, the weights that ship; 89.8% after 5 annealed; at a
 * constant lr 87.5% after 2 and 89.7% after 5 (PyTorch 1.13 with the same recipe: 89.1% after 2). Needs
 * both IDX splits: the subset bundled in the jar has no test images, so it cannot measure test accuracy.
 */
@Command(name = "classifier", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Train the Fashion-MNIST CNN whose features sfumato eval uses for FID.")
final class ClassifierCommand implements Callable<Integer> {

    @Option(names = "--data", defaultValue = "auto", description = "auto (/usr/share/datasets/fashion-mnist) | DIR with the four Fashion-MNIST IDX files (default: ${DEFAULT-VALUE}).")
    String data;

    @Option(names = "--epochs", defaultValue = "7", description = "Passes over the 60,000 training images (default: ${DEFAULT-VALUE}).")
    int epochs;

    @Option(names = "--batch", defaultValue = "128", description = "Batch size (default: ${DEFAULT-VALUE}).")
    int batch;

    @Option(names = "--lr", defaultValue = "1e-3", description = "Adam learning rate at the start, annealed to 0 along a cosine (default: ${DEFAULT-VALUE}).")
    double lr;

    @Option(names = "--seed", defaultValue = "0", description = "Seed of weights, data order and dropout (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--out", defaultValue = "runs/classifier/fashion-mnist-cnn.safetensors", description = "Weights file (default: ${DEFAULT-VALUE}).")
    Path out;

    @Option(names = "--threads", description = "Worker threads (default: all cores).")
    Integer threads;

    @Override
    public Integer call() throws IOException {
        if (threads != null) {
            Parallel.setThreads(threads);
        }
        if (epochs < 1 || batch < 1 || !(lr > 0)) {
            System.err.println("classifier: --epochs and --batch must be >= 1 and --lr > 0");
            return 2;
        }
        Path dir = data.equals("auto") ? IdxDataset.DEFAULT_DIR : Path.of(data);
        IdxDataset train = IdxDataset.loadFashionMnist(dir, IdxDataset.Split.TRAIN);
        IdxDataset test = IdxDataset.loadFashionMnist(dir, IdxDataset.Split.TEST);

        Generator g = new Generator(seed);
        FashionMnistCnn model = new FashionMnistCnn(g);
        Adam optimizer = Adam.builder(model.parameters()).lr(lr).build();
        DataLoader loader = DataLoader.builder(train).batchSize(batch).shuffle(true).seed(seed).build();
        CosineAnnealing schedule = new CosineAnnealing(optimizer, epochs * loader.batchesPerEpoch());
        ClassifierFeatures classifier = new ClassifierFeatures(model); // shares the weights; sets eval mode
        int perEpoch = loader.batchesPerEpoch();
        System.err.printf("%,d parameters; %,d training and %,d test images from %s; %d epochs of %d batches of %d;"
                + " %d thread(s)%n", model.parameterCount(), train.size(), test.size(), dir, epochs, perEpoch, batch,
                Parallel.threads());

        long t0 = System.nanoTime();
        double accuracy = 0;
        for (int epoch = 1; epoch <= epochs; epoch++) {
            // 1. One pass over the shuffled training set.
            model.train();
            double lossSum = 0;
            try (ProgressBar bar = ProgressBar.create("epoch " + epoch, perEpoch, 0)) {
                for (int b = 1; b <= perEpoch; b++) {
                    Batch x = loader.next();
                    optimizer.zeroGrad();
                    Variable loss = Losses.crossEntropy(model.forward(new Variable(x.images())), x.labels());
                    loss.backward();
                    optimizer.step();
                    schedule.step();
                    lossSum += loss.item();
                    bar.update(b, loss.item());
                }
            }
            // 2. Accuracy on the test split, in eval mode (no dropout).
            accuracy = classifier.accuracy(test, test.size());
            System.out.printf(Locale.ROOT, "epoch %d: train loss %.4f, test accuracy %.4f (%d test images), %.0f s%n",
                    epoch, lossSum / perEpoch, accuracy, test.size(), (System.nanoTime() - t0) / 1e9);
        }

        Map<String, String> meta = new LinkedHashMap<>();
        meta.put("format", ClassifierFeatures.FORMAT);
        meta.put("test_accuracy", String.format(Locale.ROOT, "%.4f", accuracy));
        meta.put("epochs", Integer.toString(epochs));
        meta.put("seed", Long.toString(seed));
        meta.put("batch", Integer.toString(batch));
        meta.put("lr", Double.toString(lr));
        meta.put("lr_schedule", "cosine to 0 over the run");
        Path parent = out.toAbsolutePath().getParent();
        Files.createDirectories(parent);
        Safetensors.save(model.stateDict(), meta, out); // atomic: temp file, fsync, rename
        System.out.printf(Locale.ROOT, "test accuracy %.4f after %d epochs in %.0f s -> %s%n", accuracy, epochs,
                (System.nanoTime() - t0) / 1e9, out);
        return 0;
    }
}
