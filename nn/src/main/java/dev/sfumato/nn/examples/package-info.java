/**
 * Complete small models built from the layers, to read as examples and to reuse.
 *
 * <ul>
 *   <li>{@link dev.sfumato.nn.examples.FashionMnistCnn}: a two-convolution classifier for Fashion-MNIST,
 *       whose 128-d penultimate layer is the feature space of the project's FID.</li>
 * </ul>
 *
 * <p>Reference: H. Xiao, K. Rasul and R. Vollgraf, "Fashion-MNIST: a Novel Image Dataset for Benchmarking
 * Machine Learning Algorithms", 2017, arXiv:1708.07747. Its benchmark table and the repository's
 * leaderboard put a two-layer CNN of this size at about 91–92% test accuracy.
 */
package dev.sfumato.nn.examples;
