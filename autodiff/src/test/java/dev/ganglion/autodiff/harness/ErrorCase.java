package dev.ganglion.autodiff.harness;

import dev.ganglion.autodiff.Op;

/**
 * A call that must fail with an {@link IllegalArgumentException} (or, for index ops, an
 * {@link IndexOutOfBoundsException}) whose message contains {@code messagePart} (the op's name).
 */
public record ErrorCase(Op op, String name, Runnable call, String messagePart) {
    @Override
    public String toString() {
        return op + " " + name;
    }
}
