package dev.ganglion.cuda;

import dev.ganglion.engine.Shape;
import dev.ganglion.engine.testing.Fixtures;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.opentest4j.TestAbortedException;

/**
 * BSR and CSR products, every candidate path forced in turn and then the tuned choice, against
 * dense CPU references. A cuSPARSE path this GPU or library does not support is skipped, not failed.
 */
@Tag("gpu")
class CudaSparseGpuTest {
    private static final int[][] BSR_CASES = { // rows(out), cols(in), rowBlock, colBlock, batch, density%
        {64, 48, 8, 8, 17, 30}, {128, 128, 16, 16, 64, 10}, {30, 20, 5, 5, 1, 50}, {96, 64, 4, 8, 33, 25},
        {256, 512, 32, 32, 128, 5},
    };
    private static final int[][] CSR_CASES = { // rows, cols, batch, density%
        {50, 70, 13, 10}, {300, 200, 64, 2}, {17, 9, 1, 40}, {1024, 512, 32, 1},
    };
    private static CudaDevice device;

    @BeforeAll
    static void open() {
        device = GpuSupport.openOrSkip();
        GpuSupport.assumeLibrary(CudaLibrary.BLAS);
    }

    @AfterAll
    static void close() {
        if (device != null) {
            device.close();
        }
    }

    @AfterEach
    void unpin() {
        for (String op : new String[] {CudaBsr.FORWARD, CudaBsr.INPUT_GRAD, CudaBsr.WEIGHT_GRAD,
                CudaCsr.FORWARD, CudaCsr.INPUT_GRAD, CudaCsr.WEIGHT_GRAD}) {
            device.tuner().force(op, null);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"batched-gemm", "cusparse-bsr", "tuned"})
    void bsrForward(String path) {
        forEachBsr(path, CudaBsr.FORWARD, (p, w, batch, seed) -> {
            float[] x = Fixtures.randomFloats(batch * p.cols(), seed);
            try (DeviceBuffer dx = device.upload(x, Shape.of(batch, p.cols()));
                 DeviceBuffer dy = device.allocate(Shape.of(batch, p.rows()))) {
                GpuSupport.runOrSkipUnsupported(() -> CudaBsr.forward(device, dx, w, dy));
                GpuSupport.assertRelativeError(device.download(dy), CpuReference.matmul(false, true, x,
                        CpuReference.dense(p, device.download(w.values())), batch, p.rows(), p.cols()), GpuSupport.FP32);
            }
        });
    }

    @ParameterizedTest
    @ValueSource(strings = {"batched-gemm", "cusparse-bsr-transposed", "tuned"})
    void bsrInputGrad(String path) {
        forEachBsr(path, CudaBsr.INPUT_GRAD, (p, w, batch, seed) -> {
            float[] dyv = Fixtures.randomFloats(batch * p.rows(), seed);
            try (DeviceBuffer dy = device.upload(dyv, Shape.of(batch, p.rows()));
                 DeviceBuffer dx = device.allocate(Shape.of(batch, p.cols()))) {
                GpuSupport.runOrSkipUnsupported(() -> CudaBsr.inputGrad(device, dy, w, dx));
                GpuSupport.assertRelativeError(device.download(dx), CpuReference.matmul(false, false, dyv,
                        CpuReference.dense(p, device.download(w.values())), batch, p.cols(), p.rows()), GpuSupport.FP32);
            }
        });
    }

    @ParameterizedTest
    @ValueSource(strings = {"batched-gemm", "cusparse-sddmm", "cusparse-sddmm-col", "tuned"})
    void bsrWeightGrad(String path) {
        forEachBsr(path, CudaBsr.WEIGHT_GRAD, (p, w, batch, seed) -> checkWeightGrad(p, batch, seed,
                (dy, x, dw, acc) -> CudaBsr.weightGrad(device, dy, x, w, dw, acc)));
    }

    @ParameterizedTest
    @ValueSource(strings = {"cusparse-csr", "cusparse-csr-alg2", "cusparse-csr-alg3", "cusparse-csr-transposed-operands",
            "tuned"})
    void csrForward(String path) {
        forEachCsr(path, CudaCsr.FORWARD, (p, w, batch, seed) -> {
            float[] x = Fixtures.randomFloats(batch * p.cols(), seed);
            try (DeviceBuffer dx = device.upload(x, Shape.of(batch, p.cols()));
                 DeviceBuffer dy = device.allocate(Shape.of(batch, p.rows()))) {
                GpuSupport.runOrSkipUnsupported(() -> CudaCsr.forward(device, dx, w, dy));
                GpuSupport.assertRelativeError(device.download(dy), CpuReference.matmul(false, true, x,
                        CpuReference.dense(p, device.download(w.values())), batch, p.rows(), p.cols()), GpuSupport.FP32);
            }
        });
    }

