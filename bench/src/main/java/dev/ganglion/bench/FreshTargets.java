package dev.ganglion.bench;

import dev.ganglion.engine.Rng;

/**
 * The class targets of a timed training step, drawn anew for every step from a seeded {@link Rng}
 * ({@code batch} integers, a few microseconds inside the timed step). Random targets that change
 * cannot be fitted, so the loss stays near {@code ln C} and the gradients stay at training's scale.
 * A fixed batch with fixed targets is fitted within a few hundred steps; its gradients then
 * underflow to subnormal numbers, and on Intel cores, where each operation on one takes a microcode
 * assist, the timed step measured the assists: the dense MLP's step had doubled (30 against 59 ms
 * at batch 128, Xeon with AVX-512). {@code step_bench.py}, the PyTorch side, does the same.
 */
final class FreshTargets {
    private final Rng rng;
    private final int classes;
    private final int[] targets;

    FreshTargets(Rng rng, int batch, int classes) {
        this.rng = rng;
        this.classes = classes;
        this.targets = new int[batch];
    }

    /** This step's targets: the same array, refilled (the loss copies what it keeps). */
    int[] next() {
        for (int i = 0; i < targets.length; i++) {
            targets[i] = rng.nextInt(classes);
        }
        return targets;
    }
}
