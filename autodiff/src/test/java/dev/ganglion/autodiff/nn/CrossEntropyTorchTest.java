package dev.ganglion.autodiff.nn;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ganglion.autodiff.Var;
import dev.ganglion.engine.Shape;
import dev.ganglion.engine.Tensor;
import org.junit.jupiter.api.Test;

/**
 * {@link Losses#crossEntropyWithLogits(Var, int[], CrossEntropyOptions)} against PyTorch 1.13's
 * {@code F.cross_entropy} in float64: values and logit gradients printed by
 * {@code src/test/python/cross_entropy_values.py}. The inputs are exact in both languages (logits
 * {@code ((37k + 11) mod 101)/101·8 − 4} over the flat index, NONE seeded with
 * {@code ((11j + 3) mod 13)/6 − 1}); a gradient of more than 64 elements is compared through two
 * fixed integer projections, smaller ones element by element as well.
 */
class CrossEntropyTorchTest {
    private static final double NaN = Double.NaN;

    /** PyTorch's class weights of the script: {@code ((3c + 1) mod 7)/4}, zero for c = 2, 9, 16, .... */
    private static Tensor weights(int classes) {
        double[] w = new double[classes];
        for (int c = 0; c < classes; c++) {
            w[c] = ((3 * c + 1) % 7) / 4.0;
        }
        return Tensor.wrap(w, Shape.of(classes));
    }

    private static void run(int[] shape, int[] targets, CrossEntropyOptions options, double[] values, double[] gradient,
            double projection1, double projection2) {
        Shape s = Shape.of(shape);
        double[] x = new double[s.size()];
        for (int k = 0; k < x.length; k++) {
            x[k] = ((k * 37 + 11) % 101) / 101.0 * 8 - 4;
        }
        Var z = Var.parameter(Tensor.wrap(x, s));
        Var loss = Losses.crossEntropyWithLogits(z, targets, options);
        String what = s + " " + options;
        if (options.reduction() == Reduction.NONE) {
            double[] g = new double[loss.size()];
            for (int j = 0; j < g.length; j++) {
                g[j] = ((j * 11 + 3) % 13) / 6.0 - 1;
            }
            loss.backward(Tensor.wrap(g, loss.shape()));
        } else {
            loss.backward();
        }
        assertClose(loss.value().toDoubleArray(), values, what + " value");
        double[] dz = z.grad().toDoubleArray();
        if (gradient.length == dz.length) {
            assertClose(dz, gradient, what + " gradient");
        }
        double p1 = 0;
        double p2 = 0;
        for (int k = 0; k < dz.length; k++) {
            p1 += ((k * 7 + 1) % 11 - 5) * dz[k];
            p2 += ((k * 5 + 3) % 9 - 4) * dz[k];
        }
        assertClose(new double[] {p1, p2}, new double[] {projection1, projection2}, what + " gradient projections");
    }

    /** {@code |a − e| ≤ 1e-12·(1 + |e|)}; NaN must meet NaN; −0 and 0 are not told apart. */
    private static void assertClose(double[] actual, double[] expected, String what) {
        assertThat(actual).as(what).hasSize(expected.length);
        for (int i = 0; i < expected.length; i++) {
            double a = actual[i];
            double e = expected[i];
            boolean ok = Double.isNaN(e) ? Double.isNaN(a) : Math.abs(a - e) <= 1e-12 * (1 + Math.abs(e));
            assertThat(ok).as("%s[%d] is %s, PyTorch %s", what, i, a, e).isTrue();
        }
    }

