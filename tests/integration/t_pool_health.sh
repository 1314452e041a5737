#!/usr/bin/env bash
# git porch pool health [--fix] [--json]: what it finds (missing slot folders, stale locks,
# claims without a checkout, slots switched by hand, dirty idle slots, claims without a slot,
# strange folders), what --fix repairs, what it must never touch (other worktrees), exit codes.
source "$(dirname "$0")/lib.sh"
cd "$T"

quiet() { "$@" >/dev/null 2>&1; }
claim_of() { git rev-parse -q --verify "refs/porch/pool/$1" || true; }
claim() { # <slot> <worker>: a claim as acquire makes it, without anything else
    git update-ref "refs/porch/pool/$1" "$(printf 'porch worker %s\n' "$2" | git hash-object -w --stdin)"
}
slot_field() { json_q "$(git porch pool status --json)" "next((s for s in d['slots'] if s['slot'] == '$1'), {}).get('$2')"; }
wt_block() { git worktree list --porcelain | awk -v p="worktree $1" '$0 == p {on = 1} on && $0 == "" {exit} on'; }
stamp() { stat -c '%i %Y.%y' "$1"; }
# The findings of health --json as "slot|fixed|problem" lines (slot "-" for pool-wide ones).
findings() { json_q "$1" '"\n".join("%s|%s|%s" % (f["slot"] or "-", str(f["fixed"]).lower(), f["problem"]) for f in d["findings"])'; }

new_repo r
cd r
mkdir -p src
for i in 1 2 3; do printf 'file %s\n' "$i" >"src/f$i.txt"; done
git add src && tick && git commit -q -m "Add files"
expect_ok porch init -q
git add .porch.toml && commit "Add porch settings"
main_tip=$(git rev-parse main)
P=$T/r/worktrees
G=$T/r/.git

expect_ok porch pool init 6
expect_ok porch pool acquire 1 one
printf 'work in progress\n' >"$P/wt-1/src/f1.txt" # busy slots may be dirty: that is work, not a problem

# An unrelated, unlocked worktree of the user's, moved away: git calls it prunable; porch must
# leave it registered (a bare `git worktree prune` would drop it).
git worktree add -q "$T/userwt" -b userb
printf 'user work\n' >"$T/userwt/user.txt"
git -C "$T/userwt" add user.txt
mv "$T/userwt" "$T/userwt-moved"
assert_contains "$(wt_block "$T/userwt")" "prunable" "test setup: git sees the moved worktree as prunable"

# --- a healthy pool ----------------------------------------------------------------------------------
snapshot_state healthy
expect_ok porch pool health
assert_eq "the pool is healthy" "$OUT" "health on a healthy pool"
expect_ok porch pool health --json
assert_json "$OUT" 'd' '{"findings":[],"healthy":true}' "health --json on a healthy pool"
expect_ok porch pool health --fix
assert_eq "the pool is healthy" "$OUT" "health --fix on a healthy pool"
assert_state_unchanged healthy . "health on a healthy pool changes nothing"

# --- break it in every way health knows ---------------------------------------------------------------
wt1_stamp=$(stamp "$P/wt-1/src/f2.txt")
# wt-2: its folder deleted by hand (idle).
rm -rf "$P/wt-2"
# Stale locks left by killed processes, and one fresh lock of a live process.
touch -d '10 minutes ago' "$G/refs/porch/pool/wt-1.lock" "$G/refs/notes/porch.lock" "$G/worktrees/wt-6/index.lock"
touch "$G/refs/heads/fresh.lock"
# wt-3: claimed by a process killed before its checkout; the worker's branch exists.
git branch work/task-9-x main
claim wt-3 task-9
# wt-4: claimed by a process killed before it made the branch.
claim wt-4 task-8
# wt-5: switched to a branch by hand, without a claim.
git -C "$P/wt-5" switch -q -c handmade
# wt-6: idle, with a modified and an untracked file.
printf 'changed in an idle slot\n' >"$P/wt-6/src/f3.txt"
mkdir -p "$P/wt-6/tmp"
printf 'forgotten\n' >"$P/wt-6/tmp/forgotten.txt"
# A claim for a slot that does not exist.
claim wt-9 task-7
# A folder that looks like a slot but is no worktree.
mkdir "$P/wt-7"
printf 'mine\n' >"$P/wt-7/mine.txt"

