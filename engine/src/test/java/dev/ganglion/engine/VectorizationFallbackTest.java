package dev.ganglion.engine;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** Runs in a JVM started without {@code --add-modules jdk.incubator.vector} (surefire execution). */
@Tag("no-vector-module")
class VectorizationFallbackTest {
    @Test
    void engineRunsScalarWithoutTheVectorModule() {
        assertThat(ModuleLayer.boot().findModule("jdk.incubator.vector")).isEmpty();
        assertThat(Vectorization.enabled()).isFalse();
        assertThat(Vectorization.reason()).contains("--add-modules jdk.incubator.vector");
    }
}
