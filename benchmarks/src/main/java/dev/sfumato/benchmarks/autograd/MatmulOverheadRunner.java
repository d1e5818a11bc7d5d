package dev.sfumato.benchmarks.autograd;

import dev.sfumato.autograd.Variable;
import dev.sfumato.tensor.Generator;
import dev.sfumato.tensor.Parallel;
import dev.sfumato.tensor.Tensor;

import java.util.Arrays;

/**
 * Paired measurement of autograd's overhead on one large matmul: each sample times the three raw GEMMs
 * (C = AB, dA = dC Bᵀ, dB = Aᵀ dC) and then the same through autograd, back to back, and the median of the
 * per-sample ratios is reported. Pairing cancels the load drift that makes two sequential JMH runs on a
 * shared machine differ by more than the 5% being measured (JMH's {@code AutogradOverheadBenchmark} is the
 * unpaired twin).
 *
 * <pre>java --add-modules=jdk.incubator.vector -cp benchmarks.jar dev.sfumato.benchmarks.autograd.MatmulOverheadRunner [n] [samples] [threads]</pre>
 */
public final class MatmulOverheadRunner {

    public static void main(String[] args) {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 512;
        int samples = args.length > 1 ? Integer.parseInt(args[1]) : 60;
        if (args.length > 2) {
            Parallel.setThreads(Integer.parseInt(args[2]));
        }
        Generator g = new Generator(2);
        Tensor a = Tensor.randn(g, n, n);
        Tensor b = Tensor.randn(g, n, n);
        Tensor dc = Tensor.randn(g, n, n);
        double[] ratios = new double[samples];
        double[] raw = new double[samples];
        double[] auto = new double[samples];
        for (int i = -20; i < samples; i++) { // 20 warm-up pairs
            long t0 = System.nanoTime();
            Tensor c = a.matmul(b);
            Tensor da = dc.matmul(b.t());
            Tensor db = a.t().matmul(dc);
            long t1 = System.nanoTime();
            Variable va = Variable.param(a);
            Variable vb = Variable.param(b);
            va.matmul(vb).backward(dc);
            long t2 = System.nanoTime();
            if (c.numel() + da.numel() + db.numel() + va.grad().numel() + vb.grad().numel() == 0) {
                throw new AssertionError(); // keeps the results alive
            }
            if (i >= 0) {
                raw[i] = (t1 - t0) / 1e6;
                auto[i] = (t2 - t1) / 1e6;
                ratios[i] = (double) (t2 - t1) / (t1 - t0);
            }
        }
        System.out.printf("n=%d threads=%d samples=%d: raw median %.2f ms, autograd median %.2f ms, "
                        + "paired ratio median %.3f (q1 %.3f, q3 %.3f)%n", n, Parallel.threads(), samples,
                quantile(raw, 0.5), quantile(auto, 0.5), quantile(ratios, 0.5), quantile(ratios, 0.25), quantile(ratios, 0.75));
    }

    private static double quantile(double[] v, double q) {
        double[] s = v.clone();
        Arrays.sort(s);
        return s[(int) Math.round(q * (s.length - 1))];
    }
}
