package dev.ganglion.engine.simd;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Every float species, mask and shuffle the kernels keep in a static field is of {@link Simd#F32}:
 * a second float shape in the JVM makes the profiles inside the JDK's shared vector methods
 * bimorphic, and C2 then boxed the vectors of whichever kernels it compiled after (see
 * {@link Simd#F32}). Other element types (the doubles of layer norm and pow, the ints of the bit
 * tricks) are other classes and do not share those profiles. Tagged {@code parity}: the half width
 * this guards against differs at every width.
 */
@Tag("parity")
class SingleFloatSpeciesTest {
    @Test
    void everyStaticFloatSpeciesMaskAndShuffleOfThePackageIsOfTheOneSpecies() throws Exception {
        List<String> others = new ArrayList<>();
        int seen = 0;
        for (Class<?> type : packageClasses()) {
            for (Field field : type.getDeclaredFields()) {
                if (!Modifier.isStatic(field.getModifiers())) {
                    continue;
                }
                VectorSpecies<?> species = (VectorSpecies<?>) speciesOf(field);
                if (species == null || species.elementType() != float.class) {
                    continue;
                }
                seen++;
                if (species != Simd.F32) {
                    others.add(type.getSimpleName() + "." + field.getName() + ": " + species);
                }
            }
        }
        assertThat(seen).as("static float species, masks and shuffles found").isGreaterThan(5);
        assertThat(others).as("float species other than Simd.F32 (%s)", Simd.F32).isEmpty();
    }

    /**
     * The species of a static species, mask or shuffle field, or null for a field of another type;
     * typed Object, so that no signature here names a vector type: JUnit reads the methods of every
     * test class in the run without the vector module too.
     */
    private static Object speciesOf(Field field) throws IllegalAccessException {
        Class<?> t = field.getType();
        if (!VectorSpecies.class.isAssignableFrom(t) && !VectorMask.class.isAssignableFrom(t)
                && !VectorShuffle.class.isAssignableFrom(t)) {
            return null;
        }
        field.setAccessible(true);
        Object value = field.get(null);
        return switch (value) {
            case VectorSpecies<?> s -> s;
            case VectorMask<?> m -> m.vectorSpecies();
            case VectorShuffle<?> s -> s.vectorSpecies();
            case null -> null;
            default -> throw new AssertionError(field + " holds a " + value.getClass());
        };
    }

    /** The classes compiled into this package (nested ones included), found beside {@link Simd}. */
    private static List<Class<?>> packageClasses() throws IOException, URISyntaxException, ClassNotFoundException {
        Path dir = Path.of(Simd.class.getResource("Simd.class").toURI()).getParent();
        List<Class<?>> classes = new ArrayList<>();
        try (Stream<Path> files = Files.list(dir)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".class")).sorted().toList()) {
                String name = file.getFileName().toString();
                classes.add(Class.forName(Simd.class.getPackageName() + "." + name.substring(0, name.length() - 6)));
            }
        }
        return classes;
    }
}
