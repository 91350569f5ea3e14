package dev.ganglion.cuda;

import java.util.List;

/**
 * Releasing several native resources so that one failing release (after a sticky CUDA error, say)
 * leaves none of the others behind and hides no earlier failure.
 */
final class Resources {
    private Resources() {}

    /**
     * Closes every resource, last first (as try-with-resources does). The first failure is thrown
     * after all have run, the later ones added to it as suppressed; with a {@code primary} failure
     * already on its way (the caller rethrows it), they are added to that one and nothing is thrown.
     */
    static void closeAll(List<? extends AutoCloseable> resources, RuntimeException primary) {
        RuntimeException failure = primary;
        for (AutoCloseable r : resources.reversed()) {
            try {
                r.close();
            } catch (Exception e) {
                if (failure == null) {
                    failure = e instanceof RuntimeException re ? re : new IllegalStateException(e);
                } else {
                    failure.addSuppressed(e);
                }
            }
        }
        if (failure != null && failure != primary) {
            throw failure;
        }
    }
}
