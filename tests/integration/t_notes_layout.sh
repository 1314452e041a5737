#!/usr/bin/env bash
# The notes layout (issue 20): every note in a fanout folder with its anchor beside it, so a
# write rewrites one small folder and the top tree whatever the number of workers. Stores an
# older porch wrote (flat: every note and every anchor at the top) are read as they are and
# moved into folders by the next write; clones with either layout sync both ways, no event lost;
# `git notes`, `git log --notes`, `git notes prune` and `git gc` work on the new layout.
source "$(dirname "$0")/lib.sh"
cd "$T"

# events <dir>: how many events `log` shows, all workers.
events() { git -C "$1" porch log --json | python3 -c 'import json, sys; print(len(json.load(sys.stdin)))'; }
# top <dir> [ref]: the top-level names of the notes tree, one a line.
top() { git -C "$1" ls-tree --name-only "${2:-refs/notes/porch}"; }
# flat_entries <dir>: top-level entries that are not two-hex-digit folders (a flat layout's).
flat_entries() { top "$1" | grep -cvE '^[0-9a-f]{2}$' || true; }
# flatten <dir> <ref>: the ref's tree as an older porch wrote it: notes and anchors at the top.
flatten() {
    local tip tree
    tip=$(git -C "$1" rev-parse "$2")
    tree=$(git -C "$1" ls-tree -r "$tip" | python3 -c '
import re, sys
for line in sys.stdin:
    meta, path = line.rstrip("\n").split("\t")
    parts = path.split("/")
    name = "".join(parts) if re.fullmatch(r"[0-9a-f/]{40,}", path) else parts[-1]
    print(meta + "\t" + name)' | git -C "$1" mktree)
    git -C "$1" update-ref "$2" "$(git -C "$1" commit-tree -p "$tip" -m "Notes added by 'git_note_create' from libgit2" "$tree")"
}
maintain() {
    git -C "$1" notes --ref=porch prune
    git -C "$1" reflog expire --expire=now --all
    git -C "$1" gc -q --prune=now
    git -C "$1" notes --ref=porch prune
}

# --- the layout, read by git itself ---------------------------------------------------------
porch_repo a
expect_ok porch spawn 1 api --scope src/api
commit -C worktrees/task-1-api "[CHECKPOINT] Routes"
assert_eq 0 "$(flat_entries .)" "every note and anchor is in a fanout folder"
anchor=$(printf 'porch worker task-1\n' | git hash-object --stdin)
assert_contains "$(git ls-tree -r --name-only refs/notes/porch)" "${anchor:0:2}/porch-worker-task-1" \
    "the worker's anchor sits in its note's folder"
assert_contains "$(git notes --ref=porch show "$anchor")" '"subject":"[CHECKPOINT] Routes"' \
    "git notes show reads a note in a fanout folder"
assert_eq 2 "$(git notes --ref=porch list | wc -l | tr -d ' ')" "git notes list: the worker's and the registry's notes"
assert_contains "$(git cat-file -p "$(git notes --ref=porch list "$anchor")")" '"type":"commit"' \
    "git notes list finds the note's blob"
# porch writes its loose objects stored (zlib level 0): git reads and checks every one of them.
expect_ok git fsck --strict --no-dangling
before=$(events .)
maintain .
assert_eq "$before" "$(events .)" "git notes prune and gc --prune=now keep every event in the new layout"
assert_eq 2 "$(git notes --ref=porch list | wc -l | tr -d ' ')" "git notes prune kept every note"
commit -C worktrees/task-1-api "[CHECKPOINT] after the prune"
assert_eq 0 "$(flat_entries .)" "the write after git rewrote the tree puts it back in folders"
maintain .
assert_eq $((before + 1)) "$(events .)" "and prune and gc keep that too"

# --- an older porch's flat store, upgraded in place -------------------------------------------
flatten . refs/notes/porch
assert_ne 0 "$(flat_entries .)" "test setup: the store is flat"
before=$(events .)
assert_eq "$before" "$(events .)" "a flat store is read as it is"
commit -C worktrees/task-1-api "[CHECKPOINT] upgraded"
assert_eq 0 "$(flat_entries .)" "the next write moves the flat store into folders, anchors too"
assert_eq $((before + 1)) "$(events .)" "no event lost in the move"
maintain .
assert_eq $((before + 1)) "$(events .)" "the moved store survives git notes prune and gc"

# A flat store with no anchors at all, written by someone else: the next write adds them all.
expect_ok porch spawn 2 web --scope src/web
tip=$(git rev-parse refs/notes/porch)
tree=$(git ls-tree -r "$tip" | grep -vE $'\tporch-|/porch-' | sed -E 's#\t([0-9a-f]{2})/#\t\1#' | git mktree)
git update-ref refs/notes/porch "$(git commit-tree -m "Notes merged by hand" "$tree")"
before=$(events .)
commit -C worktrees/task-1-api "[CHECKPOINT] repaired"
assert_contains "$(git ls-tree -r --name-only refs/notes/porch)" "porch-worker-task-2" \
    "a write on a tree porch did not write anchors every note, not only its own"
assert_contains "$(git ls-tree -r --name-only refs/notes/porch)" "porch-workers" "the registry's too"
maintain .
assert_eq $((before + 1)) "$(events .)" "and they survive git notes prune and gc"

# --- sync between a clone with the new layout and one with the old ------------------------------
git init -q --bare "$T/srv.git"
git remote add origin "$T/srv.git"
git push -q origin main work/task-1-api work/task-2-web
expect_ok porch sync
git clone -q "$T/srv.git" "$T/b"
in_dir "$T/b" expect_ok porch init -q
in_dir "$T/b" expect_ok porch sync
in_dir "$T/b" expect_ok porch spawn 3 docs --scope docs
commit -C "$T/b/worktrees/task-3-docs" "[CHECKPOINT] Outline"
flatten "$T/b" refs/notes/porch # b is a clone an older porch keeps: flat
in_dir "$T/b" expect_ok porch sync # ... whose flat notes reach the remote
assert_ne 0 "$(git --git-dir="$T/srv.git" ls-tree --name-only refs/notes/porch | grep -cvE '^[0-9a-f]{2}$' || true)" \
    "test setup: the remote got the flat layout"
commit -C worktrees/task-1-api "[CHECKPOINT] new layout here"
expect_ok porch sync
in_dir "$T/b" expect_ok porch sync
assert_eq "$(events .)" "$(events "$T/b")" "after syncs both ways, both clones have every event"
for w in task-1 task-2 task-3; do
    assert_contains "$(git porch log --json "$w")" '"type": "spawned"' "the new-layout clone has $w"
    assert_contains "$(git -C "$T/b" porch log --json "$w")" '"type": "spawned"' "the old-layout clone has $w"
done
assert_eq 0 "$(flat_entries .)" "the new-layout clone stays in folders after merging a flat copy"
flatten "$T/b" refs/notes/porch
commit -C "$T/b/worktrees/task-3-docs" "[CHECKPOINT] Draft"
flatten "$T/b" refs/notes/porch
in_dir "$T/b" expect_ok porch sync
expect_ok porch sync
assert_eq "$(events .)" "$(events "$T/b")" "a flat copy's newer events reach the new layout"
assert_contains "$(git porch log --json task-3)" '[CHECKPOINT] Draft' "the old-layout clone's last commit arrived"
maintain .
maintain "$T/b"
assert_eq "$(events .)" "$(events "$T/b")" "after prune and gc in both clones, still every event"

finish