    /** Class weights under each reduction, C = 7 and 33, N = 1 and 17 (weights(C) has zeros at c = 2, 9, 16, ...). */
    @Test
    void classWeightsScaleEachTermAndMeanDividesByTheirSum() {
        run(new int[] {17, 7},
                new int[] {2, 0, 5, 3, 1, 6, 4, 2, 0, 5, 3, 1, 6, 4, 2, 0, 5},
                CrossEntropyOptions.DEFAULT.withWeight(weights(7)),
                new double[] {2.963642640925144},
                new double[] {},
                0.5160889015982129, -0.18936352514462335);
        run(new int[] {17, 7},
                new int[] {2, 0, 5, 3, 1, 6, 4, 2, 0, 5, 3, 1, 6, 4, 2, 0, 5},
                CrossEntropyOptions.DEFAULT.withWeight(weights(7)).withReduction(Reduction.SUM),
                new double[] {33.34097971040787},
                new double[] {},
                5.806000142979892, -2.130339657877013);
        run(new int[] {17, 7},
                new int[] {2, 0, 5, 3, 1, 6, 4, 2, 0, 5, 3, 1, 6, 4, 2, 0, 5},
                CrossEntropyOptions.DEFAULT.withWeight(weights(7)).withReduction(Reduction.NONE),
                new double[] {0.0, 0.5344657984622068, 3.69300584854892, 0.36825258701431407, 1.297317956527967,
                    8.44084060965276, 0.757858122910763, 0.0, 0.8259477970846789, 3.6930058485489203,
                    1.0093379894460266, 1.297317956527967, 9.623655301789531, 0.757858122910763, 0.0,
                    0.8259477970846789, 0.21616797389837092},
                new double[] {},
                0.59986967553781, -4.987977994435471);
        run(new int[] {1, 33},
                new int[] {5},
                CrossEntropyOptions.DEFAULT.withWeight(weights(33)),
                new double[] {1.7728073242564504},
                new double[] {0.00021903639148438338, 0.00410487658336191, 0.07692790978906491, 0.0004836285218055157,
                    0.009063495708414908, -0.8301445205303882, 0.0010678433182664281, 0.02001204001830838,
                    0.00012581120894751067, 0.002357779371880814, 0.04418623438223208, 0.0002777889491216697,
                    0.005205935619367407, 0.09756243277023924, 0.0006133531415814949, 0.011494614804174437,
                    0.21541614534763223, 0.0013542730100581345, 0.025379908465406893, 0.00015955779441220182,
                    0.0029902111221651413, 0.05603839403809376, 0.00035230081965454297, 0.006602333863787411,
                    0.12373179401529075, 0.0007778740486260519, 0.014577837707108415, 9.164759735109452e-05,
                    0.0017175322956081082, 0.03218761071450637, 0.0002023562921830599, 0.0037922812718424737,
                    0.07106968154841048},
                1.1696675835288635, 2.1396012922351857);
    }

    /** An ignore index outside [0, C) (−100) and inside it (3), alone and with weights: MEAN divides by the non-ignored weights. */
    @Test
    void ignoredTargetsGiveNoLossNoGradientAndAreNotCounted() {
        run(new int[] {17, 33},
                new int[] {2, -100, 12, 17, 22, -100, 32, 4, 9, -100, 19, 24, 29, -100, 6, 11, 16},
                CrossEntropyOptions.DEFAULT.withIgnoreIndex(-100),
                new double[] {4.789138716140302},
                new double[] {},
                0.12341734568804628, -0.35472600772395224);
        run(new int[] {17, 7},
                new int[] {2, 3, 5, 3, 1, 3, 4, 2, 0, 3, 3, 1, 6, 3, 2, 0, 5},
                CrossEntropyOptions.DEFAULT.withIgnoreIndex(3).withReduction(Reduction.SUM),
                new double[] {28.897974391819346},
                new double[] {},
                -5.595266446203019, -22.444305566935675);
        run(new int[] {17, 7},
                new int[] {2, -100, 5, 3, 1, -100, 4, 2, 0, -100, 3, 1, 6, -100, 2, 0, 5},
                CrossEntropyOptions.DEFAULT.withWeight(weights(7)).withIgnoreIndex(-100),
                new double[] {2.569652816881706},
                new double[] {},
                0.17450027415533814, -1.717259448500301);
        run(new int[] {17, 7},
                new int[] {2, -100, 5, 3, 1, -100, 4, 2, 0, -100, 3, 1, 6, -100, 2, 0, 5},
                CrossEntropyOptions.DEFAULT.withIgnoreIndex(-100).withReduction(Reduction.NONE),
                new double[] {1.2244151557175338, 0.0, 7.38601169709784, 0.49100344935241874, 1.297317956527967, 0.0,
                    0.5052387486071753, 1.2244151557175338, 3.3037911883387157, 0.0, 1.3457839859280354,
                    1.297317956527967, 7.698924241431626, 0.0, 1.2244151557175338, 3.3037911883387157,
                    0.43233594779674184},
                new double[] {},
                2.643380641392399, -5.32056793912617);
    }

