package dev.ganglion.cuda;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ResourcesTest {
    private final List<String> closed = new ArrayList<>();

    private AutoCloseable ok(String name) {
        return () -> closed.add(name);
    }

    private AutoCloseable failing(String name) {
        return () -> {
            closed.add(name);
            throw new IllegalStateException(name + " failed");
        };
    }

    @Test
    void everyResourceIsClosedLastFirstAndTheFirstFailureCarriesTheOthers() {
        List<AutoCloseable> all = List.of(ok("stream"), failing("allocator"), ok("workspace"), failing("handle"));
        assertThatThrownBy(() -> Resources.closeAll(all, null)).hasMessage("handle failed")
                .satisfies(e -> assertThat(e.getSuppressed()).extracting(Throwable::getMessage)
                        .containsExactly("allocator failed"));
        assertThat(closed).containsExactly("handle", "workspace", "allocator", "stream");
    }

    @Test
    void aFailureAlreadyOnItsWayKeepsTheReleaseFailuresAsSuppressed() {
        RuntimeException primary = new IllegalArgumentException("cusparseSpMM failed");
        Resources.closeAll(List.of(failing("dense"), ok("sparse")), primary);
        assertThat(closed).containsExactly("sparse", "dense");
        assertThat(primary.getSuppressed()).extracting(Throwable::getMessage).containsExactly("dense failed");
        Resources.closeAll(List.of(ok("a")), null);
        assertThat(closed).endsWith("a");
    }
}
