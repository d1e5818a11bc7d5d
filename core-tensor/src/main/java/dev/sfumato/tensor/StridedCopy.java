package dev.sfumato.tensor;

/**
 * Copies between tensors of one shape and any strides: the general path behind {@link Tensor#contiguous()}.
 * The outer dims are walked with an odometer; the innermost dim is a plain strided loop.
 */
final class StridedCopy {

    private StridedCopy() {}

    /** {@code dst[i] = src[i]} for every index; shapes must match. */
    static void copy(Tensor src, Tensor dst) {
        int rank = src.shape.length;
        float[] s = src.storage.data;
        float[] d = dst.storage.data;
        if (src.numel() == 0) {
            return;
        }
        if (rank == 0) {
            d[dst.offset] = s[src.offset];
            return;
        }
        if (src.isContiguous() && dst.isContiguous()) {
            System.arraycopy(s, src.offset, d, dst.offset, src.numel());
            return;
        }
        int inner = src.shape[rank - 1];
        int sIn = src.strides[rank - 1];
        int dIn = dst.strides[rank - 1];
        int[] idx = new int[rank];
        int sOff = src.offset;
        int dOff = dst.offset;
        int rows = src.numel() / inner;
        for (int r = 0; r < rows; r++) {
            if (sIn == 1 && dIn == 1) {
                System.arraycopy(s, sOff, d, dOff, inner);
            } else {
                for (int i = 0, sp = sOff, dp = dOff; i < inner; i++, sp += sIn, dp += dIn) {
                    d[dp] = s[sp];
                }
            }
            // Odometer over dims 0..rank-2, updating both offsets incrementally.
            for (int k = rank - 2; k >= 0; k--) {
                if (++idx[k] < src.shape[k]) {
                    sOff += src.strides[k];
                    dOff += dst.strides[k];
                    break;
                }
                sOff -= (src.shape[k] - 1) * src.strides[k];
                dOff -= (dst.shape[k] - 1) * dst.strides[k];
                idx[k] = 0;
            }
        }
    }
}