    /** Label smoothing alone and with weights and an ignore index; C = 1 (every loss 0); ε = 1. */
    @Test
    void labelSmoothingAsPyTorchWithWeightsAndIgnoreIndex() {
        run(new int[] {17, 7},
                new int[] {2, 0, 5, 3, 1, 6, 4, 2, 0, 5, 3, 1, 6, 4, 2, 0, 5},
                CrossEntropyOptions.DEFAULT.withLabelSmoothing(0.1),
                new double[] {2.895066095660516},
                new double[] {},
                -0.06551361505444488, -0.7433590302585783);
        run(new int[] {17, 33},
                new int[] {2, -100, 12, 17, 22, -100, 32, 4, 9, -100, 19, 24, 29, -100, 6, 11, 16},
                CrossEntropyOptions.DEFAULT.withWeight(weights(33)).withIgnoreIndex(-100).withLabelSmoothing(0.1),
                new double[] {5.051353980846241},
                new double[] {},
                0.8310406575402332, -0.6927265907708227);
        run(new int[] {17, 1},
                new int[] {0, -100, 0, 0, 0, -100, 0, 0, 0, -100, 0, 0, 0, -100, 0, 0, 0},
                CrossEntropyOptions.DEFAULT.withWeight(weights(1)).withIgnoreIndex(-100)
                        .withLabelSmoothing(0.2).withReduction(Reduction.SUM),
                new double[] {0.0},
                new double[] {0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0},
                0.0, 0.0);
        run(new int[] {1, 1},
                new int[] {0},
                CrossEntropyOptions.DEFAULT.withLabelSmoothing(0.2),
                new double[] {0.0},
                new double[] {0.0},
                0.0, 0.0);
        run(new int[] {5, 7},
                new int[] {2, 0, 5, 3, 1},
                CrossEntropyOptions.DEFAULT.withWeight(weights(7)).withLabelSmoothing(1.0),
                new double[] {5.884887254716699},
                new double[] {-0.014034643112061214, -0.0524376290549521, 0.08817886592509534, -0.04230278209654537,
                    -0.0753252243830158, 0.16612596528552387, -0.07020455256404472, 0.02108624093668297,
                    -0.05692048159067477, 0.0041674545068948856, 0.035243515675658706, -0.08522328438405556,
                    -0.019369761902239463, 0.10101631675773329, -0.01357087287849514, -0.043746289871885856,
                    0.2510599034040575, -0.04127878553142231, -0.056134899464261936, -0.028385469601696536,
                    -0.0679435860562957, 0.06886874365030159, -0.05662008370882773, 0.009797095419662364,
                    0.1407464460286864, -0.08456001111441008, -0.006939613220157528, -0.07129257705525502,
                    -0.00991130518138066, 0.024836257728127656, 0.0005153843156884355, -0.03319852405610998,
                    0.095294166238803, -0.027433469015626096, -0.05010251002950235},
                -0.9253871712775299, -1.5442414192464826);
        run(new int[] {17, 7},
                new int[] {2, -100, 5, 3, 1, -100, 4, 2, 0, -100, 3, 1, 6, -100, 2, 0, 5},
                CrossEntropyOptions.DEFAULT.withWeight(weights(7)).withIgnoreIndex(-100)
                        .withLabelSmoothing(0.3).withReduction(Reduction.NONE),
                new double[] {0.9764835090463461, 0.0, 3.4975932180519083, 1.3857914837611314, 1.4130318396327826, 0.0,
                    1.0354099561007397, 0.9764835090463461, 1.389408978871554, 0.0, 1.5983054576214157,
                    1.4130318396327826, 7.8645733841037835, 0.0, 0.9764835090463461, 1.389408978871554,
                    1.1278010907752056},
                new double[] {},
                -0.2568846703708043, -4.329775294070636);
    }

