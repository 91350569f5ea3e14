package dev.ganglion.bench;

import dev.ganglion.engine.Shape;
import dev.ganglion.engine.Tensor;
import dev.ganglion.engine.ops.Reductions;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code yᵢ = e^(xᵢ−m) / Σⱼ e^(xⱼ−m)} along the last axis of {@code rows × cols} float32, through
 * {@link Reductions#softmax}. Useful flops: {@value #FLOPS_PER_ELEMENT} per element by convention
 * (max, subtract, exp, sum, scale), the same count bench/python/reference.py uses.
 */
public final class SoftmaxBench implements BenchCase {
    static final int FLOPS_PER_ELEMENT = 5;

    private final int rows;
    private final int cols;
    private final Tensor x;

    public SoftmaxBench(int rows, int cols) {
        Inputs.requirePositive("softmax", "--rows", rows);
        Inputs.requirePositive("softmax", "--cols", cols);
        this.rows = rows;
        this.cols = cols;
        this.x = Tensor.wrap(Inputs.randomFloats(Inputs.checkedProduct("softmax", rows, cols), 1), Shape.of(rows, cols));
    }

    @Override
    public String kernel() {
        return "softmax";
    }

    @Override
    public Map<String, Object> shape() {
        Map<String, Object> s = new LinkedHashMap<>();
        s.put("rows", rows);
        s.put("cols", cols);
        return s;
    }

    @Override
    public double flops() {
        return (double) FLOPS_PER_ELEMENT * rows * cols;
    }

    @Override
    public void run() {
        Reductions.softmax(x, -1);
    }
}
