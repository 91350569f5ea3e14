package dev.ganglion.autodiff.nn;

import dev.ganglion.autodiff.Var;
import dev.ganglion.engine.Rng;
import dev.ganglion.engine.Tensor;
import java.util.Map;

/**
 * Inverted dropout: in training mode {@code y = x ⊙ m / (1 − p)} with {@code m ~ Bernoulli(1 − p)}
 * drawn from this layer's own seeded {@link Rng}; in evaluation mode (and for {@code p = 0})
 * {@code y = x}. With {@code p = 1} every element is dropped ({@code y = 0}).
 *
 * <p>The generator's position is {@link #extraState()} ({@code rng}), so a resumed run draws the
 * same masks as an uninterrupted one.
 */
public final class Dropout extends Layer {
    private final double p;
    private final Rng rng;

    /** Drops each element with probability {@code p ∈ [0, 1]}, masks drawn from {@code rng} (kept, not copied). */
    public Dropout(double p, Rng rng) {
        if (!(p >= 0 && p <= 1)) {
            throw new IllegalArgumentException("Dropout: p must be in [0, 1], got " + p);
        }
        this.p = p;
        this.rng = rng;
    }

    /** The drop probability. */
    public double p() {
        return p;
    }

    @Override
    public Var forward(Var x) {
        if (!isTraining() || p == 0) {
            return x;
        }
        Tensor mask = rng.bernoulli(x.shape(), 1 - p);
        if (p < 1) {
            float scale = (float) (1 / (1 - p));
            float[] m = mask.floatArray();
            for (int i = 0; i < m.length; i++) {
                m[i] *= scale;
            }
        }
        return x.mul(Var.constant(mask.to(x.dtype())));
    }

    @Override
    protected Map<String, String> ownExtraState() {
        long[] s = rng.state();
        return Map.of("rng", Long.toHexString(s[0]) + "," + Long.toHexString(s[1]) + ","
                + Long.toHexString(s[2]) + "," + Long.toHexString(s[3]));
    }

    @Override
    protected void loadOwnExtraState(Map<String, String> entries) {
        String s = entries.get("rng");
        if (s == null) {
            return;
        }
        String[] words = s.split(",");
        if (words.length != 4) {
            throw new IllegalArgumentException(this + ": rng state '" + s + "' is not 4 comma-separated hex words");
        }
        long[] state = new long[4];
        try {
            for (int i = 0; i < 4; i++) {
                state[i] = Long.parseUnsignedLong(words[i].trim(), 16);
            }
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(this + ": rng state '" + s + "' is not 4 comma-separated hex words");
        }
        rng.setState(state);
    }

    @Override
    public String toString() {
        return "Dropout(p=" + p + ")";
    }
}
