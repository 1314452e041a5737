#!/usr/bin/env bash
# git porch pool: init (grows, idempotent), acquire (seed format, --json, reuse of a slot that
# rewrites only differing files, refusals), release (clean, dirty, --force rescue), status, the
# hooks in a slot, cleanup, reset and merge.
source "$(dirname "$0")/lib.sh"
cd "$T"

anchor() { printf 'porch worker %s\n' "$1" | git hash-object --stdin; }
# The events of a worker, as a JSON array in the order they happened (Lamport clock "lc").
events() { git notes --ref=porch show "$(anchor "$1")" | python3 -c '
import json, sys
print(json.dumps(sorted((json.loads(l) for l in sys.stdin if l.strip()), key=lambda e: e["lc"])))'; }
worker_json() { # <worker>: that worker's object from status --json
    git porch status --json --worker "$1" | python3 -c '
import json, sys
w = json.load(sys.stdin)["workers"]
print(json.dumps(w[0] if len(w) == 1 else None))'
}
pool_json() { git porch pool status --json; }
# slot_field <wt-n> <key>: one field of a slot in pool status --json ("None" when absent).
slot_field() { json_q "$(pool_json)" "next((s for s in d['slots'] if s['slot'] == '$1'), {}).get('$2')"; }
# The porcelain block of one worktree from git worktree list --porcelain.
wt_block() { git worktree list --porcelain | awk -v p="worktree $1" '$0 == p {on = 1} on && $0 == "" {exit} on'; }
stamp() { stat -c '%i %Y.%y' "$1"; } # inode and modification time (to the nanosecond)
quiet() { "$@" >/dev/null 2>&1; }
claim_of() { git rev-parse -q --verify "refs/porch/pool/$1" || true; }

new_repo r
cd r
# Many files, so that a slot switch touching only the differing ones is visible.
mkdir -p src
for i in $(seq 1 40); do printf 'file %s\n' "$i" >"src/f$i.txt"; done
printf 'shared\n' >shared.txt
printf 'one\ntwo\nthree\n' >conflict.txt
git add . && tick && git commit -q -m "Add files"
expect_ok porch init -q
git add .porch.toml && commit "Add porch settings"
main_tip=$(git rev-parse main)
P=$T/r/worktrees

# --- no pool yet ----------------------------------------------------------------------------------
expect_ok porch pool status
assert_contains "$OUT" "no pool here" "status without a pool says so"
assert_json "$(pool_json)" '[d["version"], d["size"], d["busy"], d["slots"]]' '[1,0,0,[]]' \
    "status --json without a pool: no slots"
snapshot_state nopool
expect_fail 128 "there is no pool here" -- porch pool acquire 1 api
assert_contains "$ERR" "git porch pool init" "the refusal says how to make a pool"
assert_state_unchanged nopool . "acquire without a pool changes nothing"
assert_false "no branch was made without a pool" git show-ref -q --verify refs/heads/work/task-1-api

# --- init ----------------------------------------------------------------------------------------
expect_fail 129 "between 1 and 256" -- porch pool init 0
expect_fail 129 "between 1 and 256" -- porch pool init 257
assert_state_unchanged nopool . "a refused init changes nothing"

expect_ok porch pool init 3
assert_eq $'created wt-1\ncreated wt-2\ncreated wt-3\nnext: git porch pool acquire <id> <description>' \
    "$OUT" "init reports each slot it made"
for n in 1 2 3; do
    assert_eq $'worktree '"$P/wt-$n"$'\nHEAD '"$main_tip"$'\ndetached\nlocked porch pool slot' \
        "$(wt_block "$P/wt-$n")" "wt-$n is a worktree detached at main, locked with porch's reason"
    assert_eq "" "$(git -C "$P/wt-$n" status --porcelain --ignored)" "wt-$n is clean"
    assert_true "wt-$n has the files of main" cmp -s src/f7.txt "$P/wt-$n/src/f7.txt"
    assert_eq "" "$(claim_of "wt-$n")" "wt-$n has no claim"
done
assert_eq 4 "$(git worktree list --porcelain | grep -c '^worktree ')" "three slots and the main checkout"
assert_eq "" "$(git status --porcelain)" "the slots do not show in the main checkout's status"
assert_eq "$main_tip" "$(git rev-parse HEAD)" "init does not move main"
expect_ok porch pool status --json
assert_json "$OUT" '[d["size"], d["busy"], [s["state"] for s in d["slots"]]]' '[3,0,["idle","idle","idle"]]' \
    "three idle slots"

# Idempotent, never shrinks.
snapshot_state init3
expect_ok porch pool init 3
assert_contains "$OUT" "the pool already has those slots" "a second init says there is nothing to do"
assert_not_contains "$OUT" "created" "a second init creates nothing"
expect_ok porch pool init 2
assert_contains "$OUT" "the pool already has those slots" "init with a smaller size does nothing"
assert_state_unchanged init3 . "init 3 and init 2 on a pool of 3 change nothing"

# --- acquire: the seed's output format, the slot, the worker ----------------------------------------
expect_ok porch pool acquire 1 api
assert_eq "wt-1|$P/wt-1|work/task-1-api" "$OUT" "acquire prints wt-<n>|<absolute path>|<branch>, one line"
assert_eq "refs/heads/work/task-1-api" "$(git -C "$P/wt-1" symbolic-ref -q HEAD)" "wt-1 is on the new branch"
assert_eq "$main_tip" "$(git rev-parse work/task-1-api)" "the new branch starts at main"
assert_eq "" "$(git -C "$P/wt-1" status --porcelain --ignored)" "the acquired slot is clean"
assert_eq "$(anchor task-1)" "$(claim_of wt-1)" "wt-1 is claimed by the blob 'porch worker task-1'"
assert_eq "" "$(claim_of wt-2)$(claim_of wt-3)" "no other slot is claimed"
assert_contains "$(wt_block "$P/wt-1")" $'branch refs/heads/work/task-1-api\nlocked porch pool slot' \
    "the slot stays locked while busy"
assert_eq "refs/heads/main" "$(git symbolic-ref HEAD)" "the main checkout stays on main"
w=$(worker_json task-1)
assert_json "$w" '[d["id"], d["branch"], d["state"], d["worktree"], d["worktree_missing"]]' \
    "[\"task-1\",\"work/task-1-api\",\"new\",\"$P/wt-1\",false]" "status sees task-1 in its slot"
ev=$(events task-1)
assert_json "$ev" '[e["type"] for e in d]' '["spawned"]' "one spawned event"
assert_json "$ev" '[d[0]["slot"], d[0]["worktree"], d[0]["branch"], d[0]["base"], d[0]["base_ref"]]' \
    "[\"wt-1\",\"worktrees/wt-1\",\"work/task-1-api\",\"$main_tip\",\"main\"]" "the spawned event names the slot"
assert_json "$(pool_json)" '[d["busy"], d["slots"][0]["state"], d["slots"][0]["worker"], d["slots"][0]["branch"]]' \
    '[1,"busy","task-1","work/task-1-api"]' "pool status: wt-1 is busy for task-1"

# --json, --base, --scope, --needs.
git branch feature main
git worktree add -q "$T/feat" feature
printf 'feature\n' >"$T/feat/feature.txt"
git -C "$T/feat" add feature.txt && tick && git -C "$T/feat" commit -q -m "Add feature"
feature_tip=$(git rev-parse feature)
expect_ok porch pool acquire task-2 ui --base feature --scope src/ --needs 1 --json
assert_json "$OUT" 'sorted(d)' '["base","base_commit","branch","path","setup","slot","worker"]' "acquire --json keys"
assert_json "$OUT" '[d["slot"], d["path"], d["branch"], d["worker"], d["base"], d["base_commit"]]' \
    "[\"wt-2\",\"$P/wt-2\",\"work/task-2-ui\",\"task-2\",\"feature\",\"$feature_tip\"]" "acquire --json values"
assert_eq "$feature_tip" "$(git -C "$P/wt-2" rev-parse HEAD)" "--base: the slot is at the base given"
assert_true "--base: the slot has the base's files" test -f "$P/wt-2/feature.txt"
ev=$(events task-2)
assert_json "$ev" '[d[0]["slot"], d[0]["scope"], d[0]["needs"], d[0]["base_ref"]]' \
    '["wt-2",["src/"],["task-1"],"feature"]' "the event carries slot, scope, needs and the base"

# --- growing: new slots only; busy and idle ones untouched; a stray folder is not taken ------------
before1=$(stamp "$P/wt-1/src/f1.txt") before3=$(stamp "$P/wt-3/README")
dirs_before=$(stat -c '%i' "$P/wt-1" "$P/wt-2" "$P/wt-3")
mkdir "$P/wt-5" && printf 'mine\n' >"$P/wt-5/keep.txt"
expect_ok porch pool init 5
assert_contains "$OUT" $'created wt-4\nskipped wt-5: '"$P/wt-5"' exists and is not a slot' \
    "growing creates wt-4 and skips a folder that is not a slot"
assert_not_contains "$OUT" "wt-1" "growing does not touch wt-1"
assert_eq "mine" "$(cat "$P/wt-5/keep.txt")" "the stray folder is left as it was"
assert_eq "$dirs_before" "$(stat -c '%i' "$P/wt-1" "$P/wt-2" "$P/wt-3")" "the old slot folders are the same folders"
assert_eq "$before1 $before3" "$(stamp "$P/wt-1/src/f1.txt") $(stamp "$P/wt-3/README")" \
    "files in old slots are not rewritten by growing"
assert_eq "refs/heads/work/task-1-api" "$(git -C "$P/wt-1" symbolic-ref -q HEAD)" "busy wt-1 stays busy"
assert_json "$(pool_json)" '[d["size"], d["busy"], [s["slot"] for s in d["slots"]]]' \
    '[4,2,["wt-1","wt-2","wt-3","wt-4"]]' "four slots, two busy"
rm -rf "$P/wt-5"
expect_ok porch pool init 5
assert_eq $'created wt-5\nnext: git porch pool acquire <id> <description>' "$OUT" "once moved away, wt-5 is made"

# --- commits in a slot go through porch's hooks ------------------------------------------------------
printf 'changed by task-1\n' >"$P/wt-1/src/f2.txt"
printf 'added by task-1\n' >"$P/wt-1/src/new1.txt"
git -C "$P/wt-1" add src
tick
run git -C "$P/wt-1" commit -q -m "not a protocol message"
assert_true "a commit without a status tag is refused in a slot (exit $RC)" test "$RC" -ne 0
assert_contains "$ERR" "commit rejected (task-1)" "commit-msg names the slot's worker"
assert_eq "$main_tip" "$(git rev-parse work/task-1-api)" "the refused commit was not made"
run git -C "$P/wt-1" commit -q -m "[CHECKPOINT] Change f2 and add new1"
assert_eq 0 "$RC" "a protocol commit in a slot is accepted"
t1_tip=$(git rev-parse work/task-1-api)
assert_ne "$main_tip" "$t1_tip" "the branch moved"
assert_json "$(events task-1)" '[e["type"] for e in d]' '["spawned","commit"]' "post-commit recorded the commit"
assert_json "$(worker_json task-1)" '[d["state"], d["commits"]]' '["checkpoint",1]' "status counts the commit"
# A slot switched to another branch by hand still belongs to its worker.
git -C "$P/wt-1" switch -q -c stray
printf 'x\n' >"$P/wt-1/stray.txt"
git -C "$P/wt-1" add stray.txt
tick
run git -C "$P/wt-1" commit -q -m "[CHECKPOINT] On the wrong branch"
assert_true "pre-commit refuses a commit on another branch in a claimed slot (exit $RC)" test "$RC" -ne 0
assert_contains "$ERR" "this worktree belongs to task-1 (branch work/task-1-api)" "pre-commit says whose slot it is"
assert_eq "$t1_tip" "$(git rev-parse stray)" "the refused commit was not made on the stray branch"
expect_ok porch pool status --json
assert_json "$OUT" '[d["slots"][0]["state"], d["slots"][0]["problem"]]' \
    '["broken","claimed by task-1 but on '"'"'stray'"'"'"]' "pool status shows the slot on a stray branch"
git -C "$P/wt-1" rm -q --cached stray.txt && rm "$P/wt-1/stray.txt"
git -C "$P/wt-1" switch -q work/task-1-api
git branch -q -D stray
assert_eq "busy" "$(slot_field wt-1 state)" "switched back, the slot is busy again"

# --- release: back to idle, the branch and its commits stay ------------------------------------------
f1_before=$(stamp "$P/wt-1/src/f1.txt")
expect_ok porch pool release wt-1
assert_eq "released wt-1 (task-1); its branch stays" "$OUT" "release says what it did"
assert_eq "$t1_tip" "$(git rev-parse work/task-1-api)" "the worker's branch keeps its commit"
assert_false "wt-1 is detached" git -C "$P/wt-1" symbolic-ref -q HEAD
assert_eq "$main_tip" "$(git -C "$P/wt-1" rev-parse HEAD)" "wt-1 is back at the base"
assert_eq "" "$(git -C "$P/wt-1" status --porcelain --ignored)" "wt-1 is clean"
assert_false "the worker's new file is gone from the slot" test -e "$P/wt-1/src/new1.txt"
assert_eq "file 2" "$(cat "$P/wt-1/src/f2.txt")" "the worker's change is gone from the slot"
assert_eq "" "$(claim_of wt-1)" "the claim is dropped"
assert_contains "$(wt_block "$P/wt-1")" $'detached\nlocked porch pool slot' "the idle slot is still locked"
assert_eq "idle" "$(slot_field wt-1 state)" "pool status: wt-1 is idle"
assert_json "$(events task-1)" '[[e["type"], e.get("slot")] for e in d]' \
    '[["spawned","wt-1"],["commit",null],["released","wt-1"]]' "a released event names the slot"
w=$(worker_json task-1)
assert_json "$w" '[d["state"], d["commits"], d["worktree"]]' '["checkpoint",1,null]' \
    "the released worker is still known, without a worktree"
assert_eq "$f1_before" "$(stamp "$P/wt-1/src/f1.txt")" "release does not rewrite a file the branch did not change"

# Reuse: the lowest idle slot is taken; a switch rewrites only the files that differ.
git show "$t1_tip:src/f2.txt" >"$T/f2.expect"
f2_before=$(stamp "$P/wt-1/src/f2.txt")
expect_ok porch pool acquire 3 reuse --base "$t1_tip"
assert_eq "wt-1|$P/wt-1|work/task-3-reuse" "$OUT" "acquire reuses the idle wt-1 (the lowest free slot)"
assert_eq "$f1_before" "$(stamp "$P/wt-1/src/f1.txt")" \
    "a file identical in both commits keeps its inode and modification time"
assert_ne "$f2_before" "$(stamp "$P/wt-1/src/f2.txt")" "a file that differs is rewritten"
assert_file_eq "$T/f2.expect" "$P/wt-1/src/f2.txt" "the differing file has the new branch's content"
assert_true "a file only in the new branch appears" test -f "$P/wt-1/src/new1.txt"
assert_eq "" "$(git -C "$P/wt-1" status --porcelain)" "the reused slot is clean"
assert_json "$(events task-3)" 'd[0]["slot"]' wt-1 "task-3's spawned event names wt-1"

# --- refusals change nothing (with free slots) --------------------------------------------------------
snapshot_state refusals
expect_fail 128 "invalid worker id 'Bad'" -- porch pool acquire Bad x
expect_fail 128 "invalid description 'Not_A_Slug'" -- porch pool acquire 4 Not_A_Slug
expect_fail 128 "worker task-1 already exists on branch work/task-1-api" -- porch pool acquire 1 other
expect_fail 128 "worker task-2 already exists" -- porch pool acquire task-2 ui
expect_fail 128 "base 'nope' is not a commit here" -- porch pool acquire 4 x --base nope
expect_fail 128 "cannot need itself" -- porch pool acquire 4 x --needs 4
expect_fail 129 "desc is required" -- porch pool acquire 4
git branch -q work/task-4-taken main
snapshot_state refusals2
expect_fail 128 "worker task-4 already exists on branch work/task-4-taken" -- porch pool acquire 4 taken
assert_state_unchanged refusals2 . "refused acquires change nothing"
git branch -q -D work/task-4-taken
assert_state_unchanged refusals . "refused acquires change nothing (no claim, branch, event, slot change)"

# --- exhausted --------------------------------------------------------------------------------------
expect_ok porch pool acquire 4 four
assert_contains "$OUT" "wt-3|" "task-4 gets wt-3"
expect_ok porch pool acquire 5 five
expect_ok porch pool acquire 6 six
assert_eq "wt-5|$P/wt-5|work/task-6-six" "$OUT" "task-6 gets the last slot"
snapshot_state full
expect_fail 128 "cannot acquire: the pool is exhausted, all 5 slots are busy" -- porch pool acquire 7 seven
assert_contains "$ERR" "hint: release one with: git porch pool release <wt-id|task-id>" "the hint says how to free a slot"
assert_state_unchanged full . "an exhausted pool: nothing changed"
assert_false "no branch for the refused worker" git show-ref -q --verify refs/heads/work/task-7-seven
assert_false "no event for the refused worker" quiet git notes --ref=porch show "$(anchor task-7)"
expect_ok porch pool status
assert_contains "$OUT" "5/5 slots busy" "status shows the pool full"

# A dirty idle slot is not handed out, and the refusal says so.
expect_ok porch pool release task-6
printf 'left behind\n' >"$P/wt-5/leftover.txt"
snapshot_state dirty_idle
expect_fail 128 "the pool is exhausted" -- porch pool acquire 7 seven
assert_contains "$ERR" "skipped idle slots with uncommitted files (see git porch pool health): wt-5" \
    "the refusal names the dirty idle slot it skipped"
assert_state_unchanged dirty_idle . "skipping a dirty slot changes nothing"
assert_eq "left behind" "$(cat "$P/wt-5/leftover.txt")" "the dirty slot's file stays"
rm "$P/wt-5/leftover.txt"

# --- release refusals ----------------------------------------------------------------------------------
expect_fail 128 "slot wt-5 is not in use" -- porch pool release wt-5
expect_fail 128 "no pool slot 'wt-9'" -- porch pool release wt-9
expect_fail 128 "no pool slot '77'" -- porch pool release 77
expect_fail 128 "no pool slot 'task-6'" -- porch pool release task-6

# Uncommitted and untracked work: refused, listing the paths, nothing changed.
s4=$P/wt-3
printf 'modified by task-4\n' >"$s4/src/f3.txt"
printf 'staged by task-4\n' >"$s4/src/f4.txt"
git -C "$s4" add src/f4.txt
rm "$s4/src/f5.txt"
mkdir -p "$s4/notes"
printf 'untracked by task-4\n' >"$s4/notes/todo.txt"
printf 'ignored\n' >"$s4/build.log"
printf 'build.log\n' >>"$(git rev-parse --git-common-dir)/info/exclude"
t4_tip=$(git rev-parse work/task-4-four)
snapshot_state dirty
expect_fail 128 "slot wt-3 (task-4) has 4 uncommitted or untracked path(s)" -- porch pool release task-4
for f in src/f3.txt src/f4.txt src/f5.txt notes/todo.txt; do
    assert_contains "$ERR" $'\nhint:   '"$f" "the refusal lists $f"
done
assert_not_contains "$ERR" "build.log" "an ignored file is not work"
assert_contains "$ERR" "release with --force to save them under refs/porch/rescued/task-4/" "the hint offers --force"
assert_state_unchanged dirty . "a refused release changes nothing"
assert_eq "refs/heads/work/task-4-four" "$(git -C "$s4" symbolic-ref -q HEAD)" "the slot is still task-4's"

# --force saves everything on a commit under refs/porch/rescued/<worker>/.
expect_ok porch pool release 4 --force
assert_match "$OUT" $'^released wt-3 \\(task-4\\); its branch stays\nuncommitted work saved at refs/porch/rescued/task-4/[0-9]+-wt-3\n  see it with: git show --stat refs/porch/rescued/task-4/[0-9]+-wt-3$' \
    "release --force says where the work is"
rescued=$(git for-each-ref --format='%(refname)' refs/porch/rescued/task-4/)
assert_match "$rescued" '^refs/porch/rescued/task-4/[0-9]+-wt-3$' "one rescued ref for task-4"
assert_contains "$OUT" "$rescued" "the printed ref is the one made"
assert_eq "$t4_tip" "$(git rev-parse "$rescued^")" "the rescued commit's parent is the worker's HEAD"
assert_eq "$t4_tip" "$(git rev-parse work/task-4-four)" "the worker's branch does not move"
assert_eq "modified by task-4" "$(git show "$rescued:src/f3.txt")" "the rescued tree has the modified file"
assert_eq "staged by task-4" "$(git show "$rescued:src/f4.txt")" "the rescued tree has the staged file"
assert_eq "untracked by task-4" "$(git show "$rescued:notes/todo.txt")" "the rescued tree has the untracked file"
assert_false "the rescued tree records the deletion" quiet git cat-file -e "$rescued:src/f5.txt"
assert_false "the ignored file is not rescued" quiet git cat-file -e "$rescued:build.log"
assert_eq "file 6" "$(git show "$rescued:src/f6.txt")" "the rescued tree keeps the untouched files"
assert_eq "" "$(git -C "$s4" status --porcelain)" "the slot is clean after a forced release"
assert_false "the untracked file is gone from the slot" test -e "$s4/notes/todo.txt"
assert_eq "$main_tip" "$(git -C "$s4" rev-parse HEAD)" "the slot is back at the base"
assert_false "no temporary rescue index is left" test -e "$(git rev-parse --git-common-dir)/worktrees/wt-3/porch-rescue.index"
assert_json "$(events task-4)" 'd[-1]["type"] + " " + d[-1]["rescued"]' "released $rescued" \
    "the released event names the rescued ref"
rm -f "$s4/build.log"

# --json, and release by task-<id> of a slot with nothing uncommitted.
expect_ok porch pool release task-5 --json
assert_json "$OUT" '[d["slot"], d["worker"], d["rescued"]]' '["wt-4","task-5",null]' "release --json"

# --- status: text and JSON ------------------------------------------------------------------------------
# Now: wt-1 task-3, wt-2 task-2, wt-3/4/5 idle.
expect_ok porch pool status
assert_match "$(sed -n 1p <<<"$OUT")" "^wt-1 +busy +task-3 +work/task-3-reuse +[0-9]+[smhdwy] +$P/wt-1\$" "status row of a busy slot"
assert_match "$(sed -n 4p <<<"$OUT")" "^wt-4 +idle +- +- +- +$P/wt-4\$" "status row of an idle slot"
assert_eq 6 "$(wc -l <<<"$OUT")" "one row per slot and the progress line"
assert_eq "[████████░░░░░░░░░░░░] 2/5 slots busy" "$(tail -n 1 <<<"$OUT")" "the progress line: 8 of 20 cells filled"
assert_no_esc "$OUT" "no colour when stdout is not a terminal"
expect_ok porch pool status --json
assert_json "$OUT" '[d["version"], d["size"], d["busy"]]' '[1,5,2]' "status --json totals"
assert_json "$OUT" '[sorted(s) for s in d["slots"]][0]' '["age","branch","path","problem","slot","state","worker"]' \
    "status --json slot keys"
assert_json "$OUT" '[[s["slot"], s["state"], s["worker"], s["branch"], s["problem"]] for s in d["slots"]]' \
    '[["wt-1","busy","task-3","work/task-3-reuse",null],["wt-2","busy","task-2","work/task-2-ui",null],["wt-3","idle",null,null,null],["wt-4","idle",null,null,null],["wt-5","idle",null,null,null]]' \
    "status --json slots"
assert_json "$OUT" '[s["path"] for s in d["slots"]]' "[\"$P/wt-1\",\"$P/wt-2\",\"$P/wt-3\",\"$P/wt-4\",\"$P/wt-5\"]" \
    "status --json paths"
assert_json "$OUT" '[isinstance(d["slots"][0]["age"], int) and d["slots"][0]["age"] >= 0, d["slots"][3]["age"]]' \
    '[true,null]' "age: seconds for a busy slot, null for an idle one"
in_dir "$P/wt-2" expect_ok porch pool status --json
assert_json "$OUT" 'd["size"]' 5 "status works from inside a slot"

# --- cleanup: idle slots go; busy and dirty ones stay, saying why -------------------------------------
printf 'unsaved\n' >"$P/wt-4/unsaved.txt"
expect_ok porch pool cleanup
assert_eq $'kept wt-1: in use by task-3\nkept wt-2: in use by task-2\nremoved wt-3\nkept wt-4: it has uncommitted files (see git porch pool health)\nremoved wt-5' \
    "$OUT" "cleanup says what it removed and why it kept the others"
assert_false "wt-3's folder is gone" test -e "$P/wt-3"
assert_false "wt-5's folder is gone" test -e "$P/wt-5"
assert_eq "unsaved" "$(cat "$P/wt-4/unsaved.txt")" "the dirty idle slot keeps its file"
assert_true "busy slots keep their folders" test -f "$P/wt-1/src/new1.txt"
wts=$(git worktree list --porcelain | sed -n 's/^worktree //p' | sort)
assert_eq "$(printf '%s\n' "$T/feat" "$T/r" "$P/wt-1" "$P/wt-2" "$P/wt-4" | sort)" "$wts" \
    "git knows the main checkout, the user's worktree and the kept slots"
assert_false "no worktree admin folder is left for wt-3" test -e .git/worktrees/wt-3
assert_contains "$(wt_block "$P/wt-4")" "locked porch pool slot" "the kept idle slot is still locked"
assert_eq "refs/heads/work/task-3-reuse" "$(git -C "$P/wt-1" symbolic-ref HEAD)" "busy wt-1 untouched"
assert_json "$(pool_json)" '[s["slot"] for s in d["slots"]]' '["wt-1","wt-2","wt-4"]' "three slots left"
rm "$P/wt-4/unsaved.txt"

# --- reset [N]: cleanup, then init ----------------------------------------------------------------------
expect_ok porch pool reset 3
assert_eq $'kept wt-1: in use by task-3\nkept wt-2: in use by task-2\nremoved wt-4\ncreated wt-3' "$OUT" \
    "reset 3 removes the idle slots and makes wt-1..wt-3"
assert_json "$(pool_json)" '[[s["slot"], s["state"]] for s in d["slots"]]' \
    '[["wt-1","busy"],["wt-2","busy"],["wt-3","idle"]]' "after reset 3"
assert_false "wt-4 is gone" test -e "$P/wt-4"
assert_eq "$main_tip" "$(git -C "$P/wt-3" rev-parse HEAD)" "the new wt-3 is at the base"
expect_ok porch pool release task-3
expect_ok porch pool release task-2
expect_ok porch pool reset
assert_contains "$OUT" $'removed wt-1\nremoved wt-2\nremoved wt-3\ncreated wt-1' "reset without N empties the pool first"
assert_contains "$OUT" "created wt-8" "reset without N makes the default 8 slots"
assert_json "$(pool_json)" '[d["size"], d["busy"]]' '[8,0]' "eight idle slots after reset"
assert_eq "$t1_tip" "$(git rev-parse work/task-1-api)" "reset keeps the workers' branches"
assert_eq "" "$(git status --porcelain)" "the main checkout is still clean"
assert_eq "$main_tip" "$(git rev-parse main)" "main never moved"
cd "$T"

# --- merge ----------------------------------------------------------------------------------------------
new_repo m
cd m
printf 'one\ntwo\nthree\n' >shared.txt
git add shared.txt && commit "Add shared"
expect_ok porch pool init 4
m_base=$(git rev-parse main)
expect_ok porch pool merge
assert_eq "no busy slots to merge" "$OUT" "merge without busy slots"
assert_eq "$m_base" "$(git rev-parse main)" "nothing merged"

in_slot_commit() { # <slot> <file> <content> <subject>
    printf '%s\n' "$3" >"$T/m/worktrees/$1/$2"
    git -C "$T/m/worktrees/$1" add "$2"
    tick
    git -C "$T/m/worktrees/$1" commit -q -m "$4"
}
expect_ok porch pool acquire 21 alpha
expect_ok porch pool acquire 22 beta
expect_ok porch pool acquire 23 gamma
expect_ok porch pool release 22 # wt-2 idle: not merged
expect_ok porch pool acquire 24 delta
assert_contains "$OUT" "wt-2|" "task-24 reuses wt-2"
in_slot_commit wt-1 a.txt alpha "[CHECKPOINT] Alpha"
in_slot_commit wt-2 d.txt delta "[CHECKPOINT] Delta"
in_slot_commit wt-3 g.txt gamma "[COMPLETE] Gamma"
tick
expect_ok porch pool merge
assert_eq $'merged task-21\nmerged task-24\nmerged task-23' "$OUT" "merge goes in slot order"
assert_eq $'Merge task-23: gamma\nMerge task-24: delta\nMerge task-21: alpha\nAdd shared' \
    "$(git log --first-parent --format=%s -4 main)" "merge commits on main, slot order, 'Merge task-<id>: <desc>'"
for c in 1 2 3; do
    assert_eq 3 "$(git rev-list --parents -1 "main~$((c - 1))" | wc -w)" "merge $c is a merge commit (two parents)"
done
assert_eq "alpha delta gamma" "$(cat a.txt d.txt g.txt | xargs)" "the main checkout has all three files"
assert_eq "" "$(git status --porcelain)" "the main checkout is clean after the merge"
assert_eq "" "$(git worktree list --porcelain | grep porch-merge || true)" "the merge worktree is removed"
assert_false "no merge folder is left" compgen -G "$T/m/worktrees/.porch-merge-*"

# Into another branch (not checked out anywhere).
git branch integ "$m_base"
expect_ok porch pool merge integ
assert_eq $'Merge task-23: gamma\nMerge task-24: delta\nMerge task-21: alpha\nAdd shared' \
    "$(git log --first-parent --format=%s -4 integ)" "merge <branch> merges into that branch"
expect_fail 128 "no branch 'nope' to merge into" -- porch pool merge nope

# A conflict stops the merge at the first conflicting worker, naming the files; main stays.
expect_ok porch pool release 21
expect_ok porch pool release 23
expect_ok porch pool release 24
expect_ok porch pool acquire 31 first
expect_ok porch pool acquire 32 second
expect_ok porch pool acquire 33 third
in_slot_commit wt-1 shared.txt $'one\nTWO by 31\nthree' "[CHECKPOINT] 31 edits shared"
in_slot_commit wt-2 shared.txt $'one\nTWO by 32\nthree' "[CHECKPOINT] 32 edits shared"
printf 'x\n' >worktrees/wt-2/other.txt
git -C worktrees/wt-2 add other.txt
tick
git -C worktrees/wt-2 commit -q -m "[CHECKPOINT] 32 adds other"
in_slot_commit wt-3 t.txt third "[CHECKPOINT] Third"
main_before=$(git rev-parse main)
run porch pool merge
assert_eq 1 "$RC" "a conflicting merge exits 1"
assert_eq "merged task-31" "$OUT" "the merges before the conflict are reported; none after it"
assert_contains "$ERR" $'error: merging task-32 conflicted in:\n  shared.txt\nhint: resolve in ' \
    "the conflict names the worker and the file"
assert_not_contains "$ERR" "other.txt" "only conflicting files are listed"
assert_eq "$main_before" "$(git rev-parse main)" "main does not move when a merge conflicts"
assert_eq "" "$(git status --porcelain)" "the main checkout is untouched by a conflict"
mwt=$(sed -n 's/^hint: resolve in \(.*\), commit, then fast-forward the target branch to it$/\1/p' <<<"$ERR")
assert_match "$mwt" "^$T/m/worktrees/\\.porch-merge-" "the hint names the merge worktree"
assert_true "the merge worktree has the conflict" quiet git -C "$mwt" rev-parse -q --verify MERGE_HEAD
assert_false "task-33 was not merged" test -e "$mwt/t.txt"
cd "$T"

# --- a worktree outside the pool folder is no slot, whatever its name ---------------------------------
porch_repo o
expect_ok porch pool init 1
expect_ok porch pool acquire 1 api
git worktree add -q "$T/elsewhere/wt-1" -b mine
assert_json "$(git porch pool status --json)" '[s["path"] for s in d["slots"]]' "[\"$T/o/worktrees/wt-1\"]" \
    "pool status does not count the user's worktree named wt-1"
printf 'z\n' >"$T/elsewhere/wt-1/z.txt"
git -C "$T/elsewhere/wt-1" add z.txt
tick
run git -C "$T/elsewhere/wt-1" commit -q -m "An ordinary commit"
assert_true "the hooks treat any worktree named wt-<n> (here $T/elsewhere/wt-1, outside the pool folder) as pool slot wt-<n>: its commit is refused as task-1's ($(head -n 1 <<<"$ERR"))" \
    test "$RC" -eq 0

finish
