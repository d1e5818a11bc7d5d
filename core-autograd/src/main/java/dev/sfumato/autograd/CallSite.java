package dev.sfumato.autograd;

import java.security.CodeSource;
import java.util.Objects;

/**
 * Finds the line of user code that called into autograd, for anomaly messages ({@code Model.java:42}).
 *
 * <p>"User code" is the first stack frame whose class was not loaded from core-autograd's own code source
 * (its jar or {@code target/classes}). Comparing code sources rather than package names keeps the answer
 * right for callers that live in the same package, such as this module's own tests.
 */
final class CallSite {

    private static final StackWalker WALKER = StackWalker.getInstance(StackWalker.Option.RETAIN_CLASS_REFERENCE);
    private static final CodeSource OWN = codeSource(CallSite.class);

    private CallSite() {}

    /** {@code File.java:line} of the first frame outside core-autograd, or {@code "unknown"}. */
    static String capture() {
        return WALKER.walk(frames -> frames
                .filter(f -> !Objects.equals(codeSource(f.getDeclaringClass()), OWN))
                .findFirst()
                .map(f -> f.getFileName() + ":" + f.getLineNumber())
                .orElse("unknown"));
    }

    private static CodeSource codeSource(Class<?> c) {
        return c.getProtectionDomain() == null ? null : c.getProtectionDomain().getCodeSource();
    }
}
