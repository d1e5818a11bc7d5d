package dev.sfumato.nn.functional;

import dev.sfumato.autograd.Node;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a gradient-check property with what it exercises: the {@link Node} primitives of
 * {@code dev.sfumato.nn.functional} and its public functions, named {@code "Concept.method"}
 * ({@code "Convolution.conv2d"}, covering every overload). {@link GradientCoverageTest} fails when a
 * primitive or a function is named by no property.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.METHOD)
@interface GradientOf {
    Class<? extends Node>[] nodes() default {};

    String[] functions() default {};
}