expect_ok porch pool status --json
assert_json "$OUT" '[[s["slot"], s["state"], s["problem"]] for s in d["slots"]]' \
    "[[\"wt-1\",\"busy\",null],[\"wt-2\",\"broken\",\"its folder is missing\"],[\"wt-3\",\"broken\",\"claimed by task-9 but detached\"],[\"wt-4\",\"broken\",\"claimed by task-8 but detached\"],[\"wt-5\",\"broken\",\"has 'handmade' checked out without a claim\"],[\"wt-6\",\"idle\",null]]" \
    "pool status shows each broken slot and why"

# --- health without --fix: finds everything, changes nothing, exits 1 ---------------------------------
snapshot_state broken
run porch pool health
assert_eq 1 "$RC" "health exits 1 when it finds problems"
assert_eq "" "$ERR" "health prints its findings on stdout"
assert_contains "$OUT" $'found  stale lock '"$G"$'/refs/porch/pool/wt-1.lock left by a killed process\n       remove it once no git process is running: rm '"'$G/refs/porch/pool/wt-1.lock'" \
    "a stale claim lock is found, with what to do"
assert_contains "$OUT" "found  stale lock $G/refs/notes/porch.lock" "a stale lock of the event notes is found"
assert_contains "$OUT" "found  stale lock $G/worktrees/wt-6/index.lock" "a stale index lock of a slot is found"
assert_not_contains "$OUT" "fresh.lock" "a fresh lock is not called stale"
assert_contains "$OUT" $'found  wt-2: the folder '"$P"$'/wt-2 is missing\n       run git porch pool health --fix to make the slot again' \
    "the missing slot folder is found"
assert_contains "$OUT" "found  wt-3: claimed by task-9 but detached" "a claim without a checkout is found"
assert_contains "$OUT" "found  wt-4: claimed by task-8 but detached" "a claim without a branch is found"
assert_contains "$OUT" "found  wt-5: has 'handmade' checked out without a claim" "a slot switched by hand is found"
assert_contains "$OUT" $'found  wt-6: idle but has 2 uncommitted path(s)\n       run git porch pool health --fix to save them under refs/porch/rescued/pool/ and clean the slot' \
    "a dirty idle slot is found"
assert_contains "$OUT" "found  wt-9: claimed, but git knows no slot wt-9" "a claim without a slot is found"
assert_contains "$OUT" "found  wt-7: folder $P/wt-7 is not a worktree git knows" "a strange folder is found"
assert_not_contains "$OUT" "wt-1:" "the busy (and dirty) wt-1 is not a finding"
assert_not_contains "$OUT" "userwt" "the user's worktree is not the pool's business"
assert_eq 10 "$(grep -c '^found  ' <<<"$OUT")" "ten findings, one line each"
assert_state_unchanged broken . "health without --fix changes nothing"
assert_true "the stale lock is still there" test -e "$G/refs/notes/porch.lock"

run porch pool health --json
assert_eq 1 "$RC" "health --json exits 1 too"
assert_json "$OUT" 'sorted(d)' '["findings","healthy"]' "health --json keys"
assert_json "$OUT" '[d["healthy"], len(d["findings"]), sorted(d["findings"][0])]' \
    '[false,10,["action","fixed","problem","slot"]]' "health --json: unhealthy, ten findings"
assert_json "$OUT" '[f["fixed"] for f in d["findings"]]' '[false,false,false,false,false,false,false,false,false,false]' \
    "nothing is fixed without --fix"
assert_json "$OUT" '[f["slot"] for f in d["findings"] if f["problem"].startswith("stale lock")]' '["","",""]' \
    "locks are pool-wide findings (empty slot)"
assert_json "$OUT" 'sorted(f["slot"] for f in d["findings"] if f["slot"])' \
    '["wt-2","wt-3","wt-4","wt-5","wt-6","wt-7","wt-9"]' "the slot findings name their slots"
assert_state_unchanged broken . "health --json changes nothing"

