#!/usr/bin/env bash
# git porch integrate: dependency order, cycles refused, incomplete workers skipped, a real
# conflict stopped at and named, --abort back to the start, --continue after resolving,
# --dry-run predicting without touching anything, a failing verify command, --finish.
source "$(dirname "$0")/lib.sh"
cd "$T"

# work <id>: commits a change to its own file in the worker's worktree and completes it.
complete_worker() { # <id> <file> <content>
    local wt
    wt=$(ls -d worktrees/task-"$1"-*)
    printf '%s\n' "$3" >"$wt/$2"
    git -C "$wt" add "$2"
    commit -C "$wt" "[COMPLETE] task $1 done"
}
subjects() { git log --first-parent --format=%s "$1" | head -n "$2" | tac | paste -sd'|'; }

# --- dependency order: C needs B needs A, whatever the ids say ---------------------------------
porch_repo r
expect_ok porch spawn 3 alpha
expect_ok porch spawn 2 beta --needs 3
expect_ok porch spawn 1 gamma --needs 2
expect_ok porch spawn 4 late
for id in 1 2 3; do complete_worker "$id" "f$id.txt" "from $id"; done
commit -C worktrees/task-4-late "[CHECKPOINT] still going"

snapshot_state before_dry
expect_ok porch integrate login --dry-run
assert_contains "$OUT" $'would merge into integration/login, in this order:\n  task-3 (work/task-3-alpha)\n  task-2 (work/task-2-beta)\n  task-1 (work/task-1-gamma)' \
    "the dry run gives the dependency order"
assert_contains "$OUT" "skipped task-4: state checkpoint, not complete" "an incomplete worker is skipped"
assert_state_unchanged before_dry . "--dry-run changes no ref, worktree or file"

expect_ok porch integrate login
assert_contains "$OUT" $'merged task-3 (work/task-3-alpha)\nmerged task-2 (work/task-2-beta)\nmerged task-1 (work/task-1-gamma)' \
    "merged in dependency order"
assert_contains "$OUT" "git porch integrate login --finish" "says how to finish"
assert_eq "Merge task-3: alpha|Merge task-2: beta|Merge task-1: gamma" "$(subjects integration/login 3)" \
    "--no-ff merges with the documented message, in order"
assert_eq 2 "$(git rev-list --parents -n 1 integration/login | wc -w | awk '{print $1 - 1}')" "a merge commit"
assert_eq "main" "$(git symbolic-ref --short HEAD)" "the user's checkout is not switched"
assert_eq "" "$(git status --porcelain)" "nor touched"
assert_true "porch's own worktree has the branch" \
    test "$(git -C worktrees/integration-login symbolic-ref --short HEAD)" = integration/login
expect_ok porch log task-2 --json
assert_contains "$OUT" '"type": "integrated"' "an integrated event is recorded"
assert_false "no run is left in progress" git rev-parse -q --verify refs/porch/integrate/login

expect_ok porch integrate login
assert_contains "$OUT" "skipped task-4" "a second run has nothing new to merge"
assert_eq "Merge task-1: gamma" "$(git log -1 --format=%s integration/login)" "and merges nothing"

# --finish: into the base, refused when a merged worker moved on.
commit -C worktrees/task-2-beta "[COMPLETE] one more thing"
expect_fail 1 "workers moved since they were merged: task-2" -- porch integrate login --finish
assert_eq "Add porch settings" "$(git log -1 --format=%s main)" "a refused finish leaves main alone"
expect_ok porch integrate login
assert_contains "$OUT" "merged task-2" "the moved worker is merged again"
expect_ok porch integrate login --finish
assert_eq "merged integration/login into main
removed porch's worktree $T/r/worktrees/integration-login (integration/login stays)" "$OUT" "--finish says what it did"
assert_false "porch's own worktree is gone" test -e worktrees/integration-login
assert_true "its branch stays" git rev-parse -q --verify integration/login
assert_eq "Merge integration/login" "$(git log -1 --format=%s main)" "main has the merge"
assert_true "the checkout follows (main was checked out here)" test -f f1.txt
assert_true "without auto_cleanup the worktrees stay" test -d worktrees/task-1-gamma
commit -C worktrees/task-4-late "[COMPLETE] late after all"
expect_ok porch integrate login
assert_contains "$OUT" "merged task-4" "a later run makes the worktree again and adds to the branch"
cd "$T"

