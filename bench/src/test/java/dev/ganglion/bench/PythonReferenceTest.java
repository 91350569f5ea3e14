package dev.ganglion.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code $GANGLION_PYTHON} names the interpreter: it is used even when another one has torch. */
class PythonReferenceTest {
    @Test
    void theChosenInterpreterIsUsedWithWhatItHas(@TempDir Path dir) throws Exception {
        assumeTrue(Files.isExecutable(Path.of("/bin/sh")), "no /bin/sh");
        // a stand-in python3 whose only library is numpy: it answers the probe with "numpy"
        Path numpyOnly = Files.writeString(dir.resolve("python3"), "#!/bin/sh\necho numpy\n");
        Files.setPosixFilePermissions(numpyOnly, PosixFilePermissions.fromString("rwxr-xr-x"));
        assertThat(PythonReference.find(numpyOnly.toString()))
                .hasValue(new PythonReference.Interpreter(numpyOnly.toString(), "numpy"));
        assertThat(PythonReference.find(dir.resolve("absent").toString())).isEmpty();
    }
}
