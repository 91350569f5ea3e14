package dev.ganglion.bench.jmh;

/** Small benchmark instances with their {@code @Param} fields set, for the tests that call their setups. */
final class JmhFixtures {
    private JmhFixtures() {}

    static BlockDiagonalBenchmark blockDiagonal(int dim, int blocks, String pass, String impl) {
        BlockDiagonalBenchmark b = new BlockDiagonalBenchmark();
        b.batch = 4;
        b.dim = dim;
        b.blocks = blocks;
        b.pass = pass;
        b.impl = impl;
        return b;
    }

    static CsrBenchmark csr(int cols, double density, String pass, String impl) {
        CsrBenchmark b = new CsrBenchmark();
        b.batch = 4;
        b.rows = 16;
        b.cols = cols;
        b.density = density;
        b.pass = pass;
        b.impl = impl;
        return b;
    }

    static BsrBenchmark bsr(int block, double density, String pass, String impl) {
        BsrBenchmark b = new BsrBenchmark();
        b.batch = 4;
        b.rows = 32;
        b.cols = 32;
        b.block = block;
        b.density = density;
        b.pass = pass;
        b.impl = impl;
        return b;
    }

    static GemmBenchmark gemm(String shape, String trans) {
        GemmBenchmark b = new GemmBenchmark();
        b.shape = shape;
        b.trans = trans;
        return b;
    }
}
