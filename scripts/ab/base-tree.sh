# base-tree.sh: sourced by kernel-ab.sh and step-ab.sh. `base_tree COMMIT MODULES` checks COMMIT out
# in a temporary worktree, removed when the calling script exits, compiles MODULES there (a Maven
# -pl list, with what they depend on) and sets TREE to its folder.
base_tree() {
  TREE="$(mktemp -d "${TMPDIR:-/tmp}/ganglion-ab.XXXXXX")"
  trap 'git -C "$ROOT" worktree remove --force "$TREE" >/dev/null 2>&1 || rm -rf "$TREE"' EXIT
  git -C "$ROOT" worktree add -q --detach "$TREE" "$1"
  (cd "$TREE" && mvn -B -o -q -pl "$2" -am compile) >&2
}