# --- a cycle is refused, naming it -------------------------------------------------------------
new_repo cy
cd cy
porch init -q
git add .porch.toml && commit "Add porch settings"
expect_ok porch spawn 5 left --needs 6
expect_ok porch spawn 6 right --needs 5
complete_worker 5 l.txt l
complete_worker 6 r.txt r
snapshot_state cycle
expect_fail 128 "dependency cycle: task-5 -> task-6 -> task-5" -- porch integrate loop
assert_contains "$ERR" "hint:" "with a hint"
assert_state_unchanged cycle . "a refused cycle changes nothing"
# A folder in the way of porch's worktree: refused, and the branch it made is taken back.
mkdir -p worktrees/integration-blocked && touch worktrees/integration-blocked/x
snapshot_state blocked
run porch integrate blocked --only 5
assert_eq 128 "$RC" "a folder in the way stops the run"
assert_contains "$ERR" "exists and is not the worktree of integration/blocked" "and says why"
assert_state_unchanged blocked . "nothing of the run stays behind (no branch, no refs)"
rm -rf worktrees/integration-blocked
expect_fail 129 "bad feature name" -- porch integrate 'Bad Name'
expect_fail 129 "" -- porch integrate
cd "$T"

# --- a real conflict: predicted, stopped at, aborted, resolved, continued -----------------------
new_repo cf
cd cf
printf 'one\ntwo\nthree\n' >shared.txt
git add shared.txt && commit "Add shared"
porch init -q
git add .porch.toml && commit "Add porch settings"
expect_ok porch spawn 7 x
expect_ok porch spawn 8 y
complete_worker 7 shared.txt $'one\nTWO by 7\nthree'
complete_worker 8 shared.txt $'one\nTWO by 8\nthree'
expect_ok porch integrate feat --only 7
t1=$(git rev-parse integration/feat)
wt=$T/cf/worktrees/integration-feat
snapshot_state before_conflict
expect_ok porch integrate feat --dry-run
assert_contains "$OUT" "task-8 (work/task-8-y): conflict predicted in shared.txt" "--dry-run predicts the conflict"
assert_state_unchanged before_conflict . "and changes nothing"

run porch integrate feat
assert_eq 1 "$RC" "a conflict stops the run with status 1"
assert_contains "$ERR" "error: merging task-8 into integration/feat conflicted in:" "and says so"
assert_contains "$ERR" "  shared.txt (changed by task-8 task-7)" "the file and both workers are named"
assert_contains "$ERR" "git porch integrate feat --continue" "next steps: continue"
assert_contains "$ERR" "git porch integrate feat --abort" "or abort"
assert_true "the merge is left in the integration worktree" git -C "$wt" rev-parse -q --verify MERGE_HEAD
expect_fail 128 "an integration of feat is in progress" -- porch integrate feat
expect_fail 1 "still unmerged in $wt: shared.txt" -- porch integrate feat --continue
expect_ok porch log task-8 --json
assert_contains "$OUT" '"type": "integrate-conflict"' "the conflict is an event"
expect_ok porch log task-8
assert_contains "$OUT" "integrate-conflict" "log shows it"
assert_contains "$OUT" "feature feat, " "with the feature"
assert_contains "$OUT" "in: shared.txt" "and the files"
expect_ok porch status --json
assert_json "$OUT" '[w["integrations"] for w in d["workers"] if w["id"] == "task-8"][0][0]["state"]' conflict \
    "status shows the stopped integration"
assert_json "$OUT" '[a["kind"] for a in d["alerts"] if a["worker"] == "task-8"]' '["integration-stopped"]' \
    "with an alert"
assert_json "$OUT" '[(i["feature"], i["state"], i["current"]) for w in d["workers"] if w["id"] == "task-7" for i in w["integrations"]]' \
    '[["feat","merged",true]]' "and the worker merged before it"

expect_ok porch integrate feat --abort
assert_eq "$t1" "$(git rev-parse integration/feat)" "--abort puts the branch tip back"
assert_eq "" "$(git -C "$wt" status --porcelain --untracked-files=all)" "and the worktree"
assert_false "no merge in progress" git -C "$wt" rev-parse -q --verify MERGE_HEAD
assert_eq "$t1" "$(git -C "$wt" rev-parse HEAD)" "the worktree is at the start"
expect_ok porch status --json
assert_json "$OUT" '[w["integrations"] for w in d["workers"] if w["id"] == "task-8"][0]' '[]' \
    "after --abort the stop is gone from status"
