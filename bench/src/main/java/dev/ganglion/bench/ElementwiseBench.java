package dev.ganglion.bench;

import dev.ganglion.engine.DType;
import dev.ganglion.engine.Shape;
import dev.ganglion.engine.Tensor;
import dev.ganglion.engine.kernel.BinaryOp;
import dev.ganglion.engine.kernel.UnaryOp;
import dev.ganglion.engine.ops.Elementwise;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * One elementwise op over {@code rows × cols} float32 through {@link Elementwise}: binary ops
 * {@code out = a ∘ b} into a preallocated output, unary ops {@code y = f(x)} (a new tensor per
 * call, as the engine API returns one). Useful flops: one per element, by convention.
 */
public final class ElementwiseBench implements BenchCase {
    /** The binary ops, named as on the command line. */
    public static final List<String> BINARY = List.of("add", "sub", "mul", "div", "maximum", "minimum");
    /**
     * The unary ops, named as on the command line: all without parameters but softplus, which runs
     * with PyTorch's defaults (β = 1, threshold 20).
     */
    public static final List<String> UNARY = List.of("neg", "exp", "log", "sqrt", "tanh", "sigmoid", "relu",
            "silu", "sin", "cos", "abs", "square", "reciprocal", "log1p", "expm1", "erf", "gelu", "gelu_tanh",
            "softplus");
    // NOTE: inputs in [0.5, 1.5) for these, so that no op times a NaN or infinity path.
    private static final List<String> POSITIVE = List.of("div", "log", "sqrt", "reciprocal", "log1p");

    private final String op;
    private final int rows;
    private final int cols;
    private final Tensor a;
    private final Tensor b;
    private final Tensor out;
    private final BinaryOp binary;
    private final UnaryOp unary;

    public ElementwiseBench(String op, int rows, int cols) {
        if (!BINARY.contains(op) && !UNARY.contains(op)) {
            throw new IllegalArgumentException("elementwise: unknown --op '" + op + "'; expected one of: "
                    + String.join(", ", BINARY) + ", " + String.join(", ", UNARY));
        }
        Inputs.requirePositive("elementwise", "--rows", rows);
        Inputs.requirePositive("elementwise", "--cols", cols);
        this.op = op;
        this.rows = rows;
        this.cols = cols;
        int n = Inputs.checkedProduct("elementwise", rows, cols);
        this.a = input(n, 1);
        this.b = input(n, 2);
        this.out = Tensor.zeros(Shape.of(rows, cols), DType.F32);
        boolean isBinary = BINARY.contains(op);
        this.binary = isBinary ? BinaryOp.valueOf(op.toUpperCase(Locale.ROOT)) : null;
        this.unary = isBinary ? null : UnaryOp.valueOf(op.toUpperCase(Locale.ROOT));
    }

    private Tensor input(int n, long seed) {
        float[] x = Inputs.randomFloats(n, seed);
        if (POSITIVE.contains(op)) {
            for (int i = 0; i < n; i++) {
                x[i] = x[i] * 0.5f + 1f;
            }
        }
        return Tensor.wrap(x, Shape.of(rows, cols));
    }

    @Override
    public String kernel() {
        return "elementwise";
    }

    @Override
    public Map<String, Object> shape() {
        Map<String, Object> s = new LinkedHashMap<>();
        s.put("op", op);
        s.put("rows", rows);
        s.put("cols", cols);
        return s;
    }

    @Override
    public double flops() {
        return (double) rows * cols;
    }

    @Override
    public void run() {
        if (binary != null) {
            Elementwise.applyInto(binary, a, b, out);
        } else if (unary == UnaryOp.SOFTPLUS) {
            Elementwise.softplus(a, 1, 20);
        } else {
            Elementwise.apply(unary, a);
        }
    }
}
