/**
 * Kernel interfaces on flat arrays and their scalar reference implementations. Each family has an
 * interface, a {@code Scalar…} reference that defines its semantics, and a SIMD twin in
 * {@code dev.ganglion.engine.simd} chosen by {@link dev.ganglion.engine.Vectorization#load}.
 */
package dev.ganglion.engine.kernel;
