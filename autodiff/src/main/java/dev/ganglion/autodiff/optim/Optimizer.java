package dev.ganglion.autodiff.optim;

import dev.ganglion.autodiff.Var;
import java.util.List;

/**
 * Updates parameters in place from their accumulated gradients, with PyTorch's update rules
 * ({@code torch.optim}, single-tensor form): {@code step()} after {@code backward()}, {@code zeroGrad()}
 * before the next one.
 *
 * <p>State is per parameter: a step count and buffers named as in PyTorch ({@code momentum_buffer},
 * {@code exp_avg}, {@code exp_avg_sq}, {@code exp_inf}, {@code square_avg}, {@code grad_avg}), created
 * at a parameter's first step. A parameter without a gradient is skipped (its step count does not
 * move). {@link #stateDict()} / {@link #loadStateDict} capture and restore everything needed for a
 * bit-exact resume.
 */
public interface Optimizer {
    /** The kind as a config name: {@code sgd}, {@code adam}, {@code adamw}, {@code adamax}, {@code rmsprop}. */
    String kind();

    /** The parameters, in the order given at construction. */
    List<Var> parameters();

    /** Applies one update to every parameter that has a gradient (bumps each written tensor's version). */
    void step();

    /** Drops every parameter's gradient ({@code grad = null}, PyTorch's {@code set_to_none}). */
    void zeroGrad();

    /**
     * {@code setToNone}: as {@link #zeroGrad()}; otherwise each existing gradient becomes zero and
     * keeps its buffer, so the next backward writes into it in place instead of allocating a new one
     * ({@link Var#zeroGrad(boolean)}).
     */
    void zeroGrad(boolean setToNone);

    /** The learning rate of the next step. */
    double lr();

    /** Sets the learning rate (what schedules call). */
    void setLr(double lr);

    /** Steps taken by parameter {@code i}. */
    long steps(int i);

    /** A snapshot (copies) of the learning rate, step counts and state buffers. */
    OptimizerState stateDict();

    /**
     * Restores a snapshot taken from an optimizer of the same kind over parameters of the same
     * shapes (the learning rate included; other hyperparameters stay as constructed).
     *
     * @throws IllegalArgumentException on a different kind, parameter count, buffer set or shape
     */
    void loadStateDict(OptimizerState state);

    /**
     * Zeroes the state buffers of {@code param} at the given flat positions (e.g. weights regrown by
     * dynamic sparse training). NOTE: the step count is per parameter and is kept, so bias
     * corrections of reset entries continue from the parameter's count.
     *
     * @throws IllegalArgumentException when {@code param} is not optimized here or a position is out of range
     */
    void resetState(Var param, int[] positions);

    /**
     * Moves the state buffers of {@code param}: new entry {@code i} takes old entry {@code from[i]},
     * or 0 when {@code from[i] < 0} (a rewired sparse layer; see {@code MaskedLinear.setMask}).
     *
     * @throws IllegalArgumentException when {@code from} is not of the parameter's size or out of range
     */
    void remapState(Var param, int[] from);
}
