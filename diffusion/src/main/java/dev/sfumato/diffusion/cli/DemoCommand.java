package dev.sfumato.diffusion.cli;

import dev.sfumato.tensor.Generator;
import dev.sfumato.tensor.Parallel;
import dev.sfumato.tensor.Tensor;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.util.List;
import java.util.concurrent.Callable;

/** {@code sfumato demo}: a short tour of the tensor library, and a timed matrix product. */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = "A short tour of the tensor library: views, broadcasting, reductions and a timed GEMM.")
final class DemoCommand implements Callable<Integer> {

    @Option(names = "--seed", defaultValue = "0", description = "Random seed (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--size", defaultValue = "1024", description = "Size n of the timed n×n matrix product (default: ${DEFAULT-VALUE}).")
    int size;

    @Option(names = "--threads", description = "Worker threads (default: all cores).")
    Integer threads;

    @Override
    public Integer call() {
        if (threads != null) {
            Parallel.setThreads(threads);
        }
        Generator g = new Generator(seed);

        // 1. A tensor is storage + shape + strides; views share the storage.
        Tensor x = Tensor.arange(12).reshape(3, 4);
        System.out.println("x = arange(12).reshape(3, 4)\n" + x);
        Tensor xt = x.t();
        System.out.println("\nx.t() is a view: strides " + java.util.Arrays.toString(xt.strides())
                + ", shares storage: " + xt.sharesStorageWith(x) + ", contiguous: " + xt.isContiguous());

        // 2. Broadcasting: [3, 4] + [4] -> [3, 4].
        Tensor bias = Tensor.of(100, 200, 300, 400);
        System.out.println("\nx + [100, 200, 300, 400]\n" + x.add(bias));

        // 3. Reductions and a numerically stable softmax.
        System.out.println("\nx.sum(dim=0) = " + x.sum(0) + "\nx.mean() = " + x.mean());
        System.out.println("\nsoftmax over dim 1 of x * 10\n" + x.mul(10f).softmax(1));

        // 4. Seeded random numbers: the same seed gives the same values on any thread count.
        Tensor r = Tensor.randn(g, 2, 3);
        System.out.println("\nrandn(seed=" + seed + ", [2, 3])\n" + r);

        // 5. Structure: cat and chunk.
        Tensor c = Tensor.cat(List.of(x, x.mul(-1f)), 0);
        System.out.println("\ncat([x, -x], dim=0).shape = " + java.util.Arrays.toString(c.shape())
                + ", chunk(2, dim=1) shapes: " + c.chunk(2, 1).stream().map(t -> java.util.Arrays.toString(t.shape())).toList());

        // 6. A timed matrix product on the Vector API GEMM.
        Tensor a = Tensor.randn(g, size, size);
        Tensor b = Tensor.randn(g, size, size);
        double best = Double.MAX_VALUE;
        for (int rep = 0; rep < 8; rep++) {
            long t0 = System.nanoTime();
            a.matmul(b);
            best = Math.min(best, (System.nanoTime() - t0) / 1e9);
        }
        double gflops = 2.0 * size * size * size / best / 1e9;
        System.out.printf("%n%d×%d matmul on %d thread(s): best of 8 %.1f ms, %.1f GFLOP/s%n",
                size, size, Parallel.threads(), best * 1e3, gflops);
        return 0;
    }
}
