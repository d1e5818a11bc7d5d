/**
 * Evaluating a generator: the Fréchet Inception Distance and the linear algebra it needs, in double.
 *
 * <ul>
 *   <li>{@link dev.sfumato.diffusion.eval.SymmetricEigen}: A = V Λ Vᵀ for symmetric A (Householder + implicit
 *       QL, EISPACK tred2/tql2 as translated in JAMA).</li>
 *   <li>{@link dev.sfumato.diffusion.eval.FrechetDistance}: |μ1 − μ2|² + Tr(Σ1 + Σ2 − 2 (Σ1^½ Σ2 Σ1^½)^½).</li>
 *   <li>{@link dev.sfumato.diffusion.eval.FeatureStats}: streaming mean and unbiased covariance of features.</li>
 *   <li>{@link dev.sfumato.diffusion.eval.FeatureExtractor}: images to features (a Fashion-MNIST classifier).</li>
 *   <li>{@link dev.sfumato.diffusion.eval.ClassifierFeatures}: that extractor, the 128-d penultimate layer of the
 *       {@code nn.examples.FashionMnistCnn} trained by {@code sfumato classifier} and shipped in the jar.</li>
 *   <li>{@link dev.sfumato.diffusion.eval.Fid}: FID of generated images against a reference dataset, with a
 *       real-vs-real baseline at the same sample count.</li>
 * </ul>
 *
 * <p>Reference: M. Heusel, H. Ramsauer, T. Unterthiner, B. Nessler and S. Hochreiter, "GANs Trained by a Two
 * Time-Scale Update Rule Converge to a Local Nash Equilibrium", NeurIPS 2017, eq. 6 (FID is the Fréchet
 * distance of Gaussians fitted to Inception-v3 features; here a smaller domain classifier supplies them, so
 * values are not comparable with published Inception FIDs). Ho et al. 2020 report FID on CIFAR10 this way.
 */
package dev.sfumato.diffusion.eval;
