package dev.ganglion.engine.kernel;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.foreign.MemorySegment;
import org.junit.jupiter.api.Test;

class SparseScratchTest {
    @Test
    void nestedCallsNeverShareBuffersAndLargeOnesAreDropped() {
        MemorySegment outer;
        try (SparseScratch a = SparseScratch.acquire()) {
            outer = a.first(10);
            assertThat(a.second(10).address()).isNotEqualTo(outer.address());
            try (SparseScratch b = SparseScratch.acquire()) {
                assertThat(b.first(10).address()).isNotEqualTo(outer.address());
            }
        }
        MemorySegment big;
        try (SparseScratch again = SparseScratch.acquire()) {
            assertThat(again.first(8).address()).isEqualTo(outer.address());
            big = again.second(SparseScratch.MAX_CACHED + 1);
        }
        try (SparseScratch after = SparseScratch.acquire()) {
            assertThat(after.second(1).address()).isNotEqualTo(big.address());
            assertThat(after.first(1).address() % SparsePanel.ALIGN_BYTES).isZero();
        }
    }

    @Test
    void panelsHoldExactlyWhatWasAskedForEvenWhenTheKeptBufferIsLarger() {
        try (SparseScratch s = SparseScratch.acquire()) {
            assertThat(SparseScratch.floats(s.first(100))).isEqualTo(100);
            assertThat(SparseScratch.floats(s.first(7))).isEqualTo(7);
            assertThat(SparseScratch.floats(s.third(33))).isEqualTo(33);
        }
    }
}
