/**
 * Reading datasets from disk: the IDX format of MNIST and Fashion-MNIST.
 *
 * <ul>
 *   <li>{@link dev.sfumato.nn.data.Idx}: any IDX file (raw or gzipped) as a float32 tensor, and images with
 *       their labels as [N, 1, H, W] in [0, 1] and [N].</li>
 *   <li>{@link dev.sfumato.nn.data.LabeledImages}: that pair.</li>
 *   <li>{@link dev.sfumato.nn.data.IdxException}: a file that breaks the format, naming file and field.</li>
 * </ul>
 *
 * <p>Reference: Y. LeCun, C. Cortes and C. J. C. Burges, "The MNIST database of handwritten digits",
 * http://yann.lecun.com/exdb/mnist/, section "The IDX file format": a magic number {@code 0x00 0x00 type
 * ndims}, then ndims big-endian int32 sizes, then the data in row-major order, big-endian. Fashion-MNIST
 * (H. Xiao, K. Rasul and R. Vollgraf, 2017, arXiv:1708.07747) ships in the same format.
 */
package dev.sfumato.nn.data;
