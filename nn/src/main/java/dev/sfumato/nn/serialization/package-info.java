/**
 * Saving and loading tensors: the safetensors format and atomic file replacement.
 *
 * <ul>
 *   <li>{@link dev.sfumato.nn.serialization.Safetensors}: {@code save}, {@code load}, {@code read} and
 *       {@code checkShapes}, the Java twins of {@code safetensors.torch.save_file} / {@code load_file}.</li>
 *   <li>{@link dev.sfumato.nn.serialization.SafetensorsFile}: the tensors and {@code __metadata__} of one file.</li>
 *   <li>{@link dev.sfumato.nn.serialization.SafetensorsException}: every format error, naming file, key and field.</li>
 *   <li>{@link dev.sfumato.nn.serialization.AtomicFiles}: write to a temporary file, fsync, rename; used by
 *       checkpoints and logs too.</li>
 *   <li>{@code Json}: the small strict JSON parser the header needs (package-private).</li>
 * </ul>
 *
 * <p>Reference: the safetensors format as specified in the README of https://github.com/huggingface/safetensors
 * (section "Format"), with the validation rules of its Rust implementation ({@code Metadata::validate}: offsets
 * tile the buffer, 100 MB header limit). Files written here load with {@code safetensors.torch.load_file}; the
 * test {@code SafetensorsTorchInteropTest} reads a file written from PyTorch 1.13.
 */
package dev.sfumato.nn.serialization;
