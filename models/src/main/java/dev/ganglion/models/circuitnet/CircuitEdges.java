package dev.ganglion.models.circuitnet;

import dev.ganglion.engine.DType;
import dev.ganglion.engine.Rng;
import dev.ganglion.engine.Shape;
import dev.ganglion.engine.Tensor;
import dev.ganglion.engine.sparse.Bsr;
import java.util.Arrays;

/**
 * The sparse CMU graph: edges {@code (source, target)} sorted by (target, source), and the port-link
 * matrix as a {@link Bsr} of {@code p×p} blocks over {@code [C·p, C·p]}: block (target c, source s)
 * is {@code M_e}, so {@code Inter = X_out·Wᵀ} with {@code X_out [B, C·p]} the out-ports.
 * NOTE: BSR stores blocks row-major by (block-row, block-column) = (target, source): the edge order,
 * so {@code ports.weight [E, p, p]} is the BSR values tensor as it is.
 */
final class CircuitEdges {
    private CircuitEdges() {}

    /**
     * For each target c ascending, {@code inDegree} distinct sources ≠ c (a seeded permutation of the
     * other CMUs, its first k), sorted; rows {@code [E][2]} = (source, target).
     */
    static int[][] draw(int units, int inDegree, Rng rng) {
        int[][] edges = new int[units * inDegree][];
        int e = 0;
        for (int c = 0; c < units; c++) {
            int[] perm = rng.permutation(units - 1);
            int[] picked = new int[inDegree];
            for (int i = 0; i < inDegree; i++) {
                picked[i] = perm[i] < c ? perm[i] : perm[i] + 1; // the others, skipping c
            }
            Arrays.sort(picked);
            for (int s : picked) {
                edges[e++] = new int[] {s, c};
            }
        }
        return edges;
    }

    /**
     * The order that sorts {@code edges} by (target, source); checks range, uniqueness and the graph
     * of models.md: no self-links, and every CMU the target of as many links as every other.
     */
    static Integer[] order(int[][] edges, int units) {
        Integer[] order = new Integer[edges.length];
        int[] inDegree = new int[units];
        for (int e = 0; e < edges.length; e++) {
            order[e] = e;
            for (int v : edges[e]) {
                if (v < 0 || v >= units) {
                    throw new IllegalArgumentException("circuitnet: ports.edges row " + e + " = "
                            + Arrays.toString(edges[e]) + " names a CMU outside [0, " + units + ")");
                }
            }
            if (edges[e][0] == edges[e][1]) {
                throw new IllegalArgumentException("circuitnet: ports.edges row " + e + " = " + Arrays.toString(edges[e])
                        + " links a CMU to itself; the CMU graph has no self-links");
            }
            inDegree[edges[e][1]]++;
        }
        for (int c = 0; c < units; c++) {
            if (inDegree[c] != edges.length / units || edges.length % units != 0) {
                throw new IllegalArgumentException("circuitnet: ports.edges gives CMU " + c + " " + inDegree[c]
                        + " incoming links of " + edges.length + " for " + units + " CMUs; each CMU receives in_degree links");
            }
        }
        Arrays.sort(order, (a, b) -> edges[a][1] != edges[b][1] ? Integer.compare(edges[a][1], edges[b][1])
                : Integer.compare(edges[a][0], edges[b][0]));
        for (int i = 1; i < order.length; i++) {
            if (Arrays.equals(edges[order[i]], edges[order[i - 1]])) {
                throw new IllegalArgumentException("circuitnet: ports.edges lists " + Arrays.toString(edges[order[i]])
                        + " twice");
            }
        }
        return order;
    }

    /** The BSR pattern of sorted edges (zero values). */
    static Bsr pattern(int[][] sorted, int units, int ports) {
        int[] rowPtr = new int[units + 1];
        int[] colIdx = new int[sorted.length];
        for (int e = 0; e < sorted.length; e++) {
            rowPtr[sorted[e][1] + 1]++;
            colIdx[e] = sorted[e][0];
        }
        for (int c = 0; c < units; c++) {
            rowPtr[c + 1] += rowPtr[c];
        }
        int n = units * ports;
        return Bsr.of(n, n, ports, ports, rowPtr, colIdx, Tensor.zeros(Shape.of(sorted.length, ports, ports), DType.F32));
    }

    /** {@code [E, 2]} rows as a float tensor of their values (an I32 buffer in files). */
    static Tensor tensor(int[][] edges) {
        int[] flat = new int[edges.length * 2];
        for (int e = 0; e < edges.length; e++) {
            flat[2 * e] = edges[e][0];
            flat[2 * e + 1] = edges[e][1];
        }
        return Tensor.ofInts(flat, Shape.of(edges.length, 2));
    }

    /** The rows of an {@code [E, 2]} tensor, whose values must be whole numbers. */
    static int[][] rows(Tensor t) {
        if (t.rank() != 2 || t.dim(1) != 2) {
            throw new IllegalArgumentException("circuitnet: ports.edges of shape " + t.shape() + "; expected [E, 2]");
        }
        double[] d = t.contiguous().toDoubleArray();
        int[][] out = new int[t.dim(0)][];
        for (int e = 0; e < out.length; e++) {
            double s = d[2 * e];
            double c = d[2 * e + 1];
            if (s != Math.rint(s) || c != Math.rint(c) || Math.abs(s) > Integer.MAX_VALUE || Math.abs(c) > Integer.MAX_VALUE) {
                throw new IllegalArgumentException("circuitnet: ports.edges row " + e + " = [" + s + ", " + c
                        + "] is not a whole CMU index");
            }
            out[e] = new int[] {(int) s, (int) c};
        }
        return out;
    }
}
