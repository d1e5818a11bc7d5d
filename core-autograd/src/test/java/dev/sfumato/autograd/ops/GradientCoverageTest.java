package dev.sfumato.autograd.ops;

import dev.sfumato.autograd.Node;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Set;
import java.util.TreeSet;
import java.util.jar.JarFile;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Fails when a differentiable primitive exists without a gradient property: every concrete
 * {@link Node} subclass in {@code dev.sfumato.autograd.ops} (found by listing the package's compiled
 * classes) must be named by a {@link GradientOf} annotation on some property in this test package.
 */
class GradientCoverageTest {

    private static final String PACKAGE = "dev/sfumato/autograd/ops/";

    @Test
    void everyPrimitiveHasAGradientProperty() throws Exception {
        Set<String> primitives = new TreeSet<>();
        for (Class<?> c : classesOf(Broadcasting.class)) {
            if (Node.class.isAssignableFrom(c) && !Modifier.isAbstract(c.getModifiers())) {
                primitives.add(c.getName());
            }
        }
        Set<String> covered = new TreeSet<>();
        for (Class<?> c : classesOf(GradientCoverageTest.class)) {
            for (Method m : c.getDeclaredMethods()) {
                GradientOf g = m.getAnnotation(GradientOf.class);
                if (g != null) {
                    Arrays.stream(g.value()).map(Class::getName).forEach(covered::add);
                }
            }
        }
        // Guard against a scan that finds nothing and so "passes".
        assertTrue(primitives.size() >= 45, "found only " + primitives.size() + " primitives: " + primitives);
        Set<String> missing = new TreeSet<>(primitives);
        missing.removeAll(covered);
        assertEquals(Set.of(), missing, "primitives without a gradient property");
    }

    /** All classes compiled into the ops package of the code source (directory or jar) that holds {@code anchor}. */
    private static Set<Class<?>> classesOf(Class<?> anchor) throws IOException, URISyntaxException, ClassNotFoundException {
        Path root = Path.of(anchor.getProtectionDomain().getCodeSource().getLocation().toURI());
        Set<String> names = new TreeSet<>();
        if (Files.isDirectory(root)) {
            try (Stream<Path> files = Files.list(root.resolve(PACKAGE))) {
                files.map(p -> p.getFileName().toString()).forEach(names::add);
            }
        } else {
            try (JarFile jar = new JarFile(root.toFile())) {
                jar.stream().map(e -> e.getName())
                        .filter(n -> n.startsWith(PACKAGE) && n.indexOf('/', PACKAGE.length()) < 0)
                        .map(n -> n.substring(PACKAGE.length()))
                        .forEach(names::add);
            }
        }
        Set<Class<?>> classes = new java.util.HashSet<>();
        for (String n : names) {
            if (n.endsWith(".class") && !n.equals("package-info.class")) {
                String binary = PACKAGE.replace('/', '.') + n.substring(0, n.length() - ".class".length());
                classes.add(Class.forName(binary, false, anchor.getClassLoader()));
            }
        }
        return classes;
    }
}
