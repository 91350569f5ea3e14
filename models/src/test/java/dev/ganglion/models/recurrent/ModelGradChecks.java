package dev.ganglion.models.recurrent;

import dev.ganglion.autodiff.GradCheck;
import dev.ganglion.engine.DType;
import dev.ganglion.engine.Rng;
import dev.ganglion.engine.Shape;
import dev.ganglion.engine.Tensor;
import dev.ganglion.models.testing.ModelAsFunction;
import dev.ganglion.models.testing.RecordedBackwardCheck;

/** Float64 checks of a whole recurrent model on a seeded chunk {@code x [batch, steps, input_size]}. */
final class ModelGradChecks {
    private ModelGradChecks() {}

    /** GradCheck of the output with respect to x and every trainable parameter. */
    static GradCheck.Report check(RecurrentModel model, int batch, int steps, long seed) {
        ModelAsFunction f = ModelAsFunction.of(model, x(model, batch, steps, seed));
        return GradCheck.of(f.function()).check(f.inputs());
    }

    /** {@link RecordedBackwardCheck#checkModel}: the gradients recorded through every op of the run. */
    static void checkRecorded(RecurrentModel model, int batch, int steps, long seed) {
        RecordedBackwardCheck.checkModel(model.config().toString(), model, x(model, batch, steps, seed));
    }

    private static Tensor x(RecurrentModel model, int batch, int steps, long seed) {
        int dIn = model.config().getInt("input_size");
        return new Rng(seed).uniform(Shape.of(batch, steps, dIn), -1, 1, DType.F64);
    }
}
