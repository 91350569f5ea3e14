package dev.ganglion.bench;

import dev.ganglion.engine.Shape;
import dev.ganglion.engine.Tensor;
import dev.ganglion.engine.backend.ComputeBackend;
import dev.ganglion.engine.backend.PreparedOp;
import dev.ganglion.engine.kernel.GemmKernel;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code C[m×n] = op(A)·op(B)} through {@link GemmKernel#cpu()}; useful flops {@code 2·m·n·k}.
 * With {@code transA} A is stored k×m, with {@code transB} B is stored n×k (row-major, packed).
 */
public final class GemmBench implements BenchCase {
    private final int m;
    private final int n;
    private final int k;
    private final boolean transA;
    private final boolean transB;
    private final float[] a;
    private final float[] b;
    private final float[] c;
    private final GemmKernel kernel = GemmKernel.cpu();

    public GemmBench(int m, int n, int k, boolean transA, boolean transB) {
        Inputs.requirePositive("gemm", "--m", m);
        Inputs.requirePositive("gemm", "--n", n);
        Inputs.requirePositive("gemm", "--k", k);
        this.m = m;
        this.n = n;
        this.k = k;
        this.transA = transA;
        this.transB = transB;
        this.a = Inputs.randomFloats(Inputs.checkedProduct("gemm", m, k), 1);
        this.b = Inputs.randomFloats(Inputs.checkedProduct("gemm", k, n), 2);
        this.c = new float[Inputs.checkedProduct("gemm", m, n)];
    }

    @Override
    public String kernel() {
        return "gemm";
    }

    @Override
    public Map<String, Object> shape() {
        Map<String, Object> s = new LinkedHashMap<>();
        s.put("m", m);
        s.put("n", n);
        s.put("k", k);
        if (transA) {
            s.put("trans_a", true);
        }
        if (transB) {
            s.put("trans_b", true);
        }
        return s;
    }

    @Override
    public double flops() {
        return 2.0 * m * n * k;
    }

    @Override
    public void run() {
        int lda = transA ? m : k;
        int ldb = transB ? k : n;
        kernel.gemm(transA, transB, m, n, k, 1f, a, 0, lda, b, 0, ldb, 0f, c, 0, n);
    }

    /** The same {@code C = op(A)·op(B)} on {@code backend}, A and B as stored here. */
    @Override
    public PreparedOp prepare(ComputeBackend backend) {
        Tensor ta = Tensor.wrap(a, transA ? Shape.of(k, m) : Shape.of(m, k));
        Tensor tb = Tensor.wrap(b, transB ? Shape.of(n, k) : Shape.of(k, n));
        return backend.prepareMatmul(ta, transA, tb, transB);
    }
}
