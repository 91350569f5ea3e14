package dev.ganglion.autodiff.nn;

import dev.ganglion.autodiff.Gelu;
import dev.ganglion.autodiff.PointwiseOps;
import dev.ganglion.autodiff.Var;
import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/** An elementwise activation as a layer: {@code y = f(x)}. No parameters. */
public final class Activation extends Layer {
    /** The functions available. */
    public enum Kind {
        /** {@code max(x, 0)}; NOTE: gradient 0 at x = 0. */
        RELU,
        /** {@code tanh x}. */
        TANH,
        /** {@code 1/(1 + e⁻ˣ)}. */
        SIGMOID,
        /** {@code x·σ(x)}. */
        SILU,
        /** {@code x·Φ(x)}, Φ the standard normal CDF ({@link PointwiseOps#gelu(Var)}). */
        GELU,
        /** GELU's tanh approximation ({@link PointwiseOps#gelu(Var, Gelu)} with {@link Gelu#TANH}). */
        GELU_TANH,
        /** {@code x}. */
        IDENTITY
    }

    private final Kind kind;

    /** The activation {@code kind}, applied elementwise. */
    public Activation(Kind kind) {
        this.kind = java.util.Objects.requireNonNull(kind, "Activation: kind is null");
    }

    /** {@code max(x, 0)}. */
    public static Activation relu() {
        return new Activation(Kind.RELU);
    }

    /** {@code tanh x}. */
    public static Activation tanh() {
        return new Activation(Kind.TANH);
    }

    /** {@code σ(x) = 1 / (1 + e⁻ˣ)}. */
    public static Activation sigmoid() {
        return new Activation(Kind.SIGMOID);
    }

    /** {@code x·σ(x)}. */
    public static Activation silu() {
        return new Activation(Kind.SILU);
    }

    /** {@code x·Φ(x)}, GELU (PyTorch's {@code nn.GELU()}). */
    public static Activation gelu() {
        return new Activation(Kind.GELU);
    }

    /**
     * By config name, the kind's name in lower case: {@code relu}, {@code tanh}, {@code sigmoid},
     * {@code silu}, {@code gelu}, {@code gelu_tanh}, {@code identity}.
     *
     * @throws IllegalArgumentException for any other name, listing the known ones
     */
    public static Activation of(String name) {
        for (Kind k : Kind.values()) {
            if (configName(k).equals(name)) {
                return new Activation(k);
            }
        }
        throw new IllegalArgumentException("Activation: unknown '" + name + "'; expected one of "
                + Arrays.stream(Kind.values()).map(Activation::configName).collect(Collectors.joining(", ")));
    }

    private static String configName(Kind k) {
        return k.name().toLowerCase(Locale.ROOT);
    }

    /** Which function this layer applies. */
    public Kind kind() {
        return kind;
    }

    @Override
    public Var forward(Var x) {
        return switch (kind) {
            case RELU -> x.relu();
            case TANH -> x.tanh();
            case SIGMOID -> x.sigmoid();
            case SILU -> PointwiseOps.silu(x);
            case GELU -> PointwiseOps.gelu(x);
            case GELU_TANH -> PointwiseOps.gelu(x, Gelu.TANH);
            case IDENTITY -> x;
        };
    }

    @Override
    public String toString() {
        return kind.name().charAt(0) + kind.name().substring(1).toLowerCase(Locale.ROOT);
    }
}
