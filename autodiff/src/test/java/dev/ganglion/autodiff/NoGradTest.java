package dev.ganglion.autodiff;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ganglion.engine.Tensor;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

class NoGradTest {
    @Test
    @SuppressWarnings("try") // the scope variable is unused by design
    void nothingIsRecordedInsideAndRecordingResumesAfter() {
        Var x = Var.parameter(Tensor.ones(3));
        try (var g = NoGrad.enter()) {
            Var y = x.exp().mul(x);
            assertThat(y.requiresGrad()).isFalse();
            assertThat(y.op()).isNull();
            assertThat(Autodiff.isGradEnabled()).isFalse();
        }
        assertThat(Autodiff.isGradEnabled()).isTrue();
        assertThat(x.exp().requiresGrad()).isTrue();
    }

    @Test
    @SuppressWarnings("try") // the scope variables are unused by design
    void suspendRecordsInsideNestedScopesUntilClosedAndRestoresThem() {
        Var x = Var.parameter(Tensor.ones(3));
        NoGrad outer = NoGrad.enter();
        NoGrad inner = NoGrad.enter();
        NoGrad on = NoGrad.suspend();
        assertThat(x.exp().requiresGrad()).isTrue();
        try (var again = NoGrad.enter()) {
            assertThat(x.exp().requiresGrad()).isFalse();
        }
        on.close();
        on.close(); // harmless, as for enter
        assertThat(x.exp().requiresGrad()).isFalse();
        inner.close();
        assertThat(NoGrad.isGradEnabled()).isFalse();
        outer.close();
        assertThat(NoGrad.isGradEnabled()).isTrue();
        try (var alone = NoGrad.suspend()) {   // nothing to suspend
            assertThat(NoGrad.isGradEnabled()).isTrue();
        }
        assertThat(NoGrad.isGradEnabled()).isTrue();
    }

    @Test
    @SuppressWarnings("try") // the scope variable is unused by design
    void scopesNestAndClosingTwiceIsHarmless() {
        NoGrad outer = NoGrad.enter();
        try (var inner = NoGrad.enter()) {
            assertThat(NoGrad.isGradEnabled()).isFalse();
        }
        assertThat(NoGrad.isGradEnabled()).isFalse();
        outer.close();
        outer.close();
        assertThat(NoGrad.isGradEnabled()).isTrue();
    }

    @Test
    @SuppressWarnings("try") // the scope variable is unused by design
    void scopesArePerThread() throws Exception {
        AtomicBoolean otherThreadRecords = new AtomicBoolean();
        try (var g = NoGrad.enter()) {
            Thread t = new Thread(() -> otherThreadRecords.set(Var.parameter(Tensor.ones(1)).exp().requiresGrad()));
            t.start();
            t.join();
        }
        assertThat(otherThreadRecords).isTrue();
    }

    @Test
    void closingOnAnotherThreadIsRejected() throws Exception {
        NoGrad g = NoGrad.enter();
        try {
            Throwable[] error = new Throwable[1];
            Thread t = new Thread(() -> {
                try {
                    g.close();
                } catch (Throwable e) {
                    error[0] = e;
                }
            });
            t.start();
            t.join();
            assertThat(error[0]).isInstanceOf(IllegalStateException.class).hasMessageContaining("NoGrad");
        } finally {
            g.close();
        }
        assertThatThrownBy(() -> Var.constant(Tensor.ones(1)).sum().backward())
                .isInstanceOf(IllegalArgumentException.class);
    }
}
