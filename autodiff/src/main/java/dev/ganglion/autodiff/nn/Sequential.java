package dev.ganglion.autodiff.nn;

import dev.ganglion.autodiff.Var;
import java.util.ArrayList;
import java.util.List;

/**
 * Layers applied in order, {@code y = fₙ(…f₁(f₀(x)))}, registered under the names {@code 0, 1, …}
 * (so a {@code Sequential} registered as {@code layers} gives {@code layers.0.weight}).
 */
public final class Sequential extends Layer {
    private final List<Layer> layers = new ArrayList<>();

    /** The given layers in order (none for an empty chain, the identity, to fill with {@link #add}). */
    public Sequential(Layer... layers) {
        for (Layer l : layers) {
            add(l);
        }
    }

    /** Appends a layer (named by its position) and returns this. */
    public Sequential add(Layer layer) {
        registerModule(Integer.toString(layers.size()), layer);
        layers.add(layer);
        return this;
    }

    /** Layer {@code i}. */
    public Layer get(int i) {
        if (i < 0 || i >= layers.size()) {
            throw new IndexOutOfBoundsException("Sequential: layer " + i + " of " + layers.size());
        }
        return layers.get(i);
    }

    /** Number of layers. */
    public int size() {
        return layers.size();
    }

    @Override
    public Var forward(Var x) {
        Var y = x;
        for (Layer l : layers) {
            y = l.forward(y);
        }
        return y;
    }
}
