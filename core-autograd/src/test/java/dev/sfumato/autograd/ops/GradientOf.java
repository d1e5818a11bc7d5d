package dev.sfumato.autograd.ops;

import dev.sfumato.autograd.Node;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a gradient-check property with the primitives it exercises; {@link GradientCoverageTest} fails
 * when a primitive in {@code dev.sfumato.autograd.ops} is named by no property.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.METHOD)
@interface GradientOf {
    Class<? extends Node>[] value();
}
