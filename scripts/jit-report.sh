#!/usr/bin/env bash
# jit-report.sh: runs a module's tests in one JVM, in the JUnit launcher's order (not surefire's), with
# HotSpot's compilation log, and reports what C2 left as calls taking vectors (which box them) and the
# sizes of the vector helpers it compiled on their own. See scripts/jit/InliningReport.java for why
# those are the figures to watch, and engine/src/main/java/dev/ganglion/engine/simd/Simd.java (F32)
# for the causes found so far.
#
# Usage: scripts/jit-report.sh [WIDTH] [TARGET] [JVM_FLAG...]
#   WIDTH   vector bits for ganglion.simd: 128, 256 or 512 (default 512)
#   TARGET  a package or test class of the engine module (default dev.ganglion.engine)
#   JVM_FLAG extra flags, e.g. -XX:CompileThresholdScaling=0.05 to compile earlier
# Output: the suite's result, then the report; the log stays in target/jit/compilation-WIDTH.log.
# Needs the engine built with its tests (mvn -o install -DskipTests) and its dependencies in ~/.m2.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
WIDTH="${1:-512}"; TARGET="${2:-dev.ganglion.engine}"; shift $(( $# < 2 ? $# : 2 ))
case "$WIDTH" in   # the register counts of the build's parity runs at each width
  128) REGISTERS=(-Dganglion.simd.registers=16) ;; 256) REGISTERS=() ;; 512) REGISTERS=(-Dganglion.simd.registers=32) ;;
  *) echo "jit-report: WIDTH must be 128, 256 or 512, not $WIDTH" >&2; exit 2 ;;
esac
JAVA="${JAVA_HOME:+$JAVA_HOME/bin/}java"
OUT="$ROOT/target/jit"; mkdir -p "$OUT"
LOG="$OUT/compilation-$WIDTH.log"

(cd "$ROOT" && mvn -B -o -q -pl engine dependency:build-classpath -Dmdep.includeScope=test \
  -Dmdep.outputFile="$OUT/engine-test.classpath") >&2
CP="$ROOT/engine/target/test-classes:$ROOT/engine/target/classes:$(cat "$OUT/engine-test.classpath")"
# The JUnit launcher (surefire brings its own): the one of the platform version on the classpath,
# from the same local repository.
ENGINE_JAR="$(tr ':' '\n' <<<"$CP" | grep '/junit-platform-engine-[^/]*\.jar$' | head -n1)"
VERSION="$(basename "$(dirname "$ENGINE_JAR")")"
LAUNCHER_JAR="${ENGINE_JAR//junit-platform-engine/junit-platform-launcher}"
if [[ ! -f "$LAUNCHER_JAR" ]]; then
  (cd "$ROOT" && mvn -B -q dependency:get -Dartifact="org.junit.platform:junit-platform-launcher:$VERSION") >&2
fi
CP="$CP:$LAUNCHER_JAR"

rm -f "$LOG"
set +e
"$JAVA" --add-modules jdk.incubator.vector --enable-native-access=ALL-UNNAMED -Xss4m -XX:+UseParallelGC \
  -Dganglion.simd="$WIDTH" "${REGISTERS[@]}" \
  -XX:+UnlockDiagnosticVMOptions -XX:+LogCompilation -XX:LogFile="$LOG" "$@" \
  -cp "$CP" "$ROOT/scripts/jit/SuiteInOneJvm.java" "$TARGET" 2>&1 | grep -v '^WARNING'
status=${PIPESTATUS[0]}
set -e
echo
"$JAVA" "$ROOT/scripts/jit/InliningReport.java" "$LOG"
exit "$status"