    @ParameterizedTest
    @ValueSource(strings = {"cusparse-csc-view", "cusparse-csr-transposed", "cusparse-csc-view-transposed-operands",
            "tuned"})
    void csrInputGrad(String path) {
        forEachCsr(path, CudaCsr.INPUT_GRAD, (p, w, batch, seed) -> {
            float[] dyv = Fixtures.randomFloats(batch * p.rows(), seed);
            try (DeviceBuffer dy = device.upload(dyv, Shape.of(batch, p.rows()));
                 DeviceBuffer dx = device.allocate(Shape.of(batch, p.cols()))) {
                GpuSupport.runOrSkipUnsupported(() -> CudaCsr.inputGrad(device, dy, w, dx));
                GpuSupport.assertRelativeError(device.download(dx), CpuReference.matmul(false, false, dyv,
                        CpuReference.dense(p, device.download(w.values())), batch, p.cols(), p.rows()), GpuSupport.FP32);
            }
        });
    }

    @ParameterizedTest
    @ValueSource(strings = {"cusparse-sddmm", "cusparse-sddmm-col", "tuned"})
    void csrWeightGrad(String path) {
        forEachCsr(path, CudaCsr.WEIGHT_GRAD, (p, w, batch, seed) -> checkWeightGrad(p, batch, seed,
                (dy, x, dw, acc) -> CudaCsr.weightGrad(device, dy, x, w, dw, acc)));
    }

    interface Case {
        void run(SparsePattern p, DeviceSparse w, int batch, long seed);
    }

    interface WeightGrad {
        void run(DeviceBuffer dy, DeviceBuffer x, DeviceBuffer dw, boolean accumulate);
    }

    private static void forEachBsr(String path, String op, Case body) {
        GpuSupport.assumeLibrary(CudaLibrary.SPARSE);
        long seed = 10;
        List<String> skipped = new ArrayList<>();
        for (int[] c : BSR_CASES) {
            SparsePattern p = CpuReference.randomPattern(c[0], c[1], c[2], c[3], c[5] / 100.0, seed++);
            if (path.startsWith("cusparse") && !CudaBsr.cuSparseTakes(p)) {
                skipped.add(CudaBsr.key(p, c[4]) + ": not offered (cuSPARSE BSR needs square blocks)");
                seed++;
                continue;
            }
            runCaseOrSkip(path, op, p, c[4], seed++, body, skipped);
        }
        reportSkipped(path, op, skipped, BSR_CASES.length);
    }

    private static void forEachCsr(String path, String op, Case body) {
        GpuSupport.assumeLibrary(CudaLibrary.SPARSE);
        long seed = 20;
        List<String> skipped = new ArrayList<>();
        for (int[] c : CSR_CASES) {
            SparsePattern p = CpuReference.randomPattern(c[0], c[1], 1, 1, c[3] / 100.0, seed++);
            runCaseOrSkip(path, op, p, c[2], seed++, body, skipped);
        }
        reportSkipped(path, op, skipped, CSR_CASES.length);
    }

    /** A forced path this cuSPARSE lacks for one case skips that case only; the others still run. */
    private static void runCaseOrSkip(String path, String op, SparsePattern p, int batch, long seed, Case body,
                                      List<String> skipped) {
        try {
            runCase(path, op, p, batch, seed, body);
        } catch (TestAbortedException e) {
            skipped.add(CudaBsr.key(p, batch) + ": " + e.getMessage());
        }
    }

    private static void reportSkipped(String path, String op, List<String> skipped, int cases) {
        if (skipped.isEmpty()) {
            return;
        }
        String message = op + " via " + path + ", " + skipped.size() + " of " + cases + " cases skipped: " + skipped;
        Assumptions.assumeTrue(skipped.size() < cases, message);
        System.out.println(message);
    }

    private static void runCase(String path, String op, SparsePattern p, int batch, long seed, Case body) {
        if (!path.equals("tuned")) {
            device.tuner().force(op, path);
        }
        try (DeviceSparse w = DeviceSparse.upload(device, p, Fixtures.randomFloats(p.values(), seed))) {
            body.run(p, w, batch, seed + 1);
        }
        if (path.equals("tuned")) {
            System.out.println(op + " " + CudaBsr.key(p, batch) + ": " + device.tuner().decision(op, CudaBsr.key(p, batch)));
        }
    }

    private static void checkWeightGrad(SparsePattern p, int batch, long seed, WeightGrad op) {
        float[] dyv = Fixtures.randomFloats(batch * p.rows(), seed);
        float[] x = Fixtures.randomFloats(batch * p.cols(), seed + 1);
        float[] initial = Fixtures.randomFloats(p.values(), seed + 2);
        float[] grad = CpuReference.sparseWeightGrad(p, dyv, x, batch);
        float[] accumulated = grad.clone();
        for (int i = 0; i < grad.length; i++) {
            accumulated[i] += initial[i];
        }
        try (DeviceBuffer dy = device.upload(dyv, Shape.of(batch, p.rows()));
             DeviceBuffer dx = device.upload(x, Shape.of(batch, p.cols()));
             DeviceBuffer dw = device.upload(initial, DeviceSparse.valuesShape(p))) {
            GpuSupport.runOrSkipUnsupported(() -> op.run(dy, dx, dw, false));
            GpuSupport.assertRelativeError(device.download(dw), grad, GpuSupport.FP32);
            device.copyFromHost(initial, dw);
            op.run(dy, dx, dw, true);
            GpuSupport.assertRelativeError(device.download(dw), accumulated, GpuSupport.FP32);
        }
    }
}
