/**
 * The {@code sfumato} command line (picocli): {@code train}, {@code sample}, {@code classifier}, {@code eval} and a
 * {@code demo} of the tensor library. Run it through the {@code ./sfumato} launcher, which finds a JDK 25 and builds the jar.
 */
package dev.sfumato.diffusion.cli;
