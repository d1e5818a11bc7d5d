package dev.sfumato.benchmarks.autograd;

import dev.sfumato.autograd.Variable;
import dev.sfumato.tensor.Generator;
import dev.sfumato.tensor.Tensor;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

import java.util.concurrent.TimeUnit;

/**
 * What autograd costs on top of the tensor work it records: (a) per node, on a long chain of tiny ops,
 * where bookkeeping dominates; (b) on one large matmul, where it should vanish next to the arithmetic.
 *
 * <p>(a) {@code chainAutograd}: forward through {@value #CHAIN} nodes ({@code y = y * c + c}, 500 of each)
 * on 1- or 16-element tensors, then backward; reported per node. {@code chainSameTensorWork} does by hand
 * exactly the tensor ops that the forward and backward perform (1000 forward ops, then {@code g * c} for
 * each mul), without autograd; the difference is the bookkeeping per node.
 *
 * <p>(b) {@code matmulAutograd}: {@code C = A B} for 512x512 parameters, then backward with a given dC, which
 * computes {@code dA = dC B^T} and {@code dB = A^T dC} and stores them in A.grad and B.grad.
 * {@code matmulRaw} makes the same three {@link Tensor#matmul} calls directly.
 *
 * <p>Run: {@code mvn -B -q -pl benchmarks -am package -DskipTests && mvn -B -q -pl benchmarks exec:exec
 * -Djmh.args="AutogradOverheadBenchmark -f 1 -wi 3 -i 5"}. Results: {@code benchmarks/results/autograd.md}.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(1)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class AutogradOverheadBenchmark {

    static final int CHAIN = 1000;

    /** (a) A chain of small ops. */
    @State(Scope.Thread)
    public static class Chain {
        @Param({"1", "16"})
        public int elements;

        Tensor x0;
        Tensor c;
        Variable cv;
        Tensor ones;

        @Setup
        public void setUp() {
            Generator g = new Generator(1);
            x0 = Tensor.randn(g, elements);
            c = Tensor.full(0.999f, elements);
            cv = new Variable(c);
            ones = Tensor.ones(elements);
        }
    }

    /** (b) One large matmul. */
    @State(Scope.Thread)
    public static class Large {
        @Param({"512"})
        public int n;

        Variable a;
        Variable b;
        Tensor gradC;

        @Setup
        public void setUp() {
            Generator g = new Generator(2);
            a = Variable.param(Tensor.randn(g, n, n));
            b = Variable.param(Tensor.randn(g, n, n));
            gradC = Tensor.randn(g, n, n);
        }
    }

    @Benchmark
    @OperationsPerInvocation(CHAIN)
    public Tensor chainAutograd(Chain s) {
        Variable x = Variable.param(s.x0);
        Variable y = x;
        for (int i = 0; i < CHAIN / 2; i++) {
            y = y.mul(s.cv).add(s.cv);
        }
        y.backward(s.ones);
        return x.grad();
    }

    @Benchmark
    @OperationsPerInvocation(CHAIN)
    public void chainSameTensorWork(Chain s, Blackhole bh) {
        Tensor y = s.x0;
        for (int i = 0; i < CHAIN / 2; i++) {
            y = y.mul(s.c).add(s.c);
        }
        Tensor g = s.ones;
        for (int i = 0; i < CHAIN / 2; i++) {
            g = g.mul(s.c);
        }
        bh.consume(y);
        bh.consume(g);            // the leaf keeps this fresh gradient without a copy (see Engine)
    }

    @Benchmark
    public Tensor matmulAutograd(Large s) {
        s.a.zeroGrad();
        s.b.zeroGrad();
        s.a.matmul(s.b).backward(s.gradC);
        return s.b.grad();
    }

    @Benchmark
    public void matmulRaw(Large s, Blackhole bh) {
        Tensor av = s.a.value();
        Tensor bv = s.b.value();
        bh.consume(av.matmul(bv));
        bh.consume(s.gradC.matmul(bv.transpose(-1, -2)));
        bh.consume(av.transpose(-1, -2).matmul(s.gradC));
    }
}
