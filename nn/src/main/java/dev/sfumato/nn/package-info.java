/**
 * The building blocks of a network, as in {@code torch.nn}: {@link dev.sfumato.nn.Module} (named
 * parameters, buffers and submodules; train/eval; state_dict with PyTorch's key names),
 * {@link dev.sfumato.nn.Parameter}, and the containers {@link dev.sfumato.nn.Sequential} and
 * {@link dev.sfumato.nn.ModuleList}.
 *
 * <p>Subpackages: {@code layers} (modules), {@code functional} (the same ops as functions, with their
 * backward rules), {@code kernels} (the convolution and pooling loops), {@code init}, {@code serialization},
 * {@code data} and {@code examples} (complete small models, such as a Fashion-MNIST classifier). The reference throughout is PyTorch 1.13: names, defaults, init formulas and
 * state_dict keys follow it, and golden tests compare against it.
 */
package dev.sfumato.nn;
