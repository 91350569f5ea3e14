package dev.ganglion.engine.simd;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ganglion.engine.kernel.ScratchLimit;
import org.junit.jupiter.api.Test;

/** A thread keeps its GEMM scratch for reuse, but not one buffer above the scratch limit. */
class GemmWorkspaceTest {
    @Test
    void smallBuffersAreReusedAndOversizedOnesAreNotKept() {
        GemmWorkspace ws = GemmWorkspace.local();
        float[] small = ws.vector(1000);
        assertThat(ws.vector(500)).isSameAs(small);
        // a matrix–vector product past the limit (an audit saw 61 MiB stay on the calling thread)
        float[] big = ws.vector(ScratchLimit.MAX_CACHED_FLOATS + 1);
        assertThat(big.length).isGreaterThan(ScratchLimit.MAX_CACHED_FLOATS);
        assertThat(ws.vector(500)).as("the workspace kept its previous buffer").isSameAs(small);
        assertThat(ws.packB(64)).isSameAs(ws.packB(32));
    }
}