assert_json "$OUT" '[a["kind"] for a in d["alerts"]]' '[]' "and so is the alert"
assert_json "$OUT" '[len(w["integrations"]) for w in d["workers"] if w["id"] == "task-7"]' '[1]' \
    "the merge from before the run still counts"

run porch integrate feat
assert_contains "$ERR" "conflicted in" "the same conflict again"
printf 'one\nTWO by 7 and 8\nthree\n' >"$wt/shared.txt"
git -C "$wt" add shared.txt
expect_ok porch integrate feat --continue
assert_contains "$OUT" "merged task-8 (work/task-8-y)" "--continue commits the merge"
assert_eq "Merge task-8: y" "$(git log -1 --format=%s integration/feat)" "with the merge message"
assert_eq "TWO by 7 and 8" "$(git show integration/feat:shared.txt | sed -n 2p)" "and the resolution"
expect_fail 128 "no integration of feat to continue" -- porch integrate feat --continue
cd "$T"

# --- a failing verify command stops the run ----------------------------------------------------
new_repo vf
cd vf
porch init -q
printf '[integrate]\nverify = "test ! -f f10.txt || { echo tests failed; exit 3; }"\n' >.porch.toml
git add .porch.toml && commit "Add porch settings"
expect_ok porch spawn 9 ok
expect_ok porch spawn 10 bad
complete_worker 9 f9.txt nine
complete_worker 10 f10.txt ten
run porch integrate v
assert_eq 1 "$RC" "a failing verify stops the run with status 1"
assert_contains "$ERR" "error: verify failed after merging task-10: 'test ! -f f10.txt" "and says so"
assert_contains "$ERR" "tests failed" "the command's output is shown"
assert_contains "$OUT" "merged task-9" "the worker before it was merged"
git -C worktrees/integration-v rm -q f10.txt
commit -C worktrees/integration-v "Drop f10 for now"
expect_ok porch integrate v --continue
expect_ok porch integrate v --json
assert_json "$OUT" '[d["feature"], d["branch"], d["conflict"], d["verify_failure"], d["finished"]]' \
    '["v","integration/v",null,null,false]' "--json shape"
printf '[parallelization]\nauto_cleanup = true\n' >>.porch.toml
git add .porch.toml && commit "Clean up after integration"
expect_ok porch integrate v --finish
assert_contains "$OUT" $'removed the worktree of task-9 (auto_cleanup)\nremoved the worktree of task-10 (auto_cleanup)' \
    "auto_cleanup removes the merged workers' worktrees after --finish"
assert_false "task-9's worktree is gone" test -d worktrees/task-9-ok
cd "$T"

# --- --abort after a run killed before its worktree existed --------------------------------------
porch_repo killed
expect_ok porch spawn 1 one
complete_worker 1 one.txt "one"
main_tip=$(git rev-parse main)
# Killed after making the branch and marking the run, before the worktree (or doctor removed a
# half-made one).
git update-ref refs/porch/integrate-new/k "$main_tip"
git update-ref refs/heads/integration/k "$main_tip"
git update-ref refs/porch/integrate/k "$main_tip"
expect_ok porch integrate k --abort
assert_false "the branch the run made is gone" git rev-parse -q --verify integration/k
assert_false "its marks are gone" git rev-parse -q --verify refs/porch/integrate-new/k
assert_false "no run is left" git rev-parse -q --verify refs/porch/integrate/k
# The same, with the entry of a worktree whose folder is gone (killed mid-checkout, cleaned).
git update-ref refs/porch/integrate-new/k "$main_tip"
git update-ref refs/heads/integration/k "$main_tip"
git update-ref refs/porch/integrate/k "$main_tip"
git worktree add -q worktrees/integration-k integration/k
rm -rf worktrees/integration-k
expect_ok porch integrate k --abort
assert_not_contains "$(git worktree list --porcelain)" "integration-k" "its entry is gone too"
# A branch from an earlier run, moved by a killed run whose worktree is gone: put back.
expect_ok porch integrate k
git worktree remove --force worktrees/integration-k
moved=$(git commit-tree -p integration/k -m "Merge from a killed run" "integration/k^{tree}")
git update-ref refs/porch/integrate/k "$(git rev-parse integration/k)"
before=$(git rev-parse integration/k)
git update-ref refs/heads/integration/k "$moved"
expect_ok porch integrate k --abort
assert_eq "$before" "$(git rev-parse integration/k)" "the branch is back where the run started"
assert_false "no run is left" git rev-parse -q --verify refs/porch/integrate/k
expect_ok porch integrate k
cd "$T"

finish
