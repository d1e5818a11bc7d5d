/**
 * The compute kernels behind the tensor ops, written with the incubator Vector API.
 *
 * <p>Every vectorised kernel has a plain-loop reference twin with the same signature; the reference is the
 * specification and the tests compare the two over random sizes (0, 1, lanes-1, lanes, lanes+1, odd primes)
 * and strided inputs. {@link dev.sfumato.tensor.kernels.Kernels} holds the float species used everywhere
 * and the switch {@code -Dsfumato.kernels=reference} that forces the reference paths, so a result can
 * always be checked without SIMD.
 *
 * <p>The matrix product follows the BLAS {@code sgemm} contract in row-major form,
 * {@code C = alpha·op(A)·op(B) + beta·C} with leading dimensions and transpose flags, so that
 * {@code Tensor.matmul} can hand it transposed views without copying. Each vectorised kernel names its
 * trick (packing, register blocking, loop order) in its header comment, with the JMH figure that shows it
 * pays; parallel kernels split work by problem size so results do not depend on the thread count.
 */
package dev.sfumato.tensor.kernels;
