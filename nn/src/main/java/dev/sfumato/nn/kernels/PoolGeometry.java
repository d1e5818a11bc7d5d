package dev.sfumato.nn.kernels;

import java.util.Arrays;

/**
 * The sizes of one 2-D pooling window sweep over [N, C, H, W]: output
 * {@code H_out = ⌊(H + 2p − k)/s⌋ + 1} (PyTorch's formula with {@code ceil_mode=False}, dilation 1).
 */
public record PoolGeometry(int n, int c, int h, int w, int kH, int kW, int sH, int sW, int pH, int pW,
                           int hOut, int wOut) {

    /** Checks the options as {@code nn.MaxPool2d}/{@code nn.AvgPool2d} do and computes the output size. */
    public static PoolGeometry of(String op, int[] input, int[] kernel, int[] stride, int[] padding) {
        if (input.length != 4) {
            throw new IllegalArgumentException(op + ": expected a 4-D input [N, C, H, W], got shape " + Arrays.toString(input));
        }
        if (kernel[0] < 1 || kernel[1] < 1 || stride[0] < 1 || stride[1] < 1) {
            throw new IllegalArgumentException(op + ": kernel_size " + Arrays.toString(kernel) + " and stride "
                    + Arrays.toString(stride) + " must be positive");
        }
        if (padding[0] < 0 || padding[1] < 0 || 2 * padding[0] > kernel[0] || 2 * padding[1] > kernel[1]) {
            throw new IllegalArgumentException(op + ": padding " + Arrays.toString(padding)
                    + " must be non-negative and at most half of kernel_size " + Arrays.toString(kernel));
        }
        int hOut = Math.floorDiv(input[2] + 2 * padding[0] - kernel[0], stride[0]) + 1;
        int wOut = Math.floorDiv(input[3] + 2 * padding[1] - kernel[1], stride[1]) + 1;
        if (hOut < 1 || wOut < 1) {
            throw new IllegalArgumentException(op + ": input " + Arrays.toString(input) + " is too small for kernel_size "
                    + Arrays.toString(kernel) + " with padding " + Arrays.toString(padding)
                    + " (output would be " + hOut + "x" + wOut + ")");
        }
        return new PoolGeometry(input[0], input[1], input[2], input[3], kernel[0], kernel[1], stride[0], stride[1],
                padding[0], padding[1], hOut, wOut);
    }

    public int[] inputShape() {
        return new int[] {n, c, h, w};
    }

    public int[] outputShape() {
        return new int[] {n, c, hOut, wOut};
    }
}
