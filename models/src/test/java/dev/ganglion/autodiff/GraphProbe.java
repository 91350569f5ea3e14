package dev.ganglion.autodiff;

import dev.ganglion.engine.Shape;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;

/**
 * Test-only view of a recorded graph (lives in the autodiff package to read the package-private
 * node links): every op behind a result, with its inputs' shapes, so a test can assert which kernels
 * a model's forward ran.
 */
public final class GraphProbe {
    private GraphProbe() {}

    /** One recorded op application. */
    public record Recorded(Op op, List<Shape> inputShapes) {}

    /** Every node reachable from {@code out} (each once), in no particular order. */
    public static List<Recorded> ops(Var out) {
        List<Recorded> found = new ArrayList<>();
        Set<Node> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        Deque<Var> todo = new ArrayDeque<>();
        todo.push(out);
        while (!todo.isEmpty()) {
            Var v = todo.pop();
            Node n = v.node;
            if (n == null || !seen.add(n)) {
                continue;
            }
            List<Shape> shapes = new ArrayList<>();
            for (Var in : n.inputs) {
                shapes.add(in.shape());
                todo.push(in);
            }
            found.add(new Recorded(n.op, shapes));
        }
        return found;
    }
}
