/**
 * Training checkpoints as safetensors files written atomically: module state, optimizer state,
 * scheduler state and generator positions, loaded strictly for a bit-exact resume
 * ({@link dev.ganglion.autodiff.checkpoint.Checkpoint}).
 */
package dev.ganglion.autodiff.checkpoint;
