package dev.ganglion.engine;

/**
 * The flat array behind one or more tensors (a tensor and its views share one storage).
 *
 * <p>The version counter goes up on every in-place write through {@link Tensor}'s mutating
 * methods, so that autodiff can tell when a tensor it saved for backward was changed afterwards.
 */
final class Storage {
    final float[] f;
    final double[] d;
    private int version;

    Storage(float[] f) {
        this.f = f;
        this.d = null;
    }

    Storage(double[] d) {
        this.f = null;
        this.d = d;
    }

    DType dtype() {
        return f != null ? DType.F32 : DType.F64;
    }

    int length() {
        return f != null ? f.length : d.length;
    }

    int version() {
        return version;
    }

    void bump() {
        version++;
    }
}
