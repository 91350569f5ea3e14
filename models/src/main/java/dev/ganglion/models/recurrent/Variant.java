package dev.ganglion.models.recurrent;

import java.util.Arrays;

/**
 * The gated cell of a {@link SubLstm} network. Pre-activations {@code a = x W_ihᵀ + b_ih + h W_hhᵀ + b_hh}
 * are split in gate order (rows {@code [0, H)} the first gate, …):
 * <ul>
 *   <li>{@link #LSTM} (i, f, z, o): {@code c' = σ(f)⊙c + σ(i)⊙tanh(z)}, {@code h' = σ(o)⊙tanh(c')};</li>
 *   <li>{@link #SUBLSTM} (i, f, z, o): {@code c' = σ(f)⊙c + σ(z) − σ(i)}, {@code h' = σ(c') − σ(o)};</li>
 *   <li>{@link #FIX_SUBLSTM} (i, z, o) and a learned per-unit forget {@code σ(φ)}:
 *       {@code c' = σ(φ)⊙c + σ(z) − σ(i)}, {@code h' = σ(c') − σ(o)}.</li>
 * </ul>
 */
public enum Variant {
    /** Multiplicative gating, the baseline. */
    LSTM("lstm", 4),
    /** Subtractive gating (Costa et al. 2017). */
    SUBLSTM("sublstm", 4),
    /** Subtractive gating with a learned per-unit forget value instead of a forget gate. */
    FIX_SUBLSTM("fix-sublstm", 3);

    private final String configName;
    private final int gates;

    Variant(String configName, int gates) {
        this.configName = configName;
        this.gates = gates;
    }

    /** The name in configs and checkpoints ({@code lstm}, {@code sublstm}, {@code fix-sublstm}). */
    public String configName() {
        return configName;
    }

    /** Number of gate blocks of {@code H} rows in {@code W_ih} and {@code W_hh}: 4, 4, 3. */
    public int gates() {
        return gates;
    }

    /** True when the forget value is a per-unit parameter {@code φ} instead of a gate. */
    public boolean fixedForget() {
        return this == FIX_SUBLSTM;
    }

    /**
     * The variant called {@code name}.
     *
     * @throws IllegalArgumentException listing the valid names otherwise
     */
    public static Variant of(String name) {
        for (Variant v : values()) {
            if (v.configName.equals(name)) {
                return v;
            }
        }
        throw new IllegalArgumentException("unknown variant '" + name + "'; expected one of "
                + Arrays.stream(values()).map(Variant::configName).toList());
    }
}
