package dev.ganglion.bench;

import dev.ganglion.engine.DType;
import dev.ganglion.engine.Shape;
import dev.ganglion.engine.Tensor;
import dev.ganglion.engine.backend.ComputeBackend;
import dev.ganglion.engine.backend.PreparedOp;
import dev.ganglion.engine.sparse.BlockDiagonal;
import dev.ganglion.engine.sparse.Bsr;
import dev.ganglion.engine.sparse.Csr;
import dev.ganglion.engine.sparse.SparseMatrix;
import dev.ganglion.engine.sparse.SparseOps;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The products of a sparse linear layer {@code Y = X·Wᵀ}, {@code W [rows × cols]} block-diagonal,
 * BSR or CSR, through {@link SparseOps}: {@code forward} (Y), {@code input-grad}
 * ({@code dX = dY·W}) or {@code weight-grad} ({@code dW = dYᵀ·X} at W's stored entries only).
 * Useful flops: {@code 2·batch·nnz(W)} for each pass, whatever a dense product would cost.
 */
public final class SparseLinearBench implements BenchCase {
    /** The passes, in the order {@code --pass all} runs them. */
    public static final List<String> PASSES = List.of("forward", "input-grad", "weight-grad");

    private final String kernel;
    private final Map<String, Object> shape;
    private final String pass;
    private final SparseMatrix w;
    private final Tensor x;
    private final Tensor dy;
    private final Tensor out;

    private SparseLinearBench(String kernel, Map<String, Object> shape, String pass, int batch, SparseMatrix w) {
        if (!PASSES.contains(pass)) {
            throw new IllegalArgumentException(kernel + ": --pass must be forward, input-grad, weight-grad or all, got '"
                    + pass + "'");
        }
        this.kernel = kernel;
        this.shape = shape;
        this.pass = pass;
        this.w = w;
        this.x = Tensor.wrap(Inputs.randomFloats(Inputs.checkedProduct(kernel, batch, w.cols()), 1), Shape.of(batch, w.cols()));
        this.dy = Tensor.wrap(Inputs.randomFloats(Inputs.checkedProduct(kernel, batch, w.rows()), 2), Shape.of(batch, w.rows()));
        this.out = switch (pass) {
            case "forward" -> Tensor.zeros(Shape.of(batch, w.rows()), DType.F32);
            case "input-grad" -> Tensor.zeros(Shape.of(batch, w.cols()), DType.F32);
            default -> Tensor.zeros(w.values().shape(), DType.F32);
        };
    }

    /** {@code W = diag(W₀…W_{blocks−1})}, {@code dim × dim} with square blocks of {@code dim/blocks}. */
    public static SparseLinearBench blockDiag(int batch, int dim, int blocks, String pass) {
        checkBlockDiag("blockdiag", "--", batch, dim, blocks);
        int b = dim / blocks;
        Tensor values = Tensor.wrap(Inputs.randomFloats(Inputs.checkedProduct("blockdiag", dim, b), 3), Shape.of(blocks, b, b));
        Map<String, Object> shape = new LinkedHashMap<>();
        shape.put("batch", batch);
        shape.put("dim", dim);
        shape.put("blocks", blocks);
        return new SparseLinearBench("blockdiag", shape, pass, batch, BlockDiagonal.of(blocks, dim, dim, values));
    }

    /**
     * A random {@code rows × cols} pattern of {@code block × block} blocks, {@code round(density·cols/block)}
     * of them in every block-row, stored as BSR ({@code kernel = "bsr"}) or as CSR with the same
     * entries ({@code "csr"}; block 1 is plain element sparsity).
     */
    public static SparseLinearBench sparse(String kernel, int batch, int rows, int cols, int block,
                                           double density, String pass) {
        checkSparse(kernel, "--", batch, rows, cols, block, density);
        Map<String, Object> shape = new LinkedHashMap<>();
        shape.put("batch", batch);
        shape.put("rows", rows);
        shape.put("cols", cols);
        shape.put("block", block);
        shape.put("density", density);
        SparseMatrix w = switch (kernel) {
            case "bsr" -> Bsr.random(rows, cols, block, block, density, 4);
            case "csr" -> block == 1 ? Csr.random(rows, cols, density, 4) : csrOf(Bsr.random(rows, cols, block, block, density, 4));
            default -> throw new IllegalArgumentException("not a sparse kernel: " + kernel);
        };
        return new SparseLinearBench(kernel, shape, pass, batch, w);
    }

    /**
     * The size rules of {@link #blockDiag}: all sizes ≥ 1 and {@code blocks} dividing {@code dim}.
     * Errors start with {@code who + ": "} and name each size {@code prefix + name} ({@code "--"} for
     * the command line's options, {@code ""} for the JMH parameters of the same names).
     */
    public static void checkBlockDiag(String who, String prefix, int batch, int dim, int blocks) {
        Inputs.requirePositive(who, prefix + "batch", batch);
        Inputs.requirePositive(who, prefix + "dim", dim);
        Inputs.requirePositive(who, prefix + "blocks", blocks);
        if (dim % blocks != 0) {
            throw new IllegalArgumentException(who + ": " + prefix + "dim " + dim + " is not a multiple of " + prefix
                    + "blocks " + blocks);
        }
    }

    /**
     * The size rules of {@link #sparse}: sizes ≥ 1, {@code block} dividing {@code rows} and
     * {@code cols}, and a density in (0, 1] that leaves at least one block in every block-row
     * ({@code round(density·cols/block) ≥ 1}, what {@code Bsr.random} and, at block 1,
     * {@code Csr.random} store). Errors are named as by {@link #checkBlockDiag}.
     */
    public static void checkSparse(String who, String prefix, int batch, int rows, int cols, int block,
                                   double density) {
        Inputs.requirePositive(who, prefix + "batch", batch);
        Inputs.requirePositive(who, prefix + "rows", rows);
        Inputs.requirePositive(who, prefix + "cols", cols);
        Inputs.requirePositive(who, prefix + "block", block);
        if (!(density > 0 && density <= 1)) {
            throw new IllegalArgumentException(who + ": " + prefix + "density must be in (0, 1], got " + density);
        }
        if (rows % block != 0 || cols % block != 0) {
            throw new IllegalArgumentException(who + ": " + prefix + "block " + block + " does not divide " + prefix
                    + "rows " + rows + " and " + prefix + "cols " + cols);
        }
        if (Math.round(density * (cols / block)) < 1) {
            throw new IllegalArgumentException(who + ": " + prefix + "density " + density
                    + " leaves no non-zero block in a row of " + cols / block
                    + " blocks (each row gets round(density·cols/block) of them)");
        }
    }

    /** The same entries and values as {@code b}, stored element by element. */
    private static Csr csrOf(Bsr b) {
        Tensor dense = Tensor.zeros(Shape.of(b.rows(), b.cols()), DType.F32);
        Tensor mask = Tensor.zeros(Shape.of(b.rows(), b.cols()), DType.F32);
        Tensor values = b.values().contiguous();
        float[] v = values.floatArray();
        int vo = values.offset();
        b.forEachEntry((r, c, i) -> {
            dense.set(v[vo + i], r, c);
            mask.set(1f, r, c);
        });
        return Csr.fromDense(dense, mask);
    }

    @Override
    public String kernel() {
        return kernel;
    }

    @Override
    public String pass() {
        return pass;
    }

    @Override
    public Map<String, Object> shape() {
        return shape;
    }

    @Override
    public double flops() {
        return 2.0 * x.shape().dim(0) * w.nnz();
    }

    @Override
    public void run() {
        switch (pass) {
            case "forward" -> SparseOps.linearInto(x, w, out, false);
            case "input-grad" -> SparseOps.linearInputGradInto(dy, w, out, false);
            default -> SparseOps.linearWeightGradInto(dy, x, w, out, false);
        }
    }

    /** The same pass with the same W, X and dY on {@code backend}. */
    @Override
    public PreparedOp prepare(ComputeBackend backend) {
        return switch (pass) {
            case "forward" -> backend.prepareLinear(w, x);
            case "input-grad" -> backend.prepareLinearInputGrad(w, dy);
            default -> backend.prepareLinearWeightGrad(w, dy, x);
        };
    }
}
