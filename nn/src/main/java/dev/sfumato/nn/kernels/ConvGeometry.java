package dev.sfumato.nn.kernels;

import java.util.Arrays;

/**
 * The sizes of one 2-D convolution, checked once: input [N, C_in, H, W], weight [C_out, C_in/groups, kH, kW],
 * output [N, C_out, H_out, W_out] with
 * {@code H_out = floor((H + 2·padH − dilH·(kH − 1) − 1) / strideH) + 1} (the formula of {@code nn.Conv2d}).
 *
 * <p>A transposed convolution uses the same geometry with the roles of input and output swapped: its input
 * is this geometry's output and its output is this geometry's input.
 */
public record ConvGeometry(int n, int cIn, int h, int w, int cOut, int kH, int kW,
                           int strideH, int strideW, int padH, int padW, int dilH, int dilW, int groups,
                           int hOut, int wOut) {

    /** Channels per group on the input side. */
    public int cInG() {
        return cIn / groups;
    }

    /** Channels per group on the output side. */
    public int cOutG() {
        return cOut / groups;
    }

    /** Rows of the im2col matrix of one group: C_in/groups · kH · kW. */
    public int colRows() {
        return cInG() * kH * kW;
    }

    /** Columns of the im2col matrix of one sample: H_out · W_out. */
    public int colCols() {
        return hOut * wOut;
    }

    /**
     * Geometry of {@code conv2d(input, weight)} with the given options. Throws with the op name, both shapes
     * and the offending option when they do not fit.
     */
    public static ConvGeometry conv2d(String op, int[] input, int[] weight, int[] stride, int[] padding,
                                      int[] dilation, int groups) {
        if (input.length != 4) {
            throw new IllegalArgumentException(op + ": expected a 4-D input [N, C, H, W], got shape " + Arrays.toString(input));
        }
        if (weight.length != 4) {
            throw new IllegalArgumentException(op + ": expected a 4-D weight [C_out, C_in/groups, kH, kW], got shape "
                    + Arrays.toString(weight));
        }
        positive(op, "stride", stride, 1);
        positive(op, "dilation", dilation, 1);
        positive(op, "padding", padding, 0);
        if (groups < 1) {
            throw new IllegalArgumentException(op + ": groups must be >= 1, got " + groups);
        }
        int cIn = input[1];
        int cOut = weight[0];
        if (cIn % groups != 0 || cOut % groups != 0) {
            throw new IllegalArgumentException(op + ": in_channels " + cIn + " and out_channels " + cOut
                    + " must both be divisible by groups " + groups);
        }
        if (weight[1] * groups != cIn) {
            throw new IllegalArgumentException(op + ": input " + Arrays.toString(input) + " has " + cIn
                    + " channels but weight " + Arrays.toString(weight) + " expects " + weight[1] * groups
                    + " (weight.size(1)=" + weight[1] + " x groups=" + groups + ")");
        }
        int hOut = outSize(input[2], weight[2], stride[0], padding[0], dilation[0]);
        int wOut = outSize(input[3], weight[3], stride[1], padding[1], dilation[1]);
        if (hOut < 1 || wOut < 1) {
            throw new IllegalArgumentException(op + ": input " + Arrays.toString(input) + " with padding "
                    + Arrays.toString(padding) + " is smaller than the dilated kernel " + Arrays.toString(weight)
                    + " (dilation " + Arrays.toString(dilation) + "); output would be " + hOut + "x" + wOut);
        }
        return new ConvGeometry(input[0], cIn, input[2], input[3], cOut, weight[2], weight[3],
                stride[0], stride[1], padding[0], padding[1], dilation[0], dilation[1], groups, hOut, wOut);
    }

    /**
     * Geometry of {@code conv_transpose2d(input, weight)}: weight is [C_in, C_out/groups, kH, kW] and the
     * output size is {@code (H − 1)·stride − 2·pad + dil·(k − 1) + output_padding + 1}. Returned as the
     * geometry of the forward convolution whose backward it is.
     */
    public static ConvGeometry convTranspose2d(String op, int[] input, int[] weight, int[] stride, int[] padding,
                                               int[] outputPadding, int[] dilation, int groups) {
        if (input.length != 4 || weight.length != 4) {
            throw new IllegalArgumentException(op + ": expected 4-D input [N, C, H, W] and weight [C_in, C_out/groups, kH, kW], got "
                    + Arrays.toString(input) + " and " + Arrays.toString(weight));
        }
        positive(op, "stride", stride, 1);
        positive(op, "dilation", dilation, 1);
        positive(op, "padding", padding, 0);
        positive(op, "output_padding", outputPadding, 0);
        for (int i = 0; i < 2; i++) {
            if (outputPadding[i] >= stride[i] && outputPadding[i] >= dilation[i]) {
                throw new IllegalArgumentException(op + ": output_padding " + Arrays.toString(outputPadding)
                        + " must be smaller than either stride " + Arrays.toString(stride) + " or dilation "
                        + Arrays.toString(dilation));
            }
        }
        if (groups < 1 || input[1] % groups != 0) {
            throw new IllegalArgumentException(op + ": in_channels " + input[1] + " must be divisible by groups " + groups);
        }
        if (weight[0] != input[1]) {
            throw new IllegalArgumentException(op + ": input " + Arrays.toString(input) + " has " + input[1]
                    + " channels but weight " + Arrays.toString(weight) + " expects " + weight[0]);
        }
        int cOut = weight[1] * groups;
        int hOut = (input[2] - 1) * stride[0] - 2 * padding[0] + dilation[0] * (weight[2] - 1) + outputPadding[0] + 1;
        int wOut = (input[3] - 1) * stride[1] - 2 * padding[1] + dilation[1] * (weight[3] - 1) + outputPadding[1] + 1;
        if (hOut < 1 || wOut < 1) {
            throw new IllegalArgumentException(op + ": output size would be " + hOut + "x" + wOut + " for input "
                    + Arrays.toString(input) + " and weight " + Arrays.toString(weight));
        }
        // The forward conv maps [N, C_out, hOut, wOut] to [N, C_in, H, W] with weight [C_in, C_out/groups, kH, kW].
        return new ConvGeometry(input[0], cOut, hOut, wOut, input[1], weight[2], weight[3],
                stride[0], stride[1], padding[0], padding[1], dilation[0], dilation[1], groups, input[2], input[3]);
    }

    private static int outSize(int in, int k, int s, int p, int d) {
        return Math.floorDiv(in + 2 * p - d * (k - 1) - 1, s) + 1;
    }

    private static void positive(String op, String name, int[] v, int min) {
        if (v.length != 2 || v[0] < min || v[1] < min) {
            throw new IllegalArgumentException(op + ": " + name + " must be two values >= " + min + ", got "
                    + Arrays.toString(v));
        }
    }

    /** The output shape [N, C_out, H_out, W_out]. */
    public int[] outputShape() {
        return new int[] {n, cOut, hOut, wOut};
    }

    /** The input shape [N, C_in, H, W]. */
    public int[] inputShape() {
        return new int[] {n, cIn, h, w};
    }

    /** The weight shape [C_out, C_in/groups, kH, kW]. */
    public int[] weightShape() {
        return new int[] {cOut, cInG(), kH, kW};
    }
}
