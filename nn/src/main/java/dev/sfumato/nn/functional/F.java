package dev.sfumato.nn.functional;

import dev.sfumato.autograd.Variable;
import dev.sfumato.tensor.Generator;
import dev.sfumato.tensor.Tensor;

/**
 * Every functional op of {@code nn} under one short name, like {@code import torch.nn.functional as F}:
 * one-line delegations to the concept classes of this package, where the math and the backward rules are.
 * <pre>
 * import static dev.sfumato.nn.functional.F.*;
 * Variable h = silu(groupNorm(conv2d(x, w, b, 1, 1), 32, gamma, beta, 1e-5));
 * </pre>
 */
public final class F {

    private F() {}

    // Convolution

    /** {@link Convolution#conv2d(Variable, Variable, Variable, int[], int[], int[], int)}. */
    public static Variable conv2d(Variable x, Variable w, Variable b, int[] stride, int[] padding, int[] dilation, int groups) {
        return Convolution.conv2d(x, w, b, stride, padding, dilation, groups);
    }

    /** {@link Convolution#conv2d(Variable, Variable, Variable, int, int)}. */
    public static Variable conv2d(Variable x, Variable w, Variable b, int stride, int padding) {
        return Convolution.conv2d(x, w, b, stride, padding);
    }

    /** {@link Convolution#conv2dAdd}. */
    public static Variable conv2dAdd(Variable x, Variable w, Variable b, int[] stride, int[] padding, int[] dilation,
                                     int groups, Variable addend) {
        return Convolution.conv2dAdd(x, w, b, stride, padding, dilation, groups, addend);
    }

    /** {@link Convolution#convTranspose2d}. */
    public static Variable convTranspose2d(Variable x, Variable w, Variable b, int[] stride, int[] padding,
                                           int[] outputPadding, int[] dilation, int groups) {
        return Convolution.convTranspose2d(x, w, b, stride, padding, outputPadding, dilation, groups);
    }

    // Pooling and upsampling

    /** {@link Pooling#maxPool2d}. */
    public static Variable maxPool2d(Variable x, int[] kernel, int[] stride, int[] padding) {
        return Pooling.maxPool2d(x, kernel, stride, padding);
    }

    /** {@link Pooling#avgPool2d}. */
    public static Variable avgPool2d(Variable x, int[] kernel, int[] stride, int[] padding, boolean countIncludePad) {
        return Pooling.avgPool2d(x, kernel, stride, padding, countIncludePad);
    }

    /** {@link Pooling#adaptiveAvgPool2d}. */
    public static Variable adaptiveAvgPool2d(Variable x, int outH, int outW) {
        return Pooling.adaptiveAvgPool2d(x, outH, outW);
    }

    /** {@link Pooling#upsampleNearest2d}. */
    public static Variable upsampleNearest2d(Variable x, int sH, int sW) {
        return Pooling.upsampleNearest2d(x, sH, sW);
    }

    // Linear, embedding, dropout

    /** {@link Dense#linear}. */
    public static Variable linear(Variable x, Variable weight, Variable bias) {
        return Dense.linear(x, weight, bias);
    }

    /** {@link Sparse#embedding}. */
    public static Variable embedding(Tensor indices, Variable weight) {
        return Sparse.embedding(indices, weight);
    }

    /** {@link Dropout#dropout(Variable, double, boolean)}. */
    public static Variable dropout(Variable x, double p, boolean training) {
        return Dropout.dropout(x, p, training);
    }

    /** {@link Dropout#dropout(Variable, double, boolean, Generator)}. */
    public static Variable dropout(Variable x, double p, boolean training, Generator g) {
        return Dropout.dropout(x, p, training, g);
    }

    // Normalisation

    /** {@link Normalization#groupNorm}. */
    public static Variable groupNorm(Variable x, int numGroups, Variable weight, Variable bias, double eps) {
        return Normalization.groupNorm(x, numGroups, weight, bias, eps);
    }

    /** {@link Normalization#groupNormSilu}: {@code silu(groupNorm(...))} fused. */
    public static Variable groupNormSilu(Variable x, int numGroups, Variable weight, Variable bias, double eps) {
        return Normalization.groupNormSilu(x, numGroups, weight, bias, eps);
    }

    /** {@link Normalization#layerNorm}. */
    public static Variable layerNorm(Variable x, int[] normalizedShape, Variable weight, Variable bias, double eps) {
        return Normalization.layerNorm(x, normalizedShape, weight, bias, eps);
    }

    /** {@link Normalization#batchNorm}. */
    public static Variable batchNorm(Variable x, Tensor runningMean, Tensor runningVar, Variable weight, Variable bias,
                                     boolean training, double momentum, double eps) {
        return Normalization.batchNorm(x, runningMean, runningVar, weight, bias, training, momentum, eps);
    }

    // Attention

    /** {@link Attention#scaledDotProductAttention}. */
    public static Variable scaledDotProductAttention(Variable q, Variable k, Variable v) {
        return Attention.scaledDotProductAttention(q, k, v);
    }

    // Activations

    /** {@link Activation#relu}. */
    public static Variable relu(Variable x) {
        return Activation.relu(x);
    }

    /** {@link Activation#silu}. */
    public static Variable silu(Variable x) {
        return Activation.silu(x);
    }

    /** {@link Activation#gelu}. */
    public static Variable gelu(Variable x) {
        return Activation.gelu(x);
    }

    /** {@link Activation#tanh}. */
    public static Variable tanh(Variable x) {
        return Activation.tanh(x);
    }

    /** {@link Activation#sigmoid}. */
    public static Variable sigmoid(Variable x) {
        return Activation.sigmoid(x);
    }

    // Losses

    /** {@link Losses#mseLoss(Variable, Tensor, Reduction)}. */
    public static Variable mseLoss(Variable input, Tensor target, Reduction reduction) {
        return Losses.mseLoss(input, target, reduction);
    }

    /** {@link Losses#l1Loss(Variable, Tensor, Reduction)}. */
    public static Variable l1Loss(Variable input, Tensor target, Reduction reduction) {
        return Losses.l1Loss(input, target, reduction);
    }

    /** {@link Losses#nllLoss(Variable, Tensor, Reduction)}. */
    public static Variable nllLoss(Variable logProbs, Tensor target, Reduction reduction) {
        return Losses.nllLoss(logProbs, target, reduction);
    }

    /** {@link Losses#crossEntropy(Variable, Tensor, double, Reduction)}. */
    public static Variable crossEntropy(Variable logits, Tensor target, double labelSmoothing, Reduction reduction) {
        return Losses.crossEntropy(logits, target, labelSmoothing, reduction);
    }
}
