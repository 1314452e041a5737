#!/usr/bin/env bash
# Events survive git's own maintenance: `git notes prune`, `git gc --prune=now` and `git
# maintenance run` keep every porch note (live and archive), in the clone that wrote them, in a
# clone that got them by `git porch sync`, after a plain `git notes merge`, and in a store
# written by an older porch once the next write or `git porch doctor --fix` repaired it.
source "$(dirname "$0")/lib.sh"
cd "$T"

# events <dir>: how many events `log` shows, all workers.
events() { git -C "$1" porch log --json | python3 -c 'import json, sys; print(len(json.load(sys.stdin)))'; }
# scope <dir> <worker>: the worker's scope, as status reads it.
scope() { git -C "$1" porch status --json | python3 -c '
import json, sys
for w in json.load(sys.stdin)["workers"]:
    if w["id"] == sys.argv[1]: print(" ".join(w["scope"]))' "$2"; }
# maintain <dir> [notes-ref...]: what a user or git's own maintenance does to a repository.
maintain() {
    local dir=$1 ref
    shift
    for ref in "$@"; do
        git -C "$dir" notes --ref="$ref" prune
    done
    git -C "$dir" gc -q --prune=now
    git -C "$dir" maintenance run --task=gc --quiet
    for ref in "$@"; do # what gc made prunable
        git -C "$dir" notes --ref="$ref" prune
    done
}
# strip <dir> <ref>: the ref's tree as an older porch wrote it: flat, notes only.
strip() {
    local tip tree
    tip=$(git -C "$1" rev-parse "$2")
    tree=$(git -C "$1" ls-tree -r "$tip" | grep -E $'\t[0-9a-f]{2}/?[0-9a-f]{38}$' |
        sed -E $'s#\t([0-9a-f]{2})/#\t\\1#' | git -C "$1" mktree)
    git -C "$1" update-ref "$2" "$(git -C "$1" commit-tree -p "$tip" -m old "$tree")"
}

# --- one clone --------------------------------------------------------------------------------
porch_repo r
expect_ok porch spawn 1 api --scope src/api
mkdir -p worktrees/task-1-api/src/api
echo routes >worktrees/task-1-api/src/api/routes.txt
git -C worktrees/task-1-api add src/api
git -C worktrees/task-1-api commit -q -m "[CHECKPOINT] Routes"
before=$(events .)

maintain . porch porch-archive
assert_eq "$before" "$(events .)" "item 9: git notes prune, gc --prune=now and maintenance keep every event"
assert_eq "src/api" "$(scope . task-1)" "item 9: the worker's scope survives git notes prune"
mkdir -p worktrees/task-1-api/src/web
echo page >worktrees/task-1-api/src/web/index.html
git -C worktrees/task-1-api add src/web
run git -C worktrees/task-1-api commit -q -m "[CHECKPOINT] Page"
assert_ne 0 "$RC" "item 9: after git notes prune, a commit outside the scope is still refused"
git -C worktrees/task-1-api reset -q --hard

# Enough commits to compact the live note into the archive.
for i in $(seq 50); do
    git -C worktrees/task-1-api commit -q --allow-empty -m "[CHECKPOINT] step $i"
done
assert_true "compaction wrote an archive" git show-ref -q --verify refs/notes/porch-archive
before=$(events .)
maintain . porch porch-archive
assert_eq "$before" "$(events .)" "item 9: the archive's events survive git notes prune and gc"

# A store an older porch wrote (notes only): doctor reports it and --fix repairs it.
strip . refs/notes/porch
strip . refs/notes/porch-archive
run porch doctor
assert_contains "$OUT$ERR" "notes-unanchored" "item 9: doctor finds notes git notes prune would delete"
run porch doctor --fix
assert_eq "" "$(git porch doctor 2>&1 | grep notes-unanchored || true)" "item 9: doctor --fix anchored them"
maintain . porch porch-archive
assert_eq "$before" "$(events .)" "item 9: after doctor --fix, git notes prune and gc keep every event"

# ... and the next write repairs the live ref by itself.
strip . refs/notes/porch
git -C worktrees/task-1-api commit -q --allow-empty -m "[CHECKPOINT] one more"
before=$(events .)
maintain . porch
assert_eq "$before" "$(events .)" "item 9: the next write anchors an older store's notes"

# --- clones that got the notes from a remote --------------------------------------------------
git init -q --bare "$T/srv.git"
git remote add origin "$T/srv.git"
git push -q origin main work/task-1-api
expect_ok porch sync
git clone -q "$T/srv.git" b
in_dir b expect_ok porch init -q
in_dir b expect_ok porch sync
assert_eq "src/api" "$(scope b task-1)" "sync brought the events"
maintain b porch porch-archive remotes/origin/porch remotes/origin/porch-archive
assert_eq "$(events .)" "$(events b)" "item 9: in a clone made by sync, git notes prune and gc keep every event"
assert_eq "src/api" "$(scope b task-1)" "item 9: in a clone made by sync, the scope survives"

# b records its own worker; the first clone, which recorded more meanwhile, merges the two with
# git's own `git notes merge`, whose tree keeps only the local side's anchors: the merge's second
# parent keeps the other side's reachable, and porch's next write adds them to the tree.
in_dir b expect_ok porch spawn 2 web --scope src/web
in_dir b expect_ok porch sync
git -C worktrees/task-1-api commit -q --allow-empty -m "[CHECKPOINT] meanwhile"
git fetch -q origin "+refs/notes/porch*:refs/notes/remotes/origin/porch*" "+refs/heads/*:refs/remotes/origin/*"
git notes --ref=porch merge -q -s cat_sort_uniq refs/notes/remotes/origin/porch
assert_eq 3 "$(git rev-list --no-walk --parents refs/notes/porch | wc -w | tr -d ' ')" "git notes merge made a merge (two parents)"
before=$(events .)
git update-ref -d refs/notes/remotes/origin/porch
git update-ref -d refs/notes/remotes/origin/porch-archive
git reflog expire --expire=now --all
maintain . porch porch-archive
assert_eq "$before" "$(events .)" "item 9: after git notes merge, git notes prune and gc keep every event"
assert_eq "src/web" "$(scope . task-2)" "item 9: after git notes merge, the other clone's worker keeps its scope"
git -C worktrees/task-1-api commit -q --allow-empty -m "[CHECKPOINT] after the merge"
assert_contains "$(git ls-tree -r --name-only refs/notes/porch)" "porch-worker-task-2" \
    "item 9: porch's next write puts the other clone's anchor in the notes tree"

finish