# --- --fix ----------------------------------------------------------------------------------------------
rescued_before=$(git for-each-ref refs/porch/rescued)
run porch pool health --fix --json
assert_eq 1 "$RC" "health --fix exits 1 while a finding stays unfixed (the strange folder)"
f=$(findings "$OUT")
assert_contains "$f" "-|true|stale lock $G/refs/porch/pool/wt-1.lock left by a killed process" "--fix removes the stale claim lock"
assert_contains "$f" "-|true|stale lock $G/refs/notes/porch.lock" "--fix removes the stale notes lock"
assert_contains "$f" "-|true|stale lock $G/worktrees/wt-6/index.lock" "--fix removes the stale index lock"
assert_contains "$f" "wt-2|true|the folder $P/wt-2 is missing" "--fix re-creates the missing slot"
assert_contains "$f" "wt-3|true|claimed by task-9 but detached" "--fix completes the interrupted acquire"
assert_contains "$f" "wt-4|true|claimed by task-8 but detached" "--fix drops the claim without a branch"
assert_contains "$f" "wt-5|true|has 'handmade' checked out without a claim" "--fix detaches the hand-switched slot"
assert_contains "$f" "wt-6|true|idle but has 2 uncommitted path(s)" "--fix saves and cleans the dirty idle slot"
assert_contains "$f" "wt-9|true|claimed, but git knows no slot wt-9" "--fix drops the claim without a slot"
assert_contains "$f" "wt-7|false|folder $P/wt-7 is not a worktree git knows" "a strange folder is left for a person"
assert_json "$OUT" '[f["action"] for f in d["findings"] if f["slot"] == "wt-3"]' \
    '["checked out work/task-9-x (the acquire is complete)"]' "the action says what --fix did"

# The locks: stale ones gone, the fresh one kept.
assert_false "the stale claim lock is removed" test -e "$G/refs/porch/pool/wt-1.lock"
assert_false "the stale notes lock is removed" test -e "$G/refs/notes/porch.lock"
assert_false "the stale index lock is removed" test -e "$G/worktrees/wt-6/index.lock"
assert_true "a fresh lock (a live process's) is NOT removed" test -e "$G/refs/heads/fresh.lock"
# wt-2 made again, idle, locked, at the base.
assert_eq $'worktree '"$P/wt-2"$'\nHEAD '"$main_tip"$'\ndetached\nlocked porch pool slot' "$(wt_block "$P/wt-2")" \
    "wt-2 is a locked slot again, detached at the base"
assert_true "wt-2's folder has the files" test -f "$P/wt-2/src/f1.txt"
assert_eq "idle" "$(slot_field wt-2 state)" "wt-2 is idle"
# The user's moved worktree stays registered, untouched.
assert_contains "$(wt_block "$T/userwt")" $'branch refs/heads/userb\nprunable' \
    "the user's moved worktree is still registered (no bare git worktree prune)"
assert_true "the user's worktree admin folder is intact" test -f "$G/worktrees/userwt/index"
mv "$T/userwt-moved" "$T/userwt"
assert_eq "A  user.txt" "$(git -C "$T/userwt" status --porcelain)" "moved back, the user's worktree has its staged file"
# The busy slot untouched.
assert_eq "refs/heads/work/task-1-one" "$(git -C "$P/wt-1" symbolic-ref HEAD)" "busy wt-1 keeps its branch"
assert_eq "work in progress" "$(cat "$P/wt-1/src/f1.txt")" "busy wt-1 keeps its uncommitted work"
assert_eq "$wt1_stamp" "$(stamp "$P/wt-1/src/f2.txt")" "busy wt-1's files are not rewritten"
# wt-3: the acquire completed.
assert_eq "refs/heads/work/task-9-x" "$(git -C "$P/wt-3" symbolic-ref -q HEAD)" "wt-3 has task-9's branch checked out"
assert_eq "busy task-9" "$(slot_field wt-3 state) $(slot_field wt-3 worker)" "wt-3 is busy for task-9"
assert_json "$(git porch status --json --worker task-9)" 'd["workers"][0]["worktree"]' "$P/wt-3" \
    "status sees task-9 in wt-3"
# wt-4: the claim dropped.
assert_eq "" "$(claim_of wt-4)" "the claim of task-8 (no branch) is dropped"
assert_eq "idle" "$(slot_field wt-4 state)" "wt-4 is idle"
# wt-5: detached at the base, the branch untouched.
assert_false "wt-5 is detached" git -C "$P/wt-5" symbolic-ref -q HEAD
assert_eq "$main_tip $main_tip" "$(git -C "$P/wt-5" rev-parse HEAD) $(git rev-parse handmade)" \
    "wt-5 is at the base; the branch 'handmade' stays"
