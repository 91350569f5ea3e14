package dev.ganglion.models.circuitnet;

import dev.ganglion.autodiff.Var;
import dev.ganglion.autodiff.nn.Module;
import dev.ganglion.engine.Tensor;

/**
 * The parameters of all CMUs ({@code cmu.*}): {@code linear, product [C, N, N]},
 * {@code query, key, value, bias [C, N]}; a switched-off term's parameters are absent (null).
 */
final class CircuitUnits extends Module {
    final Var linear;
    final Var product;
    final Var query;
    final Var key;
    final Var value;
    final Var bias;

    CircuitUnits(Tensor linear, Tensor product, Tensor query, Tensor key, Tensor value, Tensor bias) {
        this.linear = linear == null ? null : registerParameter("linear", linear);
        this.product = product == null ? null : registerParameter("product", product);
        this.query = query == null ? null : registerParameter("query", query);
        this.key = key == null ? null : registerParameter("key", key);
        this.value = value == null ? null : registerParameter("value", value);
        this.bias = registerParameter("bias", bias);
    }
}