    /** Logits [N, C, d1, ..., dk] for k = 1, 2, 3, targets [N, d1, ..., dk] flattened. */
    @Test
    void spatialLogitsHaveTheirClassesOnAxisOne() {
        run(new int[] {2, 7, 3, 5},
                new int[] {2, 0, 5, 3, 1, 6, 4, 2, 0, 5, 3, 1, 6, 4, 2, 0, 5, 3, 1, 6, 4, 2, 0, 5, 3, 1, 6, 4, 2, 0},
                CrossEntropyOptions.DEFAULT.withReduction(Reduction.NONE),
                new double[] {5.085269568498671, 5.006061647706591, 5.483038480669094, 1.12487352889471,
                    5.324622639084936, 1.5226424410651334, 5.16447748929075, 1.364226599480975, 5.006061647706591,
                    1.204081449686789, 5.403830559877015, 1.0456656081026305, 4.810838970417098, 1.4434345202730543,
                    5.085269568498671, 1.2850186786888964, 5.483038480669094, 1.1248735288947098, 5.324622639084936,
                    5.243685410082829, 5.16447748929075, 1.364226599480975, 5.006061647706591, 0.7712350100210583,
                    5.403830559877015, 1.0456656081026305, 1.5226424410651336, 1.4434345202730543, 5.085269568498671,
                    1.2850186786888964},
                new double[] {},
                -3.689626138961274, 16.742430764180604);
        run(new int[] {2, 7, 3, 5},
                new int[] {2, -100, 5, 3, 1, -100, 4, 2, 0, -100, 3, 1, 6, -100, 2, 0, 5, -100, 1, 6, 4, -100, 0, 5, 3,
                    -100, 6, 4, 2, -100},
                CrossEntropyOptions.DEFAULT.withWeight(weights(7)).withIgnoreIndex(-100).withLabelSmoothing(0.25),
                new double[] {3.8183355390457248},
                new double[] {},
                1.9401609638116721, -1.000209921548491);
        run(new int[] {2, 7, 3, 5},
                new int[] {2, 3, 5, 3, 1, 3, 4, 2, 0, 3, 3, 1, 6, 3, 2, 0, 5, 3, 1, 6, 4, 3, 0, 5, 3, 3, 6, 4, 2, 3},
                CrossEntropyOptions.DEFAULT.withIgnoreIndex(3).withLabelSmoothing(1.0).withReduction(Reduction.SUM),
                new double[] {63.88141756038361},
                new double[] {},
                25.685761538478587, -0.5486916785368687);
        run(new int[] {2, 3, 4, 2, 3},
                new int[] {2, 1, 0, 2, 1, 0, 2, 1, 0, 2, 1, 0, 2, 1, 0, 2, 1, 0, 2, 1, 0, 2, 1, 0, 2, 1, 0, 2, 1, 0, 2,
                    1, 0, 2, 1, 0, 2, 1, 0, 2, 1, 0, 2, 1, 0, 2, 1, 0},
                CrossEntropyOptions.DEFAULT.withWeight(weights(3)),
                new double[] {2.0255101716573867},
                new double[] {},
                0.2184341556292083, 0.16543426167791697);
        run(new int[] {1, 33, 2},
                new int[] {2, 7},
                CrossEntropyOptions.DEFAULT.withLabelSmoothing(0.1).withReduction(Reduction.NONE),
                new double[] {4.838416783810372, 4.7113430049262135},
                new double[] {},
                2.963271705876388, 2.566068728474682);
    }

    /** Logits [C] with one target: NONE gives a scalar. */
    @Test
    void unbatchedLogitsTakeOneTarget() {
        run(new int[] {7},
                new int[] {4},
                CrossEntropyOptions.DEFAULT.withWeight(weights(7))
                        .withLabelSmoothing(0.1).withReduction(Reduction.NONE),
                new double[] {4.865583676105406},
                new double[] {0.001189420248288241, -0.004032059565917329, -0.2094248065721014, 0.004040536050723834,
                    0.6610402650525197, -0.4588348818388334, 0.006021526625320498},
                2.442226193536886, 2.016108161104808);
        run(new int[] {7},
                new int[] {4},
                CrossEntropyOptions.DEFAULT.withWeight(weights(7)),
                new double[] {3.3630290171036723},
                new double[] {0.0008369039121769051, 0.015684093626350138, 0.29392955308365115, 0.0018478692019916116,
                    -0.9653697955624336, 0.6489913128565081, 0.004080062881755695},
                -3.4677861362923714, -2.8496756145831896);
        run(new int[] {7},
                new int[] {4},
                CrossEntropyOptions.DEFAULT.withIgnoreIndex(4),
                new double[] {NaN},
                new double[] {0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0},
                0.0, 0.0);
    }

