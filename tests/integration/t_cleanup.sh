#!/usr/bin/env bash
# git porch cleanup: removes the worktrees of merged workers (releasing pool slots, whose folders
# stay), with --branches deletes their branches; keeps and explains dirty, untracked, unmerged,
# fresh and hand-made worktrees; --dry-run changes nothing; --json; --merged-into; usage errors.
source "$(dirname "$0")/lib.sh"
cd "$T"

anchor() { printf 'porch worker %s\n' "$1" | git hash-object --stdin; }
# The types of a worker's events, in the order they happened.
event_types() { git notes --ref=porch show "$(anchor "$1")" | python3 -c '
import json, sys
print(" ".join(e["type"] for e in sorted((json.loads(l) for l in sys.stdin if l.strip()), key=lambda e: e["lc"])))'; }
# The fields of a worker's last event, as JSON.
last_event() { git notes --ref=porch show "$(anchor "$1")" | python3 -c '
import json, sys
print(json.dumps(sorted((json.loads(l) for l in sys.stdin if l.strip()), key=lambda e: e["lc"])[-1]))'; }
has_branch() { git rev-parse -q --verify "refs/heads/$1" >/dev/null; }
has_worktree() { git worktree list --porcelain | grep -qx "worktree $1"; }
# work <dir> <file> <subject>: a commit adding a file in a worker's worktree.
work() {
    tick
    printf '%s\n' "$3" >"$1/$2"
    git -C "$1" add "$2"
    git -C "$1" commit -q -m "$3"
}
merge() { tick && git merge -q --no-ff -m "Merge $1" "$1"; }

porch_repo r
W=$T/r/worktrees

# task-1: merged and clean. task-2: merged, a tracked file changed. task-3: merged, an untracked
# file. task-4: not merged. task-5: spawned, no commits. task-6: a worker branch merged, but in a
# worktree made by hand. task-7: a pool slot, merged. task-8: merged, its worktree already gone.
for w in "1 api" "2 dirty" "3 untracked" "4 unmerged" "5 fresh" "8 gone"; do
    expect_ok porch spawn $w
done
work "$W/task-1-api" api.txt "[COMPLETE] API"
work "$W/task-2-dirty" dirty.txt "[COMPLETE] Dirty"
work "$W/task-3-untracked" untracked.txt "[COMPLETE] Untracked"
work "$W/task-4-unmerged" unmerged.txt "[CHECKPOINT] Unmerged"
work "$W/task-8-gone" gone.txt "[COMPLETE] Gone"
git branch work/task-6-hand
git worktree add -q "$T/elsewhere" work/task-6-hand
work "$T/elsewhere" hand.txt "[COMPLETE] Hand"
expect_ok porch pool init 1
expect_ok porch pool acquire 7 slotted
work "$W/wt-1" slot.txt "[COMPLETE] Slot"
for b in work/task-1-api work/task-2-dirty work/task-3-untracked work/task-6-hand \
    work/task-7-slotted work/task-8-gone; do
    merge "$b"
done
git worktree remove "$W/task-8-gone"
printf 'changed\n' >"$W/task-2-dirty/dirty.txt"
printf 'new\n' >"$W/task-3-untracked/new.txt"

# --- usage and fatal errors ----------------------------------------------------------------------

expect_fail 129 "" -- porch cleanup --no-such-option
expect_fail 129 "" -- porch cleanup extra-argument
expect_fail 128 "no branch 'nosuch'" -- porch cleanup --merged-into nosuch
assert_contains "$ERR" "hint: " "a missing branch comes with a hint"

# --- --dry-run changes nothing ---------------------------------------------------------------------

snapshot_state before
expect_ok porch cleanup --dry-run
assert_state_unchanged before . "cleanup --dry-run changed the repository"
assert_contains "$OUT" "would remove worktrees/task-1-api" "dry run: task-1's worktree"
assert_contains "$OUT" "would release wt-1" "dry run: the pool slot"
assert_contains "$OUT" "this was a dry run" "dry run says so"
assert_not_contains "$OUT" "would delete branch" "no branch without --branches"

expect_ok porch cleanup --dry-run --branches --json
assert_state_unchanged before . "cleanup --dry-run --branches --json changed the repository"
J=$OUT
assert_json "$J" "d['version']" 1
assert_json "$J" "d['merged_into']" main
assert_json "$J" "d['dry_run']" true
assert_json "$J" "sorted(d.keys())" '["branches_deleted","dry_run","merged_into","refused","removed","version"]'
assert_json "$J" "[(r['worker'], r['slot']) for r in d['removed']]" '[["task-1",null],["task-7","wt-1"]]'
assert_json "$J" "sorted(d['removed'][0].keys())" '["branch","slot","worker","worktree"]'
assert_json "$J" "d['removed'][0]['worktree']" "$W/task-1-api"
assert_json "$J" "d['branches_deleted']" '["work/task-1-api","work/task-7-slotted","work/task-8-gone"]'
assert_json "$J" "sorted(r['worker'] for r in d['refused'])" \
    '["task-2","task-3","task-4","task-5","task-6"]'
assert_json "$J" "sorted(d['refused'][0].keys())" '["branch","hint","reason","worker","worktree"]'
reason() { json_q "$J" "next(r['reason'] for r in d['refused'] if r['worker'] == '$1')"; }
assert_eq "1 uncommitted or untracked path" "$(reason task-2)" "task-2 is dirty"
assert_eq "1 uncommitted or untracked path" "$(reason task-3)" "task-3 has an untracked file"
assert_eq "not merged into main (1 commit ahead)" "$(reason task-4)" "task-4 is not merged"
assert_eq "no commits of its own yet (nothing was merged)" "$(reason task-5)" "task-5 is fresh"
assert_contains "$(reason task-6)" "not a worktree porch created" "task-6 is not porch's"

# --- the real thing, worktrees only -----------------------------------------------------------------

expect_ok porch cleanup
assert_contains "$OUT" "removed worktrees/task-1-api" "says what it removed"
assert_contains "$OUT" "released wt-1 (its folder stays)" "says it released the slot"
assert_contains "$OUT" "kept task-2 (worktrees/task-2-dirty): 1 uncommitted or untracked path" "dirty kept"
assert_contains "$OUT" "kept task-3 (worktrees/task-3-untracked): 1 uncommitted" "untracked kept"
assert_contains "$OUT" "kept task-4 (worktrees/task-4-unmerged): not merged into main" "unmerged kept"
assert_contains "$OUT" "next: git porch cleanup --branches" "hints at --branches"
assert_false "task-1's worktree is gone" has_worktree "$W/task-1-api"
assert_false "task-1's folder is gone" test -e "$W/task-1-api"
for d in "$W/task-2-dirty" "$W/task-3-untracked" "$W/task-4-unmerged" "$W/task-5-fresh" "$T/elsewhere" "$W/wt-1"; do
    assert_true "$d is still a worktree" has_worktree "$d"
done
assert_eq "changed" "$(cat "$W/task-2-dirty/dirty.txt")" "the dirty change is intact"
assert_eq "new" "$(cat "$W/task-3-untracked/new.txt")" "the untracked file is intact"
assert_true "the slot's folder stays" test -d "$W/wt-1"
assert_eq "" "$(git rev-parse -q --verify refs/porch/pool/wt-1 || true)" "the slot's claim is gone"
assert_json "$(git porch pool status --json)" "d['slots'][0]['state']" idle "the slot is idle"
assert_true "task-1's branch stays without --branches" has_branch work/task-1-api
assert_true "task-7's branch stays without --branches" has_branch work/task-7-slotted
assert_eq "spawned commit cleaned" "$(event_types task-1)" "task-1 gets a cleaned event"
E=$(last_event task-1)
assert_json "$E" "d['worktree']" worktrees/task-1-api
assert_json "$E" "d['merged_into']" main
assert_json "$E" "d['branch_deleted']" false
assert_eq "spawned commit released cleaned" "$(event_types task-7)" "task-7: released, then cleaned"
assert_json "$(last_event task-7)" "d['slot']" wt-1
expect_ok porch log task-1
assert_contains "$OUT" "cleaned" "log shows the cleaned event"

# --- --branches deletes only merged branches ---------------------------------------------------------

expect_ok porch cleanup --branches
assert_contains "$OUT" "deleted branch work/task-1-api" "task-1's branch"
assert_false "task-1's branch is deleted" has_branch work/task-1-api
assert_false "task-7's branch is deleted" has_branch work/task-7-slotted
assert_false "task-8's branch is deleted" has_branch work/task-8-gone
for b in work/task-2-dirty work/task-3-untracked work/task-4-unmerged work/task-5-fresh work/task-6-hand; do
    assert_true "$b stays" has_branch "$b"
done
assert_true "the hand-made worktree stays" has_worktree "$T/elsewhere"
assert_json "$(last_event task-8)" "[d['type'], d['branch_deleted']]" '["cleaned","true"]' \
    "a branch deletion is an event"
expect_ok porch cleanup --branches
assert_not_contains "$OUT" "deleted branch" "a second run deletes nothing"

# --- --merged-into another branch ---------------------------------------------------------------

git branch integration/x main
git worktree add -q "$T/integ" integration/x
tick
git -C "$T/integ" merge -q --no-ff -m "Merge task-4" work/task-4-unmerged
git worktree remove "$T/integ"
expect_ok porch cleanup --merged-into integration/x --branches --json
assert_json "$OUT" "d['merged_into']" integration/x
assert_json "$OUT" "[r['worker'] for r in d['removed']]" '["task-4"]'
assert_json "$OUT" "d['branches_deleted']" '["work/task-4-unmerged"]'
assert_false "task-4's worktree is gone" has_worktree "$W/task-4-unmerged"
assert_false "task-4's branch is gone (merged into integration/x, not main)" has_branch work/task-4-unmerged
assert_true "main is untouched" has_branch main

# --- inside a worktree it would remove -------------------------------------------------------------

rm "$W/task-3-untracked/new.txt"
in_dir "$W/task-3-untracked" expect_ok porch cleanup --json
assert_json "$OUT" "[r['reason'] for r in d['refused'] if r['worker'] == 'task-3']" '["you are inside it"]'
assert_true "the worktree the user is in stays" has_worktree "$W/task-3-untracked"
expect_ok porch cleanup
assert_false "from the main worktree it goes" has_worktree "$W/task-3-untracked"

# --- locked worktrees and missing folders are kept ---------------------------------------------------

expect_ok porch spawn 9 locked
expect_ok porch spawn 10 missing
work "$W/task-9-locked" locked.txt "[COMPLETE] Locked"
work "$W/task-10-missing" missing.txt "[COMPLETE] Missing"
merge work/task-9-locked
merge work/task-10-missing
git worktree lock --reason "on a USB stick" "$W/task-9-locked"
rm -rf "$W/task-10-missing"
expect_ok porch cleanup --branches --json
J=$OUT
assert_eq "the worktree is locked" "$(reason task-9)" "a locked worktree is kept"
assert_eq "its folder is missing" "$(reason task-10)" "a worktree whose folder is gone is kept"
assert_json "$J" "d['removed']" '[]' "nothing removed"
# task-3's worktree went in the section above, without --branches: its branch goes now.
assert_json "$J" "d['branches_deleted']" '["work/task-3-untracked"]' \
    "branches still checked out are not deleted"
assert_true "the locked worktree stays" has_worktree "$W/task-9-locked"
assert_true "the locked worker's branch stays" has_branch work/task-9-locked
assert_true "the missing worker's branch stays" has_branch work/task-10-missing
git worktree unlock "$W/task-9-locked"
expect_ok porch cleanup --branches
assert_contains "$OUT" "removed worktrees/task-9-locked" "once unlocked it goes"
assert_contains "$OUT" "deleted branch work/task-9-locked" "and its branch with it"

finish