assert_eq "idle" "$(slot_field wt-5 state)" "wt-5 is idle"
# wt-6: the work saved under refs/porch/rescued/pool/, the slot clean.
rescued=$(comm -13 <(printf '%s\n' "$rescued_before") <(git for-each-ref --format='%(refname)' refs/porch/rescued) | sed '/^$/d')
assert_match "$rescued" '^refs/porch/rescued/pool/[0-9]+-wt-6$' "one rescued ref, under refs/porch/rescued/pool/"
assert_contains "$OUT" "saved the files at $rescued and cleaned the slot" "the action names the rescued ref"
assert_eq "changed in an idle slot" "$(git show "$rescued:src/f3.txt")" "the rescued tree has the modified file"
assert_eq "forgotten" "$(git show "$rescued:tmp/forgotten.txt")" "the rescued tree has the untracked file"
assert_eq "$main_tip" "$(git rev-parse "$rescued^")" "the rescued commit's parent is the slot's HEAD"
assert_eq "" "$(git -C "$P/wt-6" status --porcelain)" "wt-6 is clean"
assert_false "the untracked folder is gone" test -e "$P/wt-6/tmp"
# wt-9's claim gone, task-7 untouched; wt-7 left alone.
assert_eq "" "$(claim_of wt-9)" "the claim for the missing wt-9 is dropped"
assert_eq "mine" "$(cat "$P/wt-7/mine.txt")" "the strange folder is left as it was"

# What is left: only the strange folder; health keeps exiting 1 for it.
snapshot_state after_fix
run porch pool health --fix
assert_eq 1 "$RC" "health --fix still exits 1 while the strange folder stays"
assert_eq $'found  wt-7: folder '"$P"$'/wt-7 is not a worktree git knows\n       porch did not make it this way: inspect it, move it away, then run git porch pool init' \
    "$OUT" "only the strange folder is left"
assert_state_unchanged after_fix . "a second --fix has nothing left to change"
rm -rf "$P/wt-7"
rm "$G/refs/heads/fresh.lock"
expect_ok porch pool health
assert_eq "the pool is healthy" "$OUT" "healthy again"
expect_ok porch pool status --json
assert_json "$OUT" '[d["size"], d["busy"]]' '[6,2]' "six slots, two busy (task-1, task-9)"
expect_ok porch pool acquire 10 after
assert_eq "wt-2|$P/wt-2|work/task-10-after" "$OUT" "the re-created wt-2 is handed out"

# --- a busy slot's folder deleted: the claim goes, the slot comes back idle, the branch stays ------
t10_tip=$(git rev-parse work/task-10-after)
rm -rf "$P/wt-2"
expect_fail 128 "slot wt-2: its folder is missing" -- porch pool release task-10
expect_ok porch pool health --fix
assert_contains "$OUT" $'fixed  wt-2: the folder '"$P"$'/wt-2 is missing\n       made the slot again (idle); task-10'"'"'s branch is untouched' \
    "--fix re-creates a busy slot's folder, idle"
assert_eq "" "$(claim_of wt-2)" "the claim of the lost slot is dropped"
assert_eq "$t10_tip" "$(git rev-parse work/task-10-after)" "task-10's branch is untouched"
assert_eq "idle" "$(slot_field wt-2 state)" "wt-2 is idle again"

# --- a claim without a checkout when the slot has files in it: not fixed, said why ---------------------
git branch work/task-11-y main
claim wt-4 task-11
printf 'stray\n' >"$P/wt-4/stray.txt"
run porch pool health --fix
assert_eq 1 "$RC" "an unfixable finding: exit 1"
assert_contains "$OUT" $'found  wt-4: claimed by task-11 but detached\n       it has uncommitted work: commit it, or save it, then run git porch pool health --fix' \
    "a claimed slot with files is not switched"
assert_false "wt-4 stays detached" git -C "$P/wt-4" symbolic-ref -q HEAD
assert_eq "stray" "$(cat "$P/wt-4/stray.txt")" "its file stays"
rm "$P/wt-4/stray.txt"
expect_ok porch pool health --fix
assert_contains "$OUT" "fixed  wt-4: claimed by task-11 but detached" "once clean, --fix completes it"
assert_eq "refs/heads/work/task-11-y" "$(git -C "$P/wt-4" symbolic-ref -q HEAD)" "wt-4 has task-11's branch"

# A slot switched by hand with work on it: left alone.
git -C "$P/wt-5" switch -q handmade
printf 'hand work\n' >"$P/wt-5/hand.txt"
run porch pool health --fix
assert_eq 1 "$RC" "a hand-switched slot with work: exit 1"
assert_contains "$OUT" $'found  wt-5: has '"'handmade'"$' checked out without a claim\n       it has uncommitted work on '"'handmade'"': commit it there, then run git porch pool health --fix' \
    "a hand-switched slot with work is not detached"
