package dev.sfumato.nn.functional;

import dev.sfumato.autograd.Variable;

import java.util.Arrays;

/**
 * Scaled dot-product attention (Vaswani et al. 2017, eq. 1):
 * {@code Attention(Q, K, V) = softmax(Q Kᵀ / √d) V}.
 *
 * <p>Shapes: q [..., L, d], k [..., S, d], v [..., S, dv] → [..., L, dv]; the leading (batch, head) dims
 * broadcast as in {@code matmul}. A composite of {@code matmul}, {@code transpose}, {@code mul} and
 * {@code softmax}, so its gradient is theirs; no mask and no dropout (the U-Net's attention needs neither).
 */
public final class Attention {

    private Attention() {}

    /** {@code F.scaled_dot_product_attention(q, k, v)} with the default scale 1/√d. */
    public static Variable scaledDotProductAttention(Variable q, Variable k, Variable v) {
        int rq = q.dim();
        if (rq < 2 || k.dim() < 2 || v.dim() < 2 || q.size(rq - 1) != k.size(k.dim() - 1)
                || k.size(k.dim() - 2) != v.size(v.dim() - 2)) {
            throw new IllegalArgumentException("scaled_dot_product_attention: expected q [..., L, d], k [..., S, d] and"
                    + " v [..., S, dv], got " + Arrays.toString(q.shape()) + ", " + Arrays.toString(k.shape())
                    + " and " + Arrays.toString(v.shape()));
        }
        float scale = (float) (1 / Math.sqrt(q.size(rq - 1)));
        Variable scores = q.matmul(k.transpose(-2, -1)).mul(scale);          // [..., L, S]
        Variable weights = scores.softmax(-1);                               // [..., L, S], rows sum to 1
        return weights.matmul(v);                                            // [..., L, dv]
    }
}
