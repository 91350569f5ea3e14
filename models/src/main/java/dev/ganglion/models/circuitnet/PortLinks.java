package dev.ganglion.models.circuitnet;

import dev.ganglion.autodiff.Var;
import dev.ganglion.autodiff.nn.Module;
import dev.ganglion.engine.DType;
import dev.ganglion.engine.Shape;
import dev.ganglion.engine.Tensor;
import dev.ganglion.engine.io.IntType;
import dev.ganglion.engine.sparse.Bsr;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * CircuitNet's links from output ports to input ports: {@code weight [E, p, p]} ({@code M_e}) and the
 * buffer {@code edges [E, 2]} (I32 rows (source, target)), run on the BSR kernel.
 * NOTE: the product needs the edges sorted by (target, source); a state with another order is
 * sorted on load (each weight moving with its edge) and shown in its own order again: the state,
 * its gradients ({@code eval --grad}) and a saved checkpoint list the edges as they were given.
 * (An optimizer's moments follow the parameter, in the sorted order, which loading the same edges
 * again restores.)
 */
final class PortLinks extends Module {
    private final int units;
    private final int ports;
    private int[][] edges;
    /** Where each sorted edge came from in the order given ({@code sorted[e] = given[order[e]]}); null when already sorted. */
    private Integer[] givenOrder;
    private Bsr pattern;
    private final Var weight;

    PortLinks(int[][] edges, Tensor weight, int units, int ports) {
        this.units = units;
        this.ports = ports;
        Integer[] order = CircuitEdges.order(edges, units);
        this.edges = sorted(edges, order);
        this.givenOrder = unlessIdentity(order);
        this.pattern = CircuitEdges.pattern(this.edges, units, ports);
        this.weight = registerParameter("weight", permuted(weight, order));
    }

    private static Integer[] unlessIdentity(Integer[] order) {
        for (int e = 0; e < order.length; e++) {
            if (order[e] != e) {
                return order;
            }
        }
        return null;
    }

    /** {@code [E, p, p]} rows of the sorted order put back in the order given. */
    private Tensor inGivenOrder(Tensor sortedRows) {
        return givenOrder == null ? sortedRows : moveRows(sortedRows, givenOrder, false);
    }

    private int[][] givenEdges() {
        if (givenOrder == null) {
            return edges;
        }
        int[][] out = new int[edges.length][];
        for (int e = 0; e < edges.length; e++) {
            out[givenOrder[e]] = edges[e];
        }
        return out;
    }

    private static int[][] sorted(int[][] edges, Integer[] order) {
        int[][] out = new int[edges.length][];
        for (int e = 0; e < edges.length; e++) {
            out[e] = edges[order[e]].clone();
        }
        return out;
    }

    private Tensor permuted(Tensor w, Integer[] order) {
        if (!w.shape().equals(Shape.of(order.length, ports, ports))) {
            throw new IllegalArgumentException("circuitnet: ports.weight of shape " + w.shape() + "; expected ["
                    + order.length + ", " + ports + ", " + ports + "]");
        }
        return moveRows(w, order, true);
    }

    /** Row {@code e} of the result is row {@code order[e]} of {@code w} ({@code gather}), or the other way round. */
    private Tensor moveRows(Tensor w, Integer[] order, boolean gather) {
        float[] src = w.to(DType.F32).contiguous().toFloatArray();
        float[] dst = new float[src.length];
        int b = ports * ports;
        for (int e = 0; e < order.length; e++) {
            System.arraycopy(src, (gather ? order[e] : e) * b, dst, (gather ? e : order[e]) * b, b);
        }
        return Tensor.wrap(dst, w.shape());
    }

    Var weight() {
        return weight;
    }

    Bsr pattern() {
        return pattern;
    }

    int[][] edges() {
        return edges.clone();
    }

    @Override
    protected Map<String, Tensor> ownState() {
        Map<String, Tensor> s = new LinkedHashMap<>();
        s.put("weight", inGivenOrder(weight.value()));
        s.put("edges", CircuitEdges.tensor(givenEdges()));
        return s;
    }

    @Override
    protected Map<String, Tensor> ownStateGradients() {
        return weight.requiresGrad() ? Map.of("weight", inGivenOrder(weight.gradOrZeros())) : Map.of();
    }

    @Override
    protected Map<String, IntType> ownIntTypes() {
        return Map.of("edges", IntType.I32);
    }

    @Override
    protected void checkOwnState(Map<String, Tensor> entries, List<String> errors) {
        Tensor e = entries.get("edges");
        if (e != null) {
            try {
                CircuitEdges.order(CircuitEdges.rows(e), units);
            } catch (IllegalArgumentException ex) {
                errors.add(ex.getMessage());
            }
        }
    }

    @Override
    protected void loadOwnState(Map<String, Tensor> entries) {
        int[][] given = entries.containsKey("edges") ? CircuitEdges.rows(entries.get("edges")) : givenEdges();
        Tensor w = entries.containsKey("weight") ? entries.get("weight") : inGivenOrder(weight.value());
        Integer[] order = CircuitEdges.order(given, units);
        edges = sorted(given, order);
        givenOrder = unlessIdentity(order);
        pattern = CircuitEdges.pattern(edges, units, ports);
        weight.value().copyFrom(permuted(w, order));
    }
}
