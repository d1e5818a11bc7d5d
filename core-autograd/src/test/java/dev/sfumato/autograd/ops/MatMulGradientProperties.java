package dev.sfumato.autograd.ops;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;

import static dev.sfumato.autograd.ops.Case.check;

/**
 * Gradient checks for {@link MatMul} over every {@code torch.matmul} case: vector-vector, matrix-vector,
 * vector-matrix, matrix-matrix and batched with broadcast batch dims, including non-contiguous operands.
 */
class MatMulGradientProperties {

    @Property(tries = 60)
    @GradientOf(MatMul.class)
    void matmul(@ForAll long seed) {
        Case c = new Case(seed);
        int n = c.size();
        int m = c.size();
        int p = c.size();
        int[][] batch = c.rnd.nextInt(3) == 0 ? new int[][] {{}, {}} : c.broadcastPair();
        int[] a = c.rnd.nextInt(4) == 0 ? new int[] {m} : concat(batch[0], n, m);
        int[] b = c.rnd.nextInt(4) == 0 ? new int[] {m} : concat(batch[1], m, p);
        check(in -> in.get(0).matmul(in.get(1)), c.normal(a), c.normal(b));
    }

    static int[] concat(int[] batch, int rows, int cols) {
        int[] s = java.util.Arrays.copyOf(batch, batch.length + 2);
        s[batch.length] = rows;
        s[batch.length + 1] = cols;
        return s;
    }
}