    /** MEAN over no counted weight (all ignored, only zero-weight targets, an empty batch) is NaN; ignored positions get gradient 0, the others NaN then. */
    @Test
    void edgeCasesAsPyTorch() {
        run(new int[] {3, 4},
                new int[] {1, 1, 1},
                CrossEntropyOptions.DEFAULT.withIgnoreIndex(1),
                new double[] {NaN},
                new double[] {0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0},
                0.0, 0.0);
        run(new int[] {3, 4},
                new int[] {1, 1, 1},
                CrossEntropyOptions.DEFAULT.withWeight(weights(4)).withIgnoreIndex(1).withLabelSmoothing(0.2),
                new double[] {NaN},
                new double[] {0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0},
                0.0, 0.0);
        run(new int[] {3, 4},
                new int[] {1, 1, 1},
                CrossEntropyOptions.DEFAULT.withIgnoreIndex(1).withLabelSmoothing(0.2).withReduction(Reduction.SUM),
                new double[] {0.0},
                new double[] {0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0},
                0.0, 0.0);
        run(new int[] {2, 4, 3},
                new int[] {-100, -100, -100, -100, -100, -100},
                CrossEntropyOptions.DEFAULT.withIgnoreIndex(-100).withLabelSmoothing(0.2),
                new double[] {NaN},
                new double[] {0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0,
                    0.0, 0.0, 0.0, 0.0, 0.0, 0.0},
                0.0, 0.0);
        run(new int[] {3, 4},
                new int[] {2, 2, 2},
                CrossEntropyOptions.DEFAULT.withWeight(weights(4)),
                new double[] {NaN},
                new double[] {NaN, NaN, NaN, NaN, NaN, NaN, NaN, NaN, NaN, NaN, NaN, NaN},
                NaN, NaN);
        run(new int[] {3, 4},
                new int[] {2, 2, 2},
                CrossEntropyOptions.DEFAULT.withWeight(weights(4)).withLabelSmoothing(0.1),
                new double[] {NaN},
                new double[] {NaN, NaN, NaN, NaN, NaN, NaN, NaN, NaN, NaN, NaN, NaN, NaN},
                NaN, NaN);
        run(new int[] {3, 4},
                new int[] {2, 2, 2},
                CrossEntropyOptions.DEFAULT.withWeight(weights(4))
                        .withLabelSmoothing(0.1).withReduction(Reduction.NONE),
                new double[] {0.20798144911003993, 0.06658402680311191, 0.20798144911003993},
                new double[] {0.003058004471120275, 0.011244462617263595, -0.023529542132260814, 0.009227075043876945,
                    0.0033200942837603746, -0.014553426856852746, -0.00022246862769562326, 0.01145580120078799,
                    -0.00611600894224055, -0.02248892523452719, 0.04705908426452163, -0.01845415008775389},
                0.04719496346335034, 0.22101261648566975);
        run(new int[] {3, 4},
                new int[] {2, 1, 2},
                CrossEntropyOptions.DEFAULT.withWeight(weights(4))
                        .withLabelSmoothing(0.1).withReduction(Reduction.SUM),
                new double[] {0.6295742589643547},
                new double[] {-0.00611600894224055, -0.02248892523452719, 0.04705908426452163, -0.01845415008775389,
                    0.036801850330263466, -0.1181818676637574, 0.00507228471146021, 0.07630773262203383,
                    -0.00611600894224055, -0.02248892523452719, 0.04705908426452163, -0.01845415008775389},
                0.41605444464663355, 0.4312307013214278);
        run(new int[] {0, 5},
                new int[] {},
                CrossEntropyOptions.DEFAULT.withLabelSmoothing(0.1),
                new double[] {NaN},
                new double[] {},
                0.0, 0.0);
        run(new int[] {0, 5},
                new int[] {},
                CrossEntropyOptions.DEFAULT.withWeight(weights(5)).withReduction(Reduction.SUM),
                new double[] {0.0},
                new double[] {},
                0.0, 0.0);
    }
}
