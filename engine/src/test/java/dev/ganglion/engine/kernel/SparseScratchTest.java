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
            assertThat(a.second(10)).isNotSameAs(outer);
            try (SparseScratch b = SparseScratch.acquire()) {
                assertThat(b.first(10)).isNotSameAs(outer);
            }
        }
        try (SparseScratch again = SparseScratch.acquire()) {
            assertThat(again.first(8)).isSameAs(outer);
            again.second(SparseScratch.MAX_CACHED + 1);
        }
        try (SparseScratch after = SparseScratch.acquire()) {
            assertThat(SparseScratch.floats(after.second(1))).isLessThan(SparseScratch.MAX_CACHED);
            assertThat(after.first(1).address() % SparsePanel.ALIGN_BYTES).isZero();
        }
    }
}
