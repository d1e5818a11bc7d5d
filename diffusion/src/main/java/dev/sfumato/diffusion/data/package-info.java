/**
 * Training data for the diffusion model: image datasets scaled to [−1, 1] and a seeded, resumable loader.
 *
 * <ul>
 *   <li>{@link dev.sfumato.diffusion.data.ImageDataset}: N images [C, H, W] in [−1, 1] with optional labels;
 *       {@link dev.sfumato.diffusion.data.InMemoryDataset} holds them in one array.</li>
 *   <li>{@link dev.sfumato.diffusion.data.IdxDataset}: MNIST / Fashion-MNIST IDX files from a directory;
 *       {@link dev.sfumato.diffusion.data.BundledDataset}: a 6,000-image Fashion-MNIST subset inside the jar.</li>
 *   <li>{@link dev.sfumato.diffusion.data.ImageFolderDataset}: PNG/JPEG folders, resized
 *       ({@link dev.sfumato.diffusion.data.Resize}) and center-cropped, labels from sub-folders.</li>
 *   <li>{@link dev.sfumato.diffusion.data.TensorDataset}: images already in a tensor.</li>
 *   <li>{@link dev.sfumato.diffusion.data.DataLoader} and {@link dev.sfumato.diffusion.data.Batch}: seeded
 *       shuffling per epoch, drop last, random horizontal flip, and a {@code State} for exact resume.</li>
 * </ul>
 *
 * <p>Scaling follows Ho et al. 2020, "Denoising Diffusion Probabilistic Models", §4: image bytes
 * {0, ..., 255} are scaled linearly to [−1, 1]. Datasets: Fashion-MNIST, H. Xiao, K. Rasul and R. Vollgraf,
 * arXiv:1708.07747, 2017 (MIT license); MNIST, Y. LeCun, C. Cortes and C. J. C. Burges,
 * http://yann.lecun.com/exdb/mnist/.
 */
package dev.sfumato.diffusion.data;
