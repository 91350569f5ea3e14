#!/usr/bin/env bash
# make-bundle.sh: builds a self-contained Ganglion bundle for Linux x86-64 machines that have an
# NVIDIA driver and CUDA libraries but no JDK or Maven:
#
#   dist/ganglion-<version>-linux-x64/
#     runtime/        jlink'ed Java runtime (modules found by jdeps, plus jdk.incubator.vector)
#     lib/            the Ganglion jars and their runtime dependencies
#     lib/test/       test jars and junit-platform-console-standalone, for bin/gpu-tests
#     bin/ganglion    the command-line tool (ganglion info, ganglion bench ... --device cuda)
#     bin/gpu-tests   the native-bindings tests (GPU parity, error paths, soak; discovery)
#     bench/python/   the PyTorch/NumPy reference scripts of `ganglion bench --compare`
#   dist/ganglion-<version>-linux-x64.tar.gz
#
# Usage: scripts/make-bundle.sh            (needs a JDK 25+ and Maven here; network only if the
#                                            JUnit console jar is not in ~/.m2 yet)
# Environment: GANGLION_JAVA_HOME  JDK to build and jlink with (else JAVA_HOME, else /usr/lib/jvm/*)
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
MIN_JAVA=25
JUNIT_PLATFORM_VERSION=1.11.4   # matches junit.version 5.11.4 in the root pom

die() { printf 'make-bundle: %s\n' "$*" >&2; exit 1; }
log() { printf 'make-bundle: %s\n' "$*" >&2; }

java_major() {
  local v
  [[ -x "$1/bin/java" ]] || { echo 0; return; }
  v="$(sed -n 's/^JAVA_VERSION="\(.*\)"$/\1/p' "$1/release" 2>/dev/null | head -n1)"
  v="${v%%[!0-9]*}"
  echo "${v:-0}"
}

