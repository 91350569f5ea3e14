package dev.ganglion.models.recurrent;

import dev.ganglion.autodiff.Var;

/**
 * The output of a recurrent run and the state after it: {@code output} is {@code [B, T, d_out]} for
 * a chunk or {@code [B, d_out]} for a single step.
 */
public record SequenceResult(Var output, RecurrentState state) {}
