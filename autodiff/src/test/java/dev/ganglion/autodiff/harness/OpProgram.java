package dev.ganglion.autodiff.harness;

import dev.ganglion.autodiff.Gelu;
import dev.ganglion.autodiff.IndexOps;
import dev.ganglion.autodiff.LinalgOps;
import dev.ganglion.autodiff.PointwiseOps;
import dev.ganglion.autodiff.ReductionOps;
import dev.ganglion.autodiff.Var;
import dev.ganglion.autodiff.ViewOps;
import dev.ganglion.autodiff.nn.Losses;
import dev.ganglion.autodiff.nn.Reduction;
import dev.ganglion.engine.DType;
import dev.ganglion.engine.Shape;
import dev.ganglion.engine.Tensor;
import dev.ganglion.engine.sparse.BlockDiagonal;
import dev.ganglion.engine.sparse.Bsr;
import dev.ganglion.engine.sparse.Csr;
import dev.ganglion.engine.sparse.SparseMatrix;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;

/**
 * Runs a straight-line op program of {@code src/test/python/op_programs.py} on Ganglion's autodiff:
 * one instruction per line, {@code NAME OP ARG...}. The loss is {@code L = Σₖ Σᵢ Wₖ[i]·vₖ[i]} over
 * every value made, with {@code Wₖ[i] = sin(0.5 + 0.7·i + 1.3·k)} (as the script), and
 * {@link #run} returns each value and, after {@code L.backward()}, each input's gradient.
 */
final class OpProgram {
    private OpProgram() {}

    /**
     * The values {@code vK} and the gradients {@code grad.inJ} (zeros where an input does not reach
     * the loss); {@code data} gives the inputs and conditions by name.
     */
    static Map<String, Tensor> run(String program, Function<String, Tensor> data) {
        Map<String, Var> vals = new LinkedHashMap<>();
        Map<String, Var> inputs = new LinkedHashMap<>();
        List<String> made = new ArrayList<>();
        for (String line : program.split("\n")) {
            String[] t = line.split(" ");
            Var y;
            try {
                y = t[1].equals("input") ? Var.parameter(data.apply(t[0])) : apply(t, vals, data);
            } catch (RuntimeException e) {
                throw new IllegalStateException("'" + line + "' failed: " + e.getMessage(), e);
            }
            vals.put(t[0], y);
            if (t[1].equals("input")) {
                inputs.put(t[0], y);
            } else {
                made.add(t[0]);
            }
        }
        Var loss = null;
        for (int k = 0; k < made.size(); k++) {
            Var v = vals.get(made.get(k));
            Var term = v.mul(Var.constant(weights(k, v.shape(), v.dtype()))).sum();
            loss = loss == null ? term : loss.add(term);
        }
        loss.backward();
        Map<String, Tensor> out = new LinkedHashMap<>();
        for (String v : made) {
            out.put(v, vals.get(v).value());
        }
        inputs.forEach((name, x) -> out.put("grad." + name, x.grad() != null ? x.grad() : x.value().newZeros(x.shape())));
        return out;
    }

    static Tensor weights(int k, Shape shape, DType dtype) {
        double[] w = new double[shape.size()];
        for (int i = 0; i < w.length; i++) {
            w[i] = Math.sin(0.5 + 0.7 * i + 1.3 * k);
        }
        return Tensor.wrap(w, shape).to(dtype);
    }

