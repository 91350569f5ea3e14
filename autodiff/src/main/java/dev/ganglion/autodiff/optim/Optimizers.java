package dev.ganglion.autodiff.optim;

import dev.ganglion.autodiff.Var;
import java.util.List;
import java.util.Locale;

/** Optimizers by config name, with PyTorch's defaults for everything but lr and weight decay. */
public final class Optimizers {
    private Optimizers() {}

    /** The names {@link #create} accepts. */
    public static final List<String> NAMES = List.of("sgd", "adam", "adamw", "adamax", "rmsprop");

    /**
     * {@code sgd}, {@code adam}, {@code adamw}, {@code adamax} or {@code rmsprop} over {@code params}.
     *
     * @throws IllegalArgumentException for another name, listing the known ones
     */
    public static Optimizer create(String name, List<Var> params, double lr, double weightDecay) {
        return switch (name.toLowerCase(Locale.ROOT)) {
            case "sgd" -> new Sgd(params, lr, 0, 0, weightDecay, false);
            case "adam" -> new Adam(params, lr, 0.9, 0.999, 1e-8, weightDecay);
            case "adamw" -> new AdamW(params, lr, 0.9, 0.999, 1e-8, weightDecay);
            case "adamax" -> new Adamax(params, lr, 0.9, 0.999, 1e-8, weightDecay);
            case "rmsprop" -> new RmsProp(params, lr, 0.99, 1e-8, weightDecay, 0, false);
            default -> throw new IllegalArgumentException("optimizer '" + name + "' is not one of " + NAMES);
        };
    }
}
