#!/usr/bin/env bash
# step-ab.sh: times a training step of a base commit against this working tree's, in one JVM
# (scripts/ab/StepAb.java says how and why). The base is checked out in a temporary worktree and
# compiled there; this tree must be built (mvn -o install -DskipTests).
#
# Usage: scripts/step-ab.sh BASE_COMMIT [model batch steps [key=value ...]]
#   AB_THREADS    engine threads (default 1)
#   AB_JAVA_OPTS  extra JVM flags for the one JVM both builds run in (e.g. -Dsome.switch=true for a
#                 variant the new build reads from a system property)
# Output: both builds' median step times, the median new/base ratio of the paired steps, and
# whether the two builds' losses had the same bits.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
[[ $# -eq 1 || $# -ge 4 ]] || { echo "usage: scripts/step-ab.sh BASE_COMMIT [model batch steps [key=value ...]]" >&2; exit 2; }
BASE="$1"; shift
for m in engine autodiff models bench; do
  [[ -d "$ROOT/$m/target/classes" ]] || { echo "step-ab: build this tree first (mvn -o install -DskipTests)" >&2; exit 2; }
done
JAVA="${JAVA_HOME:+$JAVA_HOME/bin/}java"

. "$ROOT/scripts/ab/base-tree.sh"
base_tree "$BASE" engine,autodiff,models,bench

"$JAVA" --add-modules jdk.incubator.vector --enable-native-access=ALL-UNNAMED \
  -Dganglion.threads="${AB_THREADS:-1}" ${AB_JAVA_OPTS:-} "$ROOT/scripts/ab/StepAb.java" "$TREE" "$ROOT" "$@"
