#!/usr/bin/env bash
# The command line itself: usage, unknown commands, help, version.
source "$(dirname "$0")/lib.sh"
cd "$T"

commands=(init spawn status check-message)

# No arguments: usage on stderr, exit 129 (git's usage code), nothing on stdout.
run porch
assert_eq 129 "$RC" "git porch with no arguments exits 129"
assert_eq "" "$OUT" "git porch with no arguments prints nothing on stdout"
assert_match "$ERR" "^usage: git porch <command>" "usage line first"
for c in "${commands[@]}"; do
    assert_match "$ERR" $'\n'"   $c +[A-Z]" "usage lists $c with a summary"
done

# An unknown command: 129, one error line naming it, a hint.
expect_fail 129 "'nosuch' is not a git porch command" -- porch nosuch
assert_contains "$ERR" "hint: see 'git porch -h'" "unknown command hints at -h"
# An unknown option before the command.
expect_fail 129 "unknown option --bogus" -- porch --bogus
# A command name is matched exactly.
expect_fail 129 "'Status' is not a git porch command" -- porch Status
expect_fail 129 "'stat' is not a git porch command" -- porch stat

# -h: the same list on stdout, exit 0.
expect_ok porch -h
assert_match "$OUT" "^usage: git porch <command>" "-h prints the usage"
for c in "${commands[@]}"; do
    assert_match "$OUT" $'\n'"   $c +[A-Z]" "-h lists $c"
done
assert_match "$OUT" $'\n'"   help +[A-Z]" "-h lists help"
assert_match "$OUT" $'\n'"   version +[A-Z]" "-h lists version"
assert_contains "$OUT" "git porch <command> -h" "-h says how to get a command's options"
top_help=$OUT

# git-porch --help outside a terminal (git turns `git porch --help` into man, so run the binary).
expect_ok git-porch --help
assert_eq "$top_help" "$OUT" "git-porch --help without a terminal prints the usage"

# Every command's -h / --help exits 0 and names its options.
for c in "${commands[@]}"; do
    expect_ok porch "$c" -h
    assert_contains "$OUT" "git porch $c" "$c -h names the command"
done
expect_ok porch spawn --help
assert_contains "$OUT" "--base" "spawn --help lists --base"
assert_contains "$OUT" "--needs" "spawn --help lists --needs"
assert_contains "$OUT" "--scope" "spawn --help lists --scope"
spawn_help=$OUT
expect_ok porch help spawn
assert_eq "$spawn_help" "$OUT" "git porch help spawn = git porch spawn --help"
expect_ok porch status -h
assert_contains "$OUT" "--json" "status -h lists --json"
assert_contains "$OUT" "--worker" "status -h lists --worker"
# -h works outside a repository too (no repository is opened for help).
expect_ok porch init -h

# --version: the project version from CMakeLists.txt.
project_version=$(sed -n 's/^project(git-porch VERSION \([0-9.]*\).*/\1/p' \
    "$SOURCE_DIR/CMakeLists.txt")
assert_match "$project_version" '^[0-9]+\.[0-9]+\.[0-9]+$' "project version found in CMakeLists.txt"
expect_ok porch --version
assert_eq "git porch version $project_version" "$OUT" "git porch --version"
expect_ok porch version
assert_eq "git porch version $project_version" "$OUT" "git porch version"

# Options a command does not have: 129 with the command named.
expect_fail 129 "spawn: " -- porch spawn 1 api --bogus
assert_contains "$ERR" "--bogus" "the unknown option is named"
assert_contains "$ERR" "hint: see 'git porch spawn -h'" "the hint names the command's help"
expect_fail 129 "status: " -- porch status --bogus
expect_fail 129 "init: " -- porch init extra
expect_fail 129 "check-message: " -- porch check-message a b

# --- which repository: git -C, GIT_DIR / --git-dir ------------------------------------------------
new_repo repo
in_dir repo expect_ok porch spawn 1 api
expect_ok git -C repo porch status --json
assert_json "$OUT" '[w["id"] for w in d["workers"]]' '["task-1"]' "git -C <repo> porch status"
in_dir repo/.git expect_ok porch status --json
assert_json "$OUT" '[w["id"] for w in d["workers"]]' '["task-1"]' "status from inside the .git folder"
# git passes --git-dir/--work-tree to extensions as GIT_DIR/GIT_WORK_TREE (and sets GIT_DIR for
# hooks): porch should act on that repository, not on the current folder's.
# libgit2 1.5 reads GIT_DIR only when no start folder is given, and refuses GIT_WORK_TREE.
mkdir elsewhere
in_dir elsewhere run git --git-dir="$T/repo/.git" porch status --json
assert_true "git --git-dir=<repo>/.git porch status from another folder ignores GIT_DIR: exit $RC, ${ERR%%$'\n'*}" \
    test "$RC" -eq 0
new_repo other
in_dir other run env GIT_DIR="$T/repo/.git" git porch status --json
ids=$(json_q "$OUT" '[w["id"] for w in d["workers"]]' 2>/dev/null || echo "exit $RC")
assert_true "GIT_DIR=<repo A> inside repository B: porch reads B ($ids)" test "$ids" = '["task-1"]'
in_dir repo run git --work-tree="$T/repo" porch status --json
assert_true "git --work-tree=<root> porch status (GIT_WORK_TREE set) fails: exit $RC, ${ERR%%$'\n'*}" \
    test "$RC" -eq 0

finish
