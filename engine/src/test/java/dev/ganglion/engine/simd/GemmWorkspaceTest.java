package dev.ganglion.engine.simd;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ganglion.engine.kernel.ScratchLimit;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** GEMM scratch is reused across calls and threads, but not one buffer above the scratch limit. */
class GemmWorkspaceTest {
    @Test
    void smallBuffersAreReusedAndOversizedOnesAreNotKept() {
        try (GemmWorkspace ws = GemmWorkspace.acquire()) {
            float[] small = ws.vector(1000);
            assertThat(ws.vector(500)).isSameAs(small);
            // a matrix–vector product past the limit (an audit saw 61 MiB stay on the calling thread)
            float[] big = ws.vector(ScratchLimit.MAX_CACHED_FLOATS + 1);
            assertThat(big.length).isGreaterThan(ScratchLimit.MAX_CACHED_FLOATS);
            assertThat(ws.vector(500)).as("the workspace kept its previous buffer").isSameAs(small);
            assertThat(ws.packB(64)).isSameAs(ws.packB(32));
        }
    }

    @Test
    void threadsTakingTurnsShareOneWorkspaceAndNestedTasksGetTheirOwn() throws Exception {
        Set<GemmWorkspace> seen = new HashSet<>();
        for (int i = 0; i < 8; i++) { // platform and virtual threads, one after another
            Thread t = (i % 2 == 0 ? Thread.ofPlatform() : Thread.ofVirtual()).unstarted(() -> {
                try (GemmWorkspace ws = GemmWorkspace.acquire()) {
                    synchronized (seen) {
                        seen.add(ws);
                    }
                }
            });
            t.start();
            t.join();
        }
        assertThat(seen).hasSize(1);
        try (GemmWorkspace a = GemmWorkspace.acquire(); GemmWorkspace b = GemmWorkspace.acquire()) {
            assertThat(a).isNotSameAs(b);
            assertThat(a.packA).isNotSameAs(b.packA);
        }
        assertThat(GemmWorkspace.POOL.idle()).isGreaterThanOrEqualTo(2);
    }
}