find_jdk() {
  local c
  for c in "${GANGLION_JAVA_HOME:-}" "${JAVA_HOME:-}" $(ls -d /usr/lib/jvm/* /opt/java* 2>/dev/null | sort -rV); do
    if [[ -n "$c" ]] && (( $(java_major "$c") >= MIN_JAVA )) && [[ -x "$c/bin/jlink" ]]; then
      echo "$c"; return
    fi
  done
  die "no JDK $MIN_JAVA+ with jlink found; set GANGLION_JAVA_HOME"
}

JDK="$(find_jdk)"
command -v mvn >/dev/null || die "mvn not found"
VERSION="$(sed -n 's:^  <version>\(.*\)</version>:\1:p' "$ROOT/pom.xml" | head -n1)"
[[ -n "$VERSION" ]] || die "cannot read the project version from pom.xml"
NAME="ganglion-$VERSION-linux-x64"
DIST="$ROOT/dist"
OUT="$DIST/$NAME"
WORK="$DIST/.work"
log "JDK $JDK, version $VERSION"

rm -rf "$OUT" "$WORK" "$DIST/$NAME.tar.gz"
mkdir -p "$OUT/bin" "$OUT/lib/test" "$WORK/deps"

# 1. Jars, plus every module's third-party dependencies (test scope: junit, assertj for the tests).
#    One Maven invocation, so sibling modules resolve to the jars just packaged.
log "building (mvn package, tests compiled but not run)"
(cd "$ROOT" && mvn -q -B -ntp -Dstyle.color=never -DskipTests package dependency:copy-dependencies \
    -DincludeScope=test -DexcludeGroupIds=dev.ganglion,org.junit,org.apiguardian,org.opentest4j \
    -DoutputDirectory="$WORK/deps")
(cd "$ROOT" && mvn -q -B -ntp -Dstyle.color=never dependency:copy -N \
    -Dartifact="org.junit.platform:junit-platform-console-standalone:$JUNIT_PLATFORM_VERSION" \
    -DoutputDirectory="$OUT/lib/test")

for jar in "$ROOT"/*/target/ganglion-*-"$VERSION".jar; do
  cp "$jar" "$OUT/lib/"
done
cp "$ROOT"/engine/target/ganglion-engine-"$VERSION"-tests.jar "$OUT/lib/test/"
"$JDK/bin/jar" --create --file "$OUT/lib/test/ganglion-native-bindings-$VERSION-tests.jar" \
    -C "$ROOT/native-bindings/target/test-classes" .
# The test classes by name, for running them one JVM each (scripts/gpu-check.sh) without unzip.
(cd "$ROOT/native-bindings/target/test-classes" && find dev -name '*Test.class' | sed 's:/:.:g; s:\.class$::' | sort) \
    > "$OUT/lib/test/test-classes.txt"
# Test-only libraries go beside the tests; everything else is a runtime dependency of some module.
# byte-buddy (8 MB) is AssertJ's optional dependency for soft assertions and AssertJ assumptions,
# which these tests do not use (they use JUnit's Assumptions): left out to stay under 60 MB. So are
# JMH and what only it needs (jopt-simple, commons-math3: 3 MB): the bundle's launcher has no
# `ganglion jmh` (that runs from a checkout), and nothing else loads them.
for dep in "$WORK"/deps/*.jar; do
  case "$(basename "$dep")" in
    byte-buddy-*|jmh-core-*|jopt-simple-*|commons-math3-*) ;;
    assertj-*) cp "$dep" "$OUT/lib/test/" ;;
    *) cp "$dep" "$OUT/lib/" ;;
  esac
done

# 2. The runtime: the modules jdeps finds in every jar, plus what is loaded by name or as a service,
#    invisible to jdeps: the Vector API, and jdk.zipfs (JUnit scans test jars as file systems).
#    java.desktop is left out: it would add about 15 MB of AWT, needed only by `train --plot`'s
#    drawing (CurvePlot), which the bundle is not for: plots are refused there with that reason.
log "computing modules with jdeps"
MODULES="$("$JDK/bin/jdeps" --multi-release "$MIN_JAVA" --ignore-missing-deps --print-module-deps \
    "$OUT"/lib/*.jar "$OUT"/lib/test/*.jar 2>/dev/null | tail -n1)"
MODULES="$(tr ',' '\n' <<<"$MODULES,jdk.incubator.vector,jdk.zipfs" | grep -v -x -e java.desktop -e '' | sort -u | paste -sd,)"
[[ "$MODULES" == *java.base* ]] || die "jdeps found no modules (got '$MODULES')"
log "jlink --add-modules $MODULES"
"$JDK/bin/jlink" --add-modules "$MODULES" --strip-debug --no-header-files --no-man-pages \
    --compress zip-9 --output "$OUT/runtime" 2> >(grep -v 'Using incubator modules' >&2)

# 3. Launchers: relative to the bundle, whatever the caller's PATH or JAVA_HOME.
JVM_FLAGS='--add-modules jdk.incubator.vector --enable-native-access=ALL-UNNAMED'
if unzip -l "$OUT/lib/ganglion-cli-$VERSION.jar" 2>/dev/null | grep -q 'dev/ganglion/cli/Main.class'; then
  cat > "$OUT/bin/ganglion" <<EOF
#!/usr/bin/env bash
# Ganglion command line: ganglion info | ganglion bench KERNEL [--device cuda] ... (see README).
# CUDA libraries are found as documented under "Running on a GPU machine" (GANGLION_CUDA_PATH, ...).
HERE="\$(cd "\$(dirname "\$(readlink -f "\${BASH_SOURCE[0]}")")/.." && pwd)"
exec "\$HERE/runtime/bin/java" $JVM_FLAGS -Dganglion.home="\$HERE" \${GANGLION_JAVA_OPTS:-} -cp "\$HERE/lib/*" dev.ganglion.cli.Main "\$@"
EOF
else
  log "WARNING: the cli module has no dev.ganglion.cli.Main yet: bin/ganglion not written"
fi
cat > "$OUT/bin/gpu-tests" <<EOF
#!/usr/bin/env bash
# Runs the native-bindings tests (package dev.ganglion.cuda): GPU parity, error paths and soak on a
# CUDA machine, discovery everywhere. Extra arguments go to the JUnit console launcher, e.g.
#   bin/gpu-tests --include-tag gpu        only the GPU tests
#   bin/gpu-tests --details=verbose        print skip reasons and tuner decisions
#   bin/gpu-tests --select-class dev.ganglion.cuda.CudaSoakGpuTest   one class (no package default)
HERE="\$(cd "\$(dirname "\$(readlink -f "\${BASH_SOURCE[0]}")")/.." && pwd)"
SELECT=(--select-package dev.ganglion.cuda)
DETAILS=(--details=tree)
for a in "\$@"; do
  case "\$a" in
    --select*|--scan-class-path*) SELECT=() ;;
    --details=*|--details) DETAILS=() ;;
  esac
done
exec "\$HERE/runtime/bin/java" $JVM_FLAGS \${GANGLION_JAVA_OPTS:-} \\
  -jar "\$HERE/lib/test/junit-platform-console-standalone-$JUNIT_PLATFORM_VERSION.jar" execute \\
  --class-path "\$(ls "\$HERE"/lib/*.jar "\$HERE"/lib/test/*.jar | grep -v console-standalone | paste -sd:)" \\
  "\${SELECT[@]}" "\${DETAILS[@]}" --disable-banner "\$@"
EOF
chmod +x "$OUT"/bin/*
# --compare finds bench/python/reference.py under ganglion.home (the bundle's root).
mkdir -p "$OUT/bench/python"
cp "$ROOT"/bench/python/*.py "$OUT/bench/python/"
# step-MODEL --compare: reference.py runs the PyTorch reference models' step_bench.py, at the same relative place.
mkdir -p "$OUT/models/src/test/python/ganglion_ref"
cp "$ROOT"/models/src/test/python/step_bench.py "$OUT/models/src/test/python/"
cp "$ROOT"/models/src/test/python/ganglion_ref/*.py "$OUT/models/src/test/python/ganglion_ref/"
rm -rf "$WORK"

# 4. The archive.
tar -C "$DIST" -czf "$DIST/$NAME.tar.gz" "$NAME"
log "bundle: $OUT ($(du -sh "$OUT" | cut -f1)), archive: $DIST/$NAME.tar.gz ($(du -sh "$DIST/$NAME.tar.gz" | cut -f1))"
