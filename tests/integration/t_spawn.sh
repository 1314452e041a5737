#!/usr/bin/env bash
# git porch spawn, the successful paths: branch, worktree, base, id forms, --scope/--needs,
# the event in refs/notes/porch and nothing else written.
source "$(dirname "$0")/lib.sh"
cd "$T"

anchor() { printf 'porch worker %s\n' "$1" | git hash-object --stdin; }
# The spawned events of a worker, as a JSON array (git's own notes command reads them).
events() { git notes --ref=porch show "$(anchor "$1")" | python3 -c '
import json, sys
print(json.dumps([json.loads(l) for l in sys.stdin if l.strip()]))'; }
worker_json() { # <worker>: that worker's object from status --json
    git porch status --json --worker "$1" | python3 -c '
import json, sys
w = json.load(sys.stdin)["workers"]
print(json.dumps(w[0] if len(w) == 1 else None))'
}
git_files() { (cd "$1" && find .git -type f | sort); }
tree_files() { (cd "$1" && find . -path ./.git -prune -o -print | sort); }

porch_repo r
main_tip=$(git rev-parse main)
cp .porch.toml "$T/toml.before"
tree_files . >"$T/tree.before"
git_files . >"$T/git.before"
git config --local --list | grep -v '^porch\.' >"$T/config.before"

# --- the basic spawn ---------------------------------------------------------------------------
expect_ok porch spawn 7 api-endpoints
assert_contains "$OUT" "spawned task-7 on branch work/task-7-api-endpoints from main" "spawn's summary"
assert_contains "$OUT" "worktree: $T/r/worktrees/task-7-api-endpoints" "spawn prints the worktree"
assert_contains "$OUT" "next: cd $T/r/worktrees/task-7-api-endpoints" "spawn says what to do next"
assert_eq "$main_tip" "$(git rev-parse -q --verify refs/heads/work/task-7-api-endpoints)" \
    "the worker branch starts at main"
wt=$T/r/worktrees/task-7-api-endpoints
assert_true "the worktree folder exists" test -d "$wt"
assert_eq "refs/heads/work/task-7-api-endpoints" "$(git -C "$wt" symbolic-ref HEAD)" \
    "the worktree has the worker branch checked out"
assert_eq "$wt" "$(git -C "$wt" rev-parse --show-toplevel)" "the worktree is a git worktree"
assert_true "the worktree has the files of the base" cmp -s README "$wt/README"
assert_eq "" "$(git -C "$wt" status --porcelain --ignored)" "the worktree is clean"
assert_contains "$(git worktree list --porcelain)" \
    $'worktree '"$wt"$'\nHEAD '"$main_tip"$'\nbranch refs/heads/work/task-7-api-endpoints' \
    "git worktree list shows the worker"
assert_eq "refs/heads/main" "$(git symbolic-ref HEAD)" "the main checkout stays on main"
assert_eq "$main_tip" "$(git rev-parse HEAD)" "main does not move"
assert_eq "" "$(git status --porcelain)" "the main checkout stays clean"

# Recorded in refs/notes/porch and in no file: the only new paths in the checkout are the
# worktree's, the only new files in .git are objects, refs, logs and the worktree's admin folder.
assert_file_eq "$T/toml.before" .porch.toml ".porch.toml is not touched by spawn"
new_tree=$(comm -13 "$T/tree.before" <(tree_files .) | grep -v '^\./worktrees\(/task-7-api-endpoints\(/.*\)\?\)\?$' || true)
assert_eq "" "$new_tree" "spawn creates no file outside the worktree"
new_git=$(comm -13 "$T/git.before" <(git_files .) |
    grep -vE '^\.git/(objects/|logs/|worktrees/task-7-api-endpoints/|refs/heads/work/task-7-api-endpoints$|refs/notes/porch$)' || true)
assert_eq "" "$new_git" "spawn creates no other file in .git"
assert_eq "$(cat "$T/config.before")" "$(git config --local --list | grep -v '^porch\.')" \
    "spawn changes no git config besides porch.*"
assert_match "$(git config --local porch.cloneId)" '^[0-9a-f]{32}$' "a clone id is set once"
assert_eq "refs/notes/porch" "$(git for-each-ref --format='%(refname)' refs/notes)" \
    "the event is in refs/notes/porch"
# Two notes: the worker's own, on the blob "porch worker task-7\n", and the registry of workers,
# on the blob "porch workers\n".
registry=$(printf 'porch workers\n' | git hash-object --stdin)
assert_eq "$(sort <<<"$(anchor task-7)"$'\n'"$registry")" "$(git notes --ref=porch list | awk '{print $2}' | sort)" \
    "notes on the worker's anchor and on the registry anchor, nothing else"
assert_eq "task-7" "$(git notes --ref=porch show "$registry")" "the registry lists task-7"
ev=$(events task-7)
assert_json "$ev" 'len(d)' 1 "one event for task-7"
assert_json "$ev" 'd[0]["type"]' spawned
assert_json "$ev" 'd[0]["worker"]' task-7
assert_json "$ev" 'd[0]["desc"]' api-endpoints
assert_json "$ev" 'd[0]["branch"]' work/task-7-api-endpoints
assert_json "$ev" 'd[0]["worktree"]' worktrees/task-7-api-endpoints "the event stores the relative worktree"
assert_json "$ev" 'd[0]["base"]' "$main_tip"
assert_json "$ev" 'd[0]["base_ref"]' main
assert_json "$ev" '[d[0]["needs"], d[0]["scope"]]' '[[],[]]' "no needs, no scope"
assert_json "$ev" 'd[0]["clone"]' "$(git config --local porch.cloneId)" "the event names this clone"

w=$(worker_json task-7)
assert_json "$w" '[d["id"], d["desc"], d["branch"], d["state"], d["commits"]]' \
    '["task-7","api-endpoints","work/task-7-api-endpoints","new",0]' "status sees the new worker"
assert_json "$w" '[d["worktree"], d["worktree_missing"]]' "[\"$wt\",false]"
assert_json "$w" '[d["scope"], d["declared_needs"]]' '[[],[]]'

# A second spawn reuses the clone id and appends to the same notes history.
notes_tip=$(git rev-parse refs/notes/porch)
clone=$(git config --local porch.cloneId)

# --- id forms: "task-8" and "8" are the same worker; letters work; boundaries --------------------
expect_ok porch spawn task-8 ui
assert_contains "$OUT" "spawned task-8 on branch work/task-8-ui" "task-<id> is accepted"
assert_true "task-8's worktree has no doubled prefix" test -d worktrees/task-8-ui
assert_true "the notes history only grows (the old tip is an ancestor of the new one)" \
    git merge-base --is-ancestor "$notes_tip" refs/notes/porch
assert_ne "$notes_tip" "$(git rev-parse refs/notes/porch)" "the notes ref moved"
assert_eq $'task-7\ntask-8' "$(git notes --ref=porch show "$registry")" "the registry lists both workers"
assert_eq "$clone" "$(git config --local porch.cloneId)" "the clone id does not change"
expect_ok porch spawn auth login-flow-2
assert_true "letter ids work" git show-ref -q --verify refs/heads/work/task-auth-login-flow-2
id32=abcdefghijklmnopqrstuvwxyz012345
desc48=a23456789-b23456789-c23456789-d23456789-e2345678
assert_eq "32 48" "${#id32} ${#desc48}" "test data lengths"
expect_ok porch spawn "$id32" "$desc48"
assert_true "a 32-character id and a 48-character description are accepted" \
    test -d "worktrees/task-$id32-$desc48"
expect_ok porch spawn 0 x
assert_true "id 0 and a one-letter description are accepted" test -d worktrees/task-0-x

# --- --scope and --needs ---------------------------------------------------------------------------
expect_ok porch spawn 9 db --scope src/db/ --scope ./docs//x --scope . --needs 7 --needs task-8 --needs 7
w=$(worker_json task-9)
assert_json "$w" 'd["scope"]' '["src/db/","docs/x","."]' "scopes recorded, normalised, in order"
assert_json "$w" 'd["declared_needs"]' '["task-7","task-8"]' "needs recorded as task-<id>, once each"
assert_json "$w" '[d["needs"], d["state"]]' '[[],"new"]' "declared needs are not protocol needs"
ev=$(events task-9)
assert_json "$ev" '[d[0]["scope"], d[0]["needs"]]' '[["src/db/","docs/x","."],["task-7","task-8"]]' \
    "the event carries scope and needs"
assert_json "$(events task-7)" 'len(d)' 1 "another worker's event does not land on task-7's note"

# Options may come before the positional arguments.
expect_ok porch spawn --needs 7 --scope lib/ 19 options-first
assert_json "$(worker_json task-19)" '[d["desc"], d["declared_needs"], d["scope"]]' \
    '["options-first",["task-7"],["lib/"]]' "options before <id> <desc>"

# --- --json --------------------------------------------------------------------------------
expect_ok porch spawn 13 json-out --json
assert_json "$OUT" 'sorted(d)' '["base","base_commit","branch","setup","worker","worktree"]' "spawn --json keys"
assert_json "$OUT" 'd["setup"]' 'null' "spawn --json: no [worktree] setup, setup is null"
assert_json "$OUT" '[d["worker"], d["branch"], d["worktree"], d["base"], d["base_commit"]]' \
    "[\"task-13\",\"work/task-13-json-out\",\"$T/r/worktrees/task-13-json-out\",\"main\",\"$main_tip\"]" \
    "spawn --json values"

# --- --base --------------------------------------------------------------------------------
git checkout -q -b feature
printf 'feature\n' >feature.txt
git add feature.txt && commit "Add feature"
feature_tip=$(git rev-parse HEAD)
git tag -a -m "release one" v1 HEAD~1
commit "[COMPLETE] Something finished on the base"
done_tip=$(git rev-parse HEAD)
git checkout -q main

expect_ok porch spawn 10 from-feature --base feature~1
assert_contains "$OUT" "from feature~1" "spawn names the base it was given"
assert_eq "$feature_tip" "$(git rev-parse work/task-10-from-feature)" "--base <rev> is the start"
assert_true "the worktree has the base's files" test -f worktrees/task-10-from-feature/feature.txt
assert_json "$(events task-10)" '[d[0]["base"], d[0]["base_ref"]]' "[\"$feature_tip\",\"feature~1\"]" \
    "the event records the base commit and what was typed"

expect_ok porch spawn 11 from-tag --base v1
assert_eq "$main_tip" "$(git rev-parse work/task-11-from-tag)" "--base <annotated tag> peels to its commit"
expect_ok porch spawn 12 from-sha --base "${main_tip:0:12}"
assert_eq "$main_tip" "$(git rev-parse work/task-12-from-sha)" "--base <abbreviated id>"

# Protocol commits in the base are not the worker's.
expect_ok porch spawn 14 after-done --base feature
assert_eq "$done_tip" "$(git rev-parse work/task-14-after-done)" "--base <branch>"
assert_json "$(worker_json task-14)" 'd["state"]' new "a [COMPLETE] in the base does not make the worker complete"

# Without --base the base branch is used, whatever the main checkout has checked out.
git checkout -q feature
expect_ok porch spawn 15 default-base
assert_contains "$OUT" "from main" "the default base is main"
assert_eq "$main_tip" "$(git rev-parse work/task-15-default-base)" "default base = main, not HEAD"
git checkout -q main

# --- where it runs from: a subfolder, a worker's worktree ------------------------------------------
mkdir -p deep/er
in_dir deep/er expect_ok porch spawn 16 from-sub
assert_true "spawn from a subfolder puts the worktree under the root" test -d worktrees/task-16-from-sub
assert_false "nothing under the subfolder" test -e deep/er/worktrees
in_dir worktrees/task-7-api-endpoints expect_ok porch spawn 17 from-worker
assert_true "spawn from a worker worktree puts the worktree under the main root" \
    test -d worktrees/task-17-from-worker
assert_false "no nested worktrees folder" test -e worktrees/task-7-api-endpoints/worktrees
assert_eq "$main_tip" "$(git rev-parse work/task-17-from-worker)" \
    "spawn from a worker worktree starts from main, not from that worker"

# --- the checkout runs git's post-checkout hook (the git CLI does the checkout) ------------------
mkdir -p .git/hooks
printf '#!/bin/sh\necho "$PWD" >>"%s/hook.log"\n' "$T" >.git/hooks/post-checkout
chmod +x .git/hooks/post-checkout
expect_ok porch spawn 18 hooked
assert_eq "$T/r/worktrees/task-18-hooked" "$(cat "$T/hook.log" 2>/dev/null)" \
    "post-checkout ran once, in the new worktree"
rm .git/hooks/post-checkout

# Nothing of all this shows in the main checkout.
assert_eq "" "$(git status --porcelain)" "the main checkout is still clean"
cd "$T"

# --- other base branches: master, a branch of another name --------------------------------------
git init -q -b master m
printf 'm\n' >m/README && git -C m add README && git -C m commit -q -m init
in_dir m expect_ok porch spawn 1 x
assert_contains "$OUT" "from master" "master is the base when there is no main"
git init -q -b trunk tr
printf 't\n' >tr/README && git -C tr add README && git -C tr commit -q -m init
in_dir tr expect_ok porch spawn 1 x
assert_contains "$OUT" "from trunk" "the main checkout's branch is the base otherwise"
printf 'base_branch = "dev"\n' >tr/.porch.toml
git -C tr branch dev
in_dir tr expect_ok porch spawn 2 y
assert_contains "$OUT" "from dev" "base_branch in .porch.toml wins"

# --base works even when the base branch cannot be told (detached HEAD, no main or master).
git -C tr checkout -q --detach
rm tr/.porch.toml
in_dir tr expect_ok porch spawn 3 z --base trunk
assert_contains "$OUT" "from trunk" "--base needs no base branch"
in_dir tr expect_fail 128 "cannot tell which branch is the base branch" -- porch spawn 4 w

finish