assert_eq "refs/heads/handmade" "$(git -C "$P/wt-5" symbolic-ref -q HEAD)" "wt-5 stays on handmade"
rm "$P/wt-5/hand.txt"
expect_ok porch pool health --fix
assert_contains "$OUT" "fixed  wt-5: has 'handmade' checked out without a claim" "once clean, it is detached"
expect_ok porch pool health
cd "$T"

# --- a stale lock on the only idle slot's claim ---------------------------------------------------------
new_repo r3
cd r3
expect_ok porch pool init 1
mkdir -p .git/refs/porch/pool
touch -d '10 minutes ago' .git/refs/porch/pool/wt-1.lock
assert_eq "idle" "$(slot_field wt-1 state)" "test setup: wt-1 is idle"
snapshot_state stale_claim_lock
run porch pool acquire 1 x
assert_eq 128 "$RC" "acquire cannot claim a slot whose claim ref is locked"
assert_state_unchanged stale_claim_lock . "the refused acquire changes nothing"
assert_true "with a stale lock on an idle slot's claim, acquire says the pool is exhausted and 'all 1 slots are busy' (status says idle) and suggests growing the pool instead of git porch pool health --fix: $(head -n 1 <<<"$ERR")" \
    eval '[[ $ERR != *"slots are busy"* && $ERR == *"pool health"* ]]'
expect_ok porch pool health --fix
expect_ok porch pool acquire 1 x
assert_contains "$OUT" "wt-1|" "after health --fix the slot is handed out"
cd "$T"

# --- a slot whose git admin folder has another name than the slot ------------------------------------
# git names a worktree's admin folder after the folder's name, adding digits when that name is
# taken: here the user's own worktree $T/elsewhere/wt-1 (made first) owns .git/worktrees/wt-1,
# so slot wt-1's admin folder is .git/worktrees/wt-11.
new_repo r2
cd r2
git worktree add -q "$T/elsewhere/wt-1" -b mine
printf 'user staged\n' >"$T/elsewhere/wt-1/u.txt"
git -C "$T/elsewhere/wt-1" add u.txt
expect_ok porch pool init 2
assert_eq "$T/r2/worktrees/wt-1" "$(sed 's,/\.git$,,' .git/worktrees/wt-11/gitdir)" \
    "test setup: slot wt-1's admin folder is wt-11"
rm -rf worktrees/wt-1
run porch pool health --fix
assert_true "health --fix on a missing slot deletes .git/worktrees/<slot name>, which here is the admin folder of the user's worktree $T/elsewhere/wt-1 (unregistering it, losing its index), and does not re-create the slot" \
    quiet git -C "$T/elsewhere/wt-1" rev-parse --git-dir
assert_true "health --fix leaves slot wt-1 missing when its admin folder is not named wt-1" \
    test -d worktrees/wt-1
assert_true "test setup: the user's folder itself is still there" test -f "$T/elsewhere/wt-1/u.txt"
cd "$T"

# --- acquires killed before their spawned event ----------------------------------------------------
porch_repo r4
expect_ok porch pool init 2
claim wt-1 task-50 # claimed, branched and checked out; killed before the event
git branch work/task-50-killed main
git -C worktrees/wt-1 switch -q work/task-50-killed
claim wt-2 task-51 # the same, but its worker committed meanwhile
git branch work/task-51-killed main
git -C worktrees/wt-2 switch -q work/task-51-killed
commit -C worktrees/wt-2 "[CHECKPOINT] work"
run porch pool health --json
assert_eq 0 "$RC" "a young claim may be an acquire that is running: healthy"
touch -d '1 minute ago' .git/refs/porch/pool/wt-1 .git/refs/porch/pool/wt-2
run porch pool health --fix --json
assert_eq 1 "$RC" "the one with work is left for a person"
assert_eq "wt-1|true|task-50's acquire did not finish (killed?): it has no spawned event
wt-2|false|task-51's acquire did not finish (killed?): it has no spawned event" "$(findings "$OUT")" \
    "both are found, the one without work is undone"
assert_contains "$OUT" "acquire again: git porch pool acquire 50 killed" "says how to acquire again"
assert_contains "$OUT" "git porch reindex" "the one with work is left to reindex"
assert_eq "" "$(claim_of wt-1)" "the claim is gone"
assert_false "the branch is gone" git rev-parse -q --verify work/task-50-killed
assert_eq "idle" "$(slot_field wt-1 state)" "the slot is idle"
expect_ok porch pool acquire 50 killed
expect_ok porch reindex
expect_ok porch pool health
cd "$T"

finish
