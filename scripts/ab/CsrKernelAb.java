import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import jdk.incubator.vector.FloatVector;

/**
 * Times two builds of the SIMD CSR kernel ({@code dev.ganglion.engine.simd.SimdCsr}) against each
 * other in one JVM: each build's engine classes through its own class loader, the two called in
 * turn on the same panels (which of the two goes first alternates), and the figure the median of
 * the paired ratios. Separate runs on a shared host drift by 5–10 % between them; paired in one JVM
 * the ratio settles to 1–2 %. The outputs of the two builds are compared bit for bit.
 *
 * <p>Usage: {@code java --add-modules jdk.incubator.vector scripts/ab/CsrKernelAb.java BASE_TREE
 * NEW_TREE [rows cols density batch calls]} (a source-file program; the launcher compiles {@code
 * Paired.java} from the same folder). Each tree is a checkout with {@code engine/target/classes}
 * built; {@code scripts/kernel-ab.sh} builds a commit's tree and runs this. Defaults: a G2GNet hidden
 * layer's off-diagonal part at batch 64 (1,024 × 1,024, 13.4 % of the entries, batch 64), 2,000 calls
 * per kernel of which the second half counts.
 */
public final class CsrKernelAb {
    private static final String KERNEL = "dev.ganglion.engine.simd.SimdCsr";

    public static void main(String[] args) throws Exception {
        if (args.length != 2 && args.length != 7) {
            System.err.println("usage: CsrKernelAb BASE_TREE NEW_TREE [rows cols density batch calls]");
            System.exit(2);
        }
        int rows = args.length > 2 ? Integer.parseInt(args[2]) : 1024;
        int cols = args.length > 2 ? Integer.parseInt(args[3]) : 1024;
        double density = args.length > 2 ? Double.parseDouble(args[4]) : 0.134;
        int batch = args.length > 2 ? Integer.parseInt(args[5]) : 64;
        int calls = args.length > 2 ? Integer.parseInt(args[6]) : 2000;
        int ld = (batch + 15) / 16 * 16;

        Random r = new Random(1);
        int[] ptr = new int[rows + 1];
        List<Integer> entries = new ArrayList<>();
        for (int q = 0; q < rows; q++) {
            for (int c = 0; c < cols; c++) {
                if (r.nextDouble() < density) {
                    entries.add(c);
                }
            }
            ptr[q + 1] = entries.size();
        }
        int[] idx = entries.stream().mapToInt(Integer::intValue).toArray();
        float[] v = new float[idx.length];
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) r.nextGaussian();
        }
        MemorySegment source = panel(cols, ld, r);   // X in the forward, dY in the backward
        MemorySegment rowsPanel = panel(rows, ld, r); // the row operand of the SDDMMs

        storeIntoAByteArraySegment();
        Build[] builds = {new Build(Path.of(args[0])), new Build(Path.of(args[1]))};
        System.out.printf("%d×%d, %d entries (%.1f %%), batch %d; %s against %s, %d calls each%n", rows, cols,
                idx.length, 100.0 * idx.length / ((double) rows * cols), batch, args[1], args[0], calls);
        for (String op : List.of("spmm", "spmmSddmm", "sddmm")) {
            long[][] nanos = new long[2][calls];
            for (int i = 0; i < calls; i++) {
                for (int turn = 0; turn < 2; turn++) {
                    int b = (i + turn) % 2; // who goes first alternates
                    long t0 = System.nanoTime();
                    builds[b].run(op, rows, ptr, idx, v, source, rowsPanel, ld);
                    nanos[b][i] = System.nanoTime() - t0;
                }
            }
            String same = builds[0].sameOutputs(builds[1]) ? "same bits" : "OUTPUTS DIFFER";
            System.out.printf("%-10s %s; %s%n", op, Paired.report(nanos, 1e3, "µs"), same);
        }
    }

    /**
     * Leaves {@code FloatVector.intoMemorySegment}'s type profile as a training run does: while the
     * exponential and the logarithm are not yet compiled, the JDK's reinterpret fallback stores their
     * vectors into byte-array segments, so C2 later compiles every float store into a native segment
     * with a dispatch on the segment's class. A kernel storing through that path timed 0.88 of the
     * array version here without this warm-up and 1.44 with it, while it made the step 8 % slower
     * ({@code Simd}'s note on stores).
     */
    private static void storeIntoAByteArraySegment() {
        FloatVector one = FloatVector.broadcast(FloatVector.SPECIES_PREFERRED, 1f);
        MemorySegment heap = MemorySegment.ofArray(new byte[one.byteSize()]);
        MemorySegment off = Arena.ofAuto().allocate(one.byteSize(), 64);
        for (int i = 0; i < 200_000; i++) {
            one.intoMemorySegment(i % 3 == 0 ? heap : off, 0, ByteOrder.nativeOrder());
        }
    }

    private static MemorySegment panel(int n, int ld, Random r) {
        MemorySegment p = Arena.ofAuto().allocate((long) n * ld * Float.BYTES, 64);
        for (long i = 0; i < (long) n * ld; i++) {
            p.setAtIndex(ValueLayout.JAVA_FLOAT, i, (float) r.nextGaussian());
        }
        return p;
    }

    /** One tree's kernel, its methods found by reflection, and its own output buffers. */
    private static final class Build {
        private final Object kernel;
        private final Method spmm;
        private final Method spmmSddmm;
        private final Method sddmm;
        private MemorySegment out;
        private float[] dots;

        Build(Path tree) throws Exception {
            Class<?> c = Paired.loader(tree, List.of("engine")).loadClass(KERNEL);
            kernel = c.getConstructor().newInstance();
            Class<?> seg = MemorySegment.class;
            spmm = c.getMethod("spmm", int.class, int.class, int[].class, int[].class, float[].class, int.class, seg,
                    seg, int.class);
            spmmSddmm = c.getMethod("spmmSddmm", int.class, int.class, int[].class, int[].class, float[].class, int.class,
                    seg, seg, seg, int.class, float[].class, int.class);
            sddmm = c.getMethod("sddmm", int.class, int.class, int[].class, int[].class, seg, seg, int.class,
                    float[].class, int.class, boolean.class);
        }

        void run(String op, int rows, int[] ptr, int[] idx, float[] v, MemorySegment source, MemorySegment rowsPanel,
                 int ld) throws IllegalAccessException, InvocationTargetException {
            if (out == null) {
                out = Arena.ofAuto().allocate(rowsPanel.byteSize(), 64);
                dots = new float[idx.length];
            }
            switch (op) {
                case "spmm" -> spmm.invoke(kernel, 0, rows, ptr, idx, v, 0, source, out, ld);
                case "spmmSddmm" -> spmmSddmm.invoke(kernel, 0, rows, ptr, idx, v, 0, source, rowsPanel, out, ld, dots, 0);
                default -> sddmm.invoke(kernel, 0, rows, ptr, idx, rowsPanel, source, ld, dots, 0, false);
            }
        }

        boolean sameOutputs(Build other) {
            return out.mismatch(other.out) == -1 && Arrays.equals(dots, other.dots);
        }
    }
}
