package dev.ganglion.autodiff;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.ganglion.engine.Tensor;
import org.junit.jupiter.api.Test;

/**
 * Second and third derivatives against PyTorch 1.13's {@code torch.autograd.grad(...,
 * create_graph=True)} ({@code src/test/python/grad_graph_values.py}, float64): a Hessian-vector
 * product of a small network's loss, an input-gradient penalty differentiated w.r.t. the
 * parameters, and a third derivative. The network runs linear, layer norm with a weight, the tanh
 * gelu, softplus, a matmul and the fused cross-entropy, so each of their rules is differentiated.
 */
class GradGraphTorchTest {
    private static final int[] TARGETS = {2, 0, 1, 2};

    @Test
    void hessianVectorProductOfANetworksLossMatchesTorch() {
            double[] hvW1 = {-0.0776973107202762, 0.03269597022261628, 0.15678329835946342, 0.003973841511310949,
                    -0.017570746542801666, -0.04443473077947175, 0.018333780922125988, -0.07560401885690186,
                    0.0018204653249088505, -0.0633997063006322, 0.05111334044317265, 0.05049219849879686,
                    0.1187893945874715, 0.009365454733914565, -0.16466123140369737};
            double[] hvB1 = {0.23438717536960008, -0.050743081335932375, 0.14624624789897575, -0.0011732681171542983,
                    -0.32871707381548915};
            double[] hvG1 = {0.04813051415661109, 0.008580134272779247, 0.13621821770899167, -0.17150738385492692,
                    -0.020608098536114203};
            double[] hvW2 = {-0.052108567793962994, -0.025341547927469746, -0.03368127075661187, 0.1250282005676488,
                    -0.012575763960172385, 0.13662345958337582, -0.06036921690834689, 0.12835371494027137,
                    0.011884982843649694, 0.10120360290658498, -0.08451489178941285, 0.0857107648358166,
                    -0.09467244418365951, -0.13691318341129852, -0.0886278389464126};
        Var[] params = params();
        Var loss = loss(input(false), params);
        assertThat(loss.item()).isCloseTo(1.0933085240832185, within(1e-14));
        Var[] grads = Autodiff.gradGraph(loss, params);
        Var dot = null;
        for (int i = 0; i < grads.length; i++) {
            Var term = grads[i].mul(Var.constant(ramp(13, 2 + i, 1, params[i].shape().dims()))).sum();
            dot = dot == null ? term : dot.add(term);
        }
        Tensor[] hv = Autodiff.grad(dot, params);
        assertClose(hv, hvW1, hvB1, hvG1, hvW2);
    }

    @Test
    void inputGradientPenaltyDifferentiatedWrtTheParametersMatchesTorch() {
            double[] penW1 = {0.047266847116926566, -0.03842113786095088, -0.07813890944413282, 0.055856076061225286,
                    -0.00335899957280872, -0.06370103650011066, 0.044489870149003526, 0.016458810133223686,
                    -0.023317414768447946, 0.022325806377852423, -0.027490658966219897, -0.05618730080975904,
                    -0.1699385997050079, 0.052811986266755796, 0.22134466152245055};
            double[] penB1 = {-0.10681313815181218, -0.10643505543354499, -0.07309366054038446, -0.07331327272943325,
                    0.35965512685517503};
            double[] penG1 = {-0.013470676870435273, -0.045052718666027, 0.06500610652938037, 0.08749307815086393,
                    0.041242280473066315};
            double[] penW2 = {-0.025488323985232597, 0.022445917907267906, -0.09617963335367975, -0.19224688029539203,
                    -0.03168343052714288, 0.00589936808269282, -0.024971665621037392, 0.09421760016065761,
                    0.1935139038546392, -0.0474018978157342, 0.019588955902539784, 0.0025257477137695383,
                    0.001962033193022185, -0.0012670235592471537, 0.0790853283428771};
        Var x = input(true);
        Var[] params = params();
        Var loss = loss(x, params);
        Var gx = Autodiff.gradGraph(loss, x)[0];
        Var total = loss.add(gx.mul(gx).sum());
        assertThat(total.item()).isCloseTo(1.1083189799138389, within(1e-14));
        assertClose(Autodiff.grad(total, params), penW1, penB1, penG1, penW2);
    }

    @Test
    void thirdDerivativeMatchesTorch() {
            double[] third = {0.0694917434062796, -0.8611924954027361, 0.4242584253740779, -0.1726470901049016,
                    3.8252449043732235, -2.0511368279049327};
        Var x = Var.parameter(ramp(5, 3, 4, 6));
        Var y = x.sin().mul(x.exp()).div(x.square().addScalar(1)).sum();
        Var d1 = Autodiff.gradGraph(y, x)[0];
        Var d2 = Autodiff.gradGraph(d1.sum(), x)[0];
        Tensor d3 = Autodiff.grad(d2.sum(), x)[0];
        for (int i = 0; i < third.length; i++) {
            assertThat(d3.get(i)).as("d³/dx³ at element " + i).isCloseTo(third[i], within(1e-12 * (1 + Math.abs(third[i]))));
        }
    }

    /** The script's {@code ramp}: {@code (((a·k + b) mod 17)/17 − 0.5)·scale} over the flat index k. */
    private static Tensor ramp(int a, int b, double scale, int... dims) {
        int n = 1;
        for (int d : dims) {
            n *= d;
        }
        double[] v = new double[n];
        for (int k = 0; k < n; k++) {
            v[k] = (((a * k + b) % 17) / 17.0 - 0.5) * scale;
        }
        return Tensor.of(v, dims);
    }

    private static Var input(boolean requiresGrad) {
        return Var.of(ramp(3, 5, 3, 4, 3), requiresGrad);
    }

    /** w1 [5, 3], b1 [5], the layer norm's weight g1 [5], w2 [3, 5]. */
    private static Var[] params() {
        Tensor g1 = dev.ganglion.engine.ops.Elementwise.addScalar(ramp(7, 4, 1, 5), 1);
        return new Var[] {Var.parameter(ramp(5, 2, 2, 5, 3)), Var.parameter(ramp(3, 1, 1, 5)), Var.parameter(g1),
                Var.parameter(ramp(11, 6, 2, 3, 5))};
    }

    private static Var loss(Var x, Var[] p) {
        Var h = LinalgOps.linear(x, p[0], p[1]);
        h = ReductionOps.layerNorm(h, new int[] {5}, p[2], null, 1e-5);
        h = PointwiseOps.softplus(PointwiseOps.gelu(h, Gelu.TANH));
        return LossOps.crossEntropyWithLogits(h.matmul(ViewOps.mT(p[3])), TARGETS);
    }

    private static void assertClose(Tensor[] actual, double[]... expected) {
        for (int i = 0; i < expected.length; i++) {
            double[] a = actual[i].contiguous().toDoubleArray();
            assertThat(a).as("parameter " + i).hasSameSizeAs(expected[i]);
            for (int j = 0; j < a.length; j++) {
                assertThat(a[j]).as("parameter " + i + " element " + j)
                        .isCloseTo(expected[i][j], within(1e-12 * (1 + Math.abs(expected[i][j]))));
            }
        }
    }
}
