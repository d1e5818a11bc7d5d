/**
 * What a training or sampling run writes for people to look at: image grids and trajectories as PNG, the
 * loss curve as PNG, the CSV log, and a terminal progress bar.
 *
 * <ul>
 *   <li>{@link dev.sfumato.diffusion.io.ImageGrid}: [N, C, H, W] in [−1, 1] to PNG grids as torchvision's
 *       {@code make_grid} and {@code save_image}; single images; x̂₀ trajectory strips.</li>
 *   <li>{@link dev.sfumato.diffusion.io.LossCurve}: a Java2D plot of the loss with its EMA, log-y optional.</li>
 *   <li>{@link dev.sfumato.diffusion.io.CsvLog}: step, loss, lr, grad norm, it/s; flushed per row; resumable.</li>
 *   <li>{@link dev.sfumato.diffusion.io.ProgressBar}: tqdm-like on a terminal, plain periodic lines otherwise.</li>
 * </ul>
 *
 * <p>Files that are replaced as a whole (PNGs, a truncated log) go through
 * {@link dev.sfumato.nn.serialization.AtomicFiles}, so a crash never leaves half a file.
 */
package dev.sfumato.diffusion.io;
