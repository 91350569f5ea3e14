package dev.ganglion.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class TimingTest {
    @Test
    void medianOfOddAndEvenCounts() {
        assertThat(Timing.median(new double[] {5, 1, 3})).isEqualTo(3);
        assertThat(Timing.median(new double[] {4, 1, 3, 2})).isEqualTo(2.5);
    }

    @Test
    void timesEveryRepeatAndReportsPerCallMillis() {
        AtomicInteger calls = new AtomicInteger();
        Timing.Result result = Timing.measure(() -> {
            calls.incrementAndGet();
            long end = System.nanoTime() + 200_000;   // 0.2 ms of work per call
            while (System.nanoTime() < end) {
                Thread.onSpinWait();
            }
        }, new Timing.Settings(3, 0));
        double ms = result.medianMillis();
        // The minimum warm-up, then 3 samples of several calls each (a sample targets 5 ms)...
        assertThat(calls.get()).isGreaterThan(Timing.MIN_CALLS + 3);
        assertThat(result.settled()).isFalse();   // a zero box cannot settle: two windows are needed
        // ...and the result is per call, not per sample.
        assertThat(ms).isGreaterThanOrEqualTo(0.2).isLessThan(4.5);
    }

    @Test
    void pairedSamplesGiveBothTimesAndHowManyTimesFasterTheFirstIs() {
        AtomicInteger fast = new AtomicInteger();
        AtomicInteger slow = new AtomicInteger();
        Timing.Paired p = Timing.measurePaired(() -> spin(fast, 200_000), () -> spin(slow, 800_000),
                new Timing.Settings(4, 0));
        assertThat(fast.get()).isGreaterThan(Timing.MIN_CALLS + 4);
        assertThat(slow.get()).isGreaterThan(Timing.MIN_CALLS + 4);
        assertThat(p.a().medianMillis()).isGreaterThanOrEqualTo(0.2);
        assertThat(p.b().medianMillis()).isGreaterThanOrEqualTo(0.8);
        // 4× the work per call; generous bounds, the machine may be busy
        assertThat(p.ratio()).isBetween(1.5, 8.0);
    }

    private static void spin(AtomicInteger calls, long nanos) {
        calls.incrementAndGet();
        long end = System.nanoTime() + nanos;
        while (System.nanoTime() < end) {
            Thread.onSpinWait();
        }
    }

    @Test
    void settingsAreChecked() {
        assertThatThrownBy(() -> new Timing.Settings(0, 10)).hasMessageContaining("--repeat");
        assertThatThrownBy(() -> new Timing.Settings(1, -1)).hasMessageContaining("--warmup-ms");
    }
}
