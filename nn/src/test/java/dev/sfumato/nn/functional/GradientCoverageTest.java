package dev.sfumato.nn.functional;

import dev.sfumato.autograd.Node;
import dev.sfumato.autograd.Variable;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;
import java.util.TreeSet;
import java.util.jar.JarFile;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Fails when a differentiable op of {@code dev.sfumato.nn.functional} exists without a gradient property:
 * every concrete public {@link Node} subclass and every public static function returning a Variable (found
 * by listing the package's compiled classes) must be named by a {@link GradientOf} on some property of
 * this test package. The facade {@link F} only delegates and is checked to cover every function instead.
 *
 * <p>Losses ({@code Losses} and any class or function whose name ends in {@code Loss}) belong to their
 * own property class, {@code LossGradientProperties}: when one exists in the package, it must be there too.
 */
class GradientCoverageTest {

    private static final String PACKAGE = "dev/sfumato/nn/functional/";

    @Test
    void everyOpHasAGradientProperty() throws Exception {
        Set<String> ops = new TreeSet<>();
        Set<String> lossOps = new TreeSet<>();
        for (Class<?> c : classesOf(Convolution.class)) {
            if (c == F.class || !Modifier.isPublic(c.getModifiers())) {
                continue;
            }
            boolean loss = isLoss(c);
            if (Node.class.isAssignableFrom(c) && !Modifier.isAbstract(c.getModifiers())) {
                (loss ? lossOps : ops).add(c.getName());
            }
            if (c.getEnclosingClass() == null) {
                for (Method m : c.getDeclaredMethods()) {
                    if (isFunction(m)) {
                        String fn = c.getSimpleName() + "." + m.getName();
                        (loss || m.getName().endsWith("Loss") ? lossOps : ops).add(fn);
                    }
                }
            }
        }
        Set<String> covered = new TreeSet<>();
        Set<String> testClasses = new TreeSet<>();
        for (Class<?> c : classesOf(GradientCoverageTest.class)) {
            testClasses.add(c.getSimpleName());
            for (Method m : c.getDeclaredMethods()) {
                GradientOf g = m.getAnnotation(GradientOf.class);
                if (g != null) {
                    for (Class<? extends Node> n : g.nodes()) {
                        covered.add(n.getName());
                    }
                    covered.addAll(java.util.List.of(g.functions()));
                }
            }
        }
        // Guard against a scan that finds nothing and so "passes".
        assertTrue(ops.size() >= 20, "found only " + ops.size() + " ops: " + ops);
        Set<String> missing = new TreeSet<>(ops);
        missing.removeAll(covered);
        assertEquals(Set.of(), missing, "nn ops without a gradient property (annotate the property with @GradientOf)");
        if (!lossOps.isEmpty()) {
            assertTrue(testClasses.contains("LossGradientProperties"),
                    "losses " + lossOps + " exist but LossGradientProperties, which checks their gradients, does not");
        }
    }

    /** Every function of a concept class has a delegation of the same name in {@link F} (losses are added at merge). */
    @Test
    void facadeDelegatesEveryFunction() throws Exception {
        Set<String> facade = new TreeSet<>();
        for (Method m : F.class.getDeclaredMethods()) {
            if (Modifier.isPublic(m.getModifiers())) {
                facade.add(m.getName());
            }
        }
        Set<String> missing = new TreeSet<>();
        for (Class<?> c : classesOf(Convolution.class)) {
            if (c == F.class || c.getEnclosingClass() != null || !Modifier.isPublic(c.getModifiers()) || isLoss(c)) {
                continue;
            }
            for (Method m : c.getDeclaredMethods()) {
                // The composite twin of a fused op is a specification, not an entry point.
                if (isFunction(m) && !m.getName().endsWith("Composite") && !facade.contains(m.getName())) {
                    missing.add(c.getSimpleName() + "." + m.getName());
                }
            }
        }
        assertEquals(Set.of(), missing, "functions without a delegation in F");
    }

    /** A differentiable function: public, static, returning a Variable (not an enum's values() or a helper). */
    private static boolean isFunction(Method m) {
        return Modifier.isPublic(m.getModifiers()) && Modifier.isStatic(m.getModifiers())
                && m.getReturnType() == Variable.class;
    }

    private static boolean isLoss(Class<?> c) {
        for (Class<?> k = c; k != null; k = k.getEnclosingClass()) {
            if (k.getSimpleName().equals("Losses") || k.getSimpleName().endsWith("Loss")) {
                return true;
            }
        }
        return false;
    }

    /** All classes compiled into the functional package of the code source (directory or jar) that holds {@code anchor}. */
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
        Set<Class<?>> classes = new HashSet<>();
        for (String n : names) {
            if (n.endsWith(".class") && !n.equals("package-info.class")) {
                String binary = PACKAGE.replace('/', '.') + n.substring(0, n.length() - ".class".length());
                classes.add(Class.forName(binary, false, anchor.getClassLoader()));
            }
        }
        return classes;
    }
}