    private static Var apply(String[] t, Map<String, Var> vals, Function<String, Tensor> data) {
        Var a = t.length > 2 ? vals.get(t[2]) : null;
        return switch (t[1]) {
            case "neg" -> PointwiseOps.neg(a);
            case "exp" -> PointwiseOps.exp(a);
            case "log" -> PointwiseOps.log(a);
            case "sqrt" -> PointwiseOps.sqrt(a);
            case "tanh" -> PointwiseOps.tanh(a);
            case "sigmoid" -> PointwiseOps.sigmoid(a);
            case "relu" -> PointwiseOps.relu(a);
            case "silu" -> PointwiseOps.silu(a);
            case "sin" -> PointwiseOps.sin(a);
            case "cos" -> PointwiseOps.cos(a);
            case "abs" -> PointwiseOps.abs(a);
            case "square" -> PointwiseOps.square(a);
            case "reciprocal" -> PointwiseOps.reciprocal(a);
            case "log1p" -> PointwiseOps.log1p(a);
            case "expm1" -> PointwiseOps.expm1(a);
            case "erf" -> PointwiseOps.erf(a);
            case "gelu" -> PointwiseOps.gelu(a);
            case "geluTanh" -> PointwiseOps.gelu(a, Gelu.TANH);
            case "softplus" -> PointwiseOps.softplus(a, real(t[3]), real(t[4]));
            case "leakyRelu" -> PointwiseOps.leakyRelu(a, real(t[3]));
            case "elu" -> PointwiseOps.elu(a, real(t[3]));
            case "layerNorm" -> ReductionOps.layerNorm(a, ints(t[3]), optional(t[4], vals), optional(t[5], vals), real(t[6]));
            case "clamp" -> PointwiseOps.clamp(a, real(t[3]), real(t[4]));
            case "pow" -> PointwiseOps.pow(a, real(t[3]));
            case "scale" -> PointwiseOps.scale(a, real(t[3]));
            case "addScalar" -> PointwiseOps.addScalar(a, real(t[3]));
            case "add" -> PointwiseOps.add(a, vals.get(t[3]));
            case "sub" -> PointwiseOps.sub(a, vals.get(t[3]));
            case "mul" -> PointwiseOps.mul(a, vals.get(t[3]));
            case "div" -> PointwiseOps.div(a, vals.get(t[3]));
            case "maximum" -> PointwiseOps.maximum(a, vals.get(t[3]));
            case "minimum" -> PointwiseOps.minimum(a, vals.get(t[3]));
            case "powv" -> PointwiseOps.pow(a, vals.get(t[3]));
            case "transpose" -> ViewOps.transpose(a, integer(t[3]), integer(t[4]));
            case "permute" -> ViewOps.permute(a, ints(t[3]));
            case "mT" -> ViewOps.mT(a);
            case "slice" -> ViewOps.slice(a, integer(t[3]), integer(t[4]), integer(t[5]), integer(t[6]));
            case "select" -> ViewOps.select(a, integer(t[3]), integer(t[4]));
            case "unsqueeze" -> ViewOps.unsqueeze(a, integer(t[3]));
            case "squeeze" -> ViewOps.squeeze(a, integer(t[3]));
            case "expand" -> ViewOps.expand(a, ints(t[3]));
            case "reshape" -> ViewOps.reshape(a, ints(t[3]));
            case "sum" -> ReductionOps.sum(a);
            case "mean" -> ReductionOps.mean(a);
            case "sumAxes" -> ReductionOps.sum(a, integer(t[3]) == 1, ints(t[4]));
            case "meanAxes" -> ReductionOps.mean(a, integer(t[3]) == 1, ints(t[4]));
            case "max" -> ReductionOps.max(a, integer(t[3]), integer(t[4]) == 1);
            case "min" -> ReductionOps.min(a, integer(t[3]), integer(t[4]) == 1);
            case "logsumexp" -> ReductionOps.logsumexp(a, integer(t[3]), integer(t[4]) == 1);
            case "softmax" -> ReductionOps.softmax(a, integer(t[3]));
            case "logSoftmax" -> ReductionOps.logSoftmax(a, integer(t[3]));
            case "matmul" -> LinalgOps.matmul(a, vals.get(t[3]));
            case "linear" -> LinalgOps.linear(a, vals.get(t[3]), optional(t[4], vals));
            case "concat" -> IndexOps.concat(integer(t[2]),
                    Arrays.stream(t, 3, t.length).map(vals::get).toArray(Var[]::new));
            case "split" -> IndexOps.split(a, integer(t[3]), ints(t[4]))[integer(t[5])];
            case "indexSelect" -> IndexOps.indexSelect(a, integer(t[3]), ints(t[4]));
            case "gather" -> IndexOps.gather(a, integer(t[3]), ints(t[4]), Shape.of(ints(t[5])));
            case "scatterAdd" -> IndexOps.scatterAdd(a, integer(t[3]), ints(t[4]), Shape.of(ints(t[5])), vals.get(t[6]));
            case "where" -> PointwiseOps.where(data.apply(t[2]), vals.get(t[3]), vals.get(t[4]));
            case "sparse" -> LinalgOps.sparseLinear(vals.get(t[3]), pattern(t, data, vals.get(t[4])),
                    vals.get(t[4]));
            case "mse" -> Losses.mse(a, vals.get(t[3]), reduction(t[4]));
            case "bce" -> Losses.bceWithLogits(a, vals.get(t[3]), reduction(t[4]));
            case "ce" -> Losses.crossEntropyWithLogits(a, ints(t[4]), reduction(t[3]));
            default -> throw new IllegalArgumentException("unknown op " + t[1]);
        };
    }

    /** {@code sparse csr x values MASK}, {@code sparse bsr x values R C MASK} or {@code sparse bd x values}. */
    private static SparseMatrix pattern(String[] t, Function<String, Tensor> data, Var values) {
        DType dtype = values.dtype();
        return switch (t[2]) {
            case "csr" -> Csr.fromMask(data.apply(t[5]), dtype);
            case "bsr" -> Bsr.fromBlockMask(data.apply(t[7]), integer(t[5]), integer(t[6]), dtype);
            case "bd" -> BlockDiagonal.zeros(values.dim(0), values.dim(0) * values.dim(1), values.dim(0) * values.dim(2),
                    dtype);
            default -> throw new IllegalArgumentException("unknown sparse format " + t[2]);
        };
    }

    /** The value named {@code s}, or null for {@code none} (an absent weight or bias). */
    private static Var optional(String s, Map<String, Var> vals) {
        return s.equals("none") ? null : vals.get(s);
    }

    private static int integer(String s) {
        return Integer.parseInt(s);
    }

    private static double real(String s) {
        return Double.parseDouble(s);
    }

    private static int[] ints(String list) {
        String body = list.substring(1, list.length() - 1);
        return body.isEmpty() ? new int[0] : Arrays.stream(body.split(",")).mapToInt(Integer::parseInt).toArray();
    }

    private static Reduction reduction(String s) {
        return Reduction.valueOf(s.toUpperCase(Locale.ROOT));
    }
}
