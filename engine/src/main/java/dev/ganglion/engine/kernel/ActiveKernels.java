package dev.ganglion.engine.kernel;

import dev.ganglion.engine.Vectorization;

/** Lazy holders, one per kernel family, so that naming an interface loads no kernel. */
final class ActiveKernels {
    private ActiveKernels() {}

    static final class Unary {
        static final UnaryKernel KERNEL =
                Vectorization.load(UnaryKernel.class, "dev.ganglion.engine.simd.SimdUnary", ScalarUnary::new);

        private Unary() {}
    }

    static final class Binary {
        static final BinaryKernel KERNEL =
                Vectorization.load(BinaryKernel.class, "dev.ganglion.engine.simd.SimdBinary", ScalarBinary::new);

        private Binary() {}
    }

    static final class Reduce {
        static final ReduceKernel KERNEL =
                Vectorization.load(ReduceKernel.class, "dev.ganglion.engine.simd.SimdReduce", ScalarReduce::new);

        private Reduce() {}
    }

    static final class Adam {
        static final AdamKernel KERNEL =
                Vectorization.load(AdamKernel.class, "dev.ganglion.engine.simd.SimdAdam", ScalarAdam::new);

        private Adam() {}
    }
}
