#!/usr/bin/env bash
# kernel-ab.sh: times the SIMD CSR kernel of a base commit against this working tree's, in one JVM
# (scripts/ab/CsrKernelAb.java says how and why). The base is checked out in a temporary worktree
# and its engine compiled there; this tree's engine must be built (mvn -o install -DskipTests).
#
# Usage: scripts/kernel-ab.sh BASE_COMMIT [rows cols density batch calls]
#   AB_JAVA_OPTS  extra JVM flags for the one JVM both builds run in (e.g. -Dsome.switch=true for a
#                 variant the new build reads from a system property)
# Output: per kernel (spmm, spmmSddmm, sddmm) both medians, the median new/base ratio of the paired
# calls, and whether the two builds gave the same bits.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
[[ $# -eq 1 || $# -eq 6 ]] || { echo "usage: scripts/kernel-ab.sh BASE_COMMIT [rows cols density batch calls]" >&2; exit 2; }
BASE="$1"; shift
[[ -d "$ROOT/engine/target/classes" ]] || { echo "kernel-ab: build this tree first (mvn -o install -DskipTests)" >&2; exit 2; }
JAVA="${JAVA_HOME:+$JAVA_HOME/bin/}java"

. "$ROOT/scripts/ab/base-tree.sh"
base_tree "$BASE" engine

"$JAVA" --add-modules jdk.incubator.vector --enable-native-access=ALL-UNNAMED \
  ${AB_JAVA_OPTS:-} "$ROOT/scripts/ab/CsrKernelAb.java" "$TREE" "$ROOT" "$@"
