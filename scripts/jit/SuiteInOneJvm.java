import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectPackage;

import org.junit.platform.launcher.Launcher;
import org.junit.platform.launcher.LauncherDiscoveryRequest;
import org.junit.platform.launcher.TagFilter;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;
import org.junit.platform.launcher.listeners.SummaryGeneratingListener;
import org.junit.platform.launcher.listeners.TestExecutionSummary;

/**
 * Runs the tests of one package (and its subpackages), or one class, in this JVM in the JUnit
 * launcher's discovery order, which is not surefire's: the JIT's profiles and compile order then
 * differ from a {@code mvn test} run, which is how order-dependent compilations show. Prints each
 * failure and a count; exits 1 on a failure.
 *
 * <p>Usage (a single-file program on the module's test classpath):
 * {@code java -cp TEST_CLASSPATH scripts/jit/SuiteInOneJvm.java PACKAGE_OR_CLASS}. Tests tagged
 * {@code no-vector-module} are left out, as in the vector-module runs of the build.
 */
public final class SuiteInOneJvm {
    private SuiteInOneJvm() {}

    public static void main(String[] args) {
        String target = args[0];
        boolean isClass = Character.isUpperCase(target.charAt(target.lastIndexOf('.') + 1));
        LauncherDiscoveryRequest request = LauncherDiscoveryRequestBuilder.request()
                .selectors(isClass ? selectClass(target) : selectPackage(target))
                .filters(TagFilter.excludeTags("no-vector-module"))
                .build();
        Launcher launcher = LauncherFactory.create();
        SummaryGeneratingListener listener = new SummaryGeneratingListener();
        launcher.execute(request, listener);
        TestExecutionSummary summary = listener.getSummary();
        summary.getFailures().forEach(f -> System.out.println("FAILED " + f.getTestIdentifier().getDisplayName()
                + ": " + f.getException().getMessage()));
        System.out.printf("tests %d, failed %d%n", summary.getTestsSucceededCount() + summary.getTestsFailedCount(),
                summary.getTestsFailedCount());
        System.exit(summary.getTestsFailedCount() == 0 ? 0 : 1);
    }
}
