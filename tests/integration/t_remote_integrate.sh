#!/usr/bin/env bash
# Integrate what was pushed: a git daemon on 127.0.0.1 (the orchestrator's origin) and file://
# clones of the same bare repository (a worker with porch, a cloud agent without it). integrate
# merges each worker's newest tip (the remote-tracking branch when the local one is behind or
# missing), includes a complete worker that exists only on the remote, lists every skipped
# worker with its reason, and stops before merging anything on a diverged worker, naming both
# tips. --finish and cleanup keep a worker whose pushed commits are not merged. doctor reports
# a branch behind or diverged from the remote, a remote worker branch with no events, and an id
# spawned twice.
source "$(dirname "$0")/lib.sh"
cd "$T"

serve_team # $T/srv/team.git, served at $URL

# add_file <dir> <file> <subject>: a commit that adds a file (protocol hooks run where installed).
add_file() {
    printf '%s\n' "$2" >"$1/$2"
    git -C "$1" add "$2"
    tick
    git -C "$1" commit -q -m "$3"
}
short() { git -C "$T/orch" rev-parse --short=7 "$1"; }
kinds() { # <doctor json>: the remote findings' kinds, sorted
    json_q "$1" 'sorted(f["kind"] for f in d["findings"] if f["kind"] in ("behind-remote", "diverged", "remote-branch-without-events", "duplicate-id"))'
}

# --- the orchestrator spawns workers; two go to other machines ------------------------------------
porch_repo orch
git remote add origin "$URL"
expect_ok porch init -q
git push -q origin main
expect_ok porch spawn 1 api
expect_ok porch spawn 2 web
expect_ok porch spawn 3 docs
expect_ok porch spawn 4 ui --needs 3
git push -q origin work/task-1-api work/task-2-web
expect_ok porch sync
cd "$T"

# alice (porch, a file:// clone) completes task-1 and pushes it.
git clone -q "file://$T/srv/team.git" alice
cd alice
expect_ok porch init -q
git switch -q work/task-1-api
add_file . api.txt "[COMPLETE] api done on alice's machine"
git push -q origin work/task-1-api
git switch -q work/task-2-web
cd "$T"

# A cloud agent without porch pushes a complete worker nobody spawned here.
git clone -q "file://$T/srv/team.git" bob
cd bob
git switch -q -c work/task-9-cloud
git config core.hooksPath /dev/null
add_file . cloud.txt "[COMPLETE] cloud agent done"
git push -q origin work/task-9-cloud
cd "$T"

# Here: task-2 complete locally (not pushed), task-3 in progress, task-4 complete but needs 3.
cd orch
add_file worktrees/task-2-web web.txt "[COMPLETE] web done here"
commit -C worktrees/task-3-docs "[CHECKPOINT] docs half way"
add_file worktrees/task-4-ui ui.txt "[COMPLETE] ui done"
git fetch -q origin
api_tip=$(git rev-parse origin/work/task-1-api)
cloud_tip=$(git rev-parse origin/work/task-9-cloud)
expect_ok porch status --json
assert_json "$OUT" '[w["behind_remote"] for w in d["workers"] if w["id"] == "task-1"][0]' "1" \
    "test setup: task-1's local branch is behind what alice pushed"

# --- the remote tips are what integrate merges ------------------------------------------------------
expect_ok porch integrate feat --dry-run
assert_contains "$OUT" $'  task-1 (origin/work/task-1-api)\n  task-2 (work/task-2-web)\n  task-9 (origin/work/task-9-cloud)' \
    "the dry run names where each tip comes from"
expect_ok porch integrate feat --json
assert_json "$OUT" '[(s["worker"], s["branch"], s["outcome"]) for s in d["steps"]]' \
    '[["task-1","origin/work/task-1-api","merged"],["task-2","work/task-2-web","merged"],["task-9","origin/work/task-9-cloud","merged"]]' \
    "task-1 from its remote tip, task-2 from the local one, task-9 with no local branch"
assert_json "$OUT" '[s["commit"] for s in d["steps"] if s["worker"] == "task-1"][0]' "$api_tip" \
    "task-1's merged commit is alice's"
assert_json "$OUT" 'd["skipped"]' \
    '[{"checks":[],"kind":"incomplete","reason":"state checkpoint, not complete","worker":"task-3"},{"checks":[],"kind":"needs","reason":"needs task-3, which is not merged","worker":"task-4"}]' \
    "every skipped worker, with its reason"
assert_json "$OUT" 'd["diverged"]' '[]' "nothing diverged"
assert_true "integration/feat has the commits alice pushed" \
    git merge-base --is-ancestor "$api_tip" integration/feat
assert_true "and the remote-only worker's" git merge-base --is-ancestor "$cloud_tip" integration/feat
assert_eq "api.txt cloud.txt web.txt" "$(git ls-tree --name-only integration/feat | grep '\.txt$' | paste -sd' ')" \
    "with their files"
assert_eq "Merge task-1: api (origin/work/task-1-api)|Merge task-2: web|Merge task-9: cloud (origin/work/task-9-cloud)" \
    "$(git log --first-parent --format=%s integration/feat | head -n 3 | tac | paste -sd'|')" \
    "the merge messages name the remote-tracking branch merged"
expect_ok porch log task-9 --json
assert_contains "$OUT" "\"commit\": \"$cloud_tip\"" "the remote-only worker's integration is recorded"
expect_ok porch integrate feat
assert_contains "$OUT" $'skipped task-3: state checkpoint, not complete\nskipped task-4: needs task-3, which is not merged' \
    "the text lists the skipped workers"
assert_contains "$OUT" "nothing to merge into integration/feat" "and merges nothing new"

# --- alice pushes more on task-2, which was merged from here: local and pushed diverge ---------------
cd "$T/alice"
git pull -q --ff-only origin work/task-2-web
add_file . more.txt "[COMPLETE] web, finished on alice's machine"
git push -q origin work/task-2-web
cd "$T/orch"
git fetch -q origin
local2=$(short work/task-2-web)
remote2=$(short origin/work/task-2-web)
feat_before=$(git rev-parse integration/feat)

expect_fail 1 "workers moved since they were merged: task-2 (origin/work/task-2-web)" -- \
    porch integrate feat --finish
assert_contains "$ERR" "hint: merge their new commits: git porch integrate feat" "with the way on"
assert_eq "Add porch settings" "$(git log -1 --format=%s main)" "a refused finish leaves main alone"

run porch cleanup --merged-into integration/feat --branches
assert_eq 0 "$RC" "cleanup's refusals do not fail it ($ERR)"
assert_contains "$OUT$ERR" "origin/work/task-2-web has commits not merged into integration/feat" \
    "cleanup keeps the worker whose pushed commits are not merged"
assert_true "its branch stays" git show-ref -q --verify refs/heads/work/task-2-web
assert_true "and its worktree" test -d worktrees/task-2-web

# --- a diverged worker stops integrate before anything is merged -------------------------------------
expect_ok porch spawn 6 extra
add_file worktrees/task-6-extra extra.txt "[COMPLETE] extra done"
run porch integrate feat
assert_eq 1 "$RC" "a diverged worker stops integrate with exit status 1"
assert_contains "$ERR" "error: nothing merged into integration/feat: task-2 has diverged: work/task-2-web at $local2, origin/work/task-2-web at $remote2 each have commits the other lacks" \
    "naming both tips"
assert_contains "$ERR" "hint: reconcile them: git -C '$T/orch/worktrees/task-2-web' merge origin/work/task-2-web (on work/task-2-web), then git -C '$T/orch/worktrees/task-2-web' push origin work/task-2-web" \
    "with the commands that reconcile them"
assert_contains "$ERR" "hint: then run: git porch integrate feat" "and how to go on"
assert_contains "$ERR" "hint: or leave it out: git porch integrate feat --only task-6" \
    "or to go on without it"
assert_contains "$OUT" "skipped task-2: diverged: task-2 has diverged" "the skipped list has it too"
assert_eq "$feat_before" "$(git rev-parse integration/feat)" "nothing was merged"
assert_false "no run is left in progress" git show-ref -q --verify refs/porch/integrate/feat
run porch integrate feat --json
assert_eq 1 "$RC" "--json: the same exit status"
assert_json "$OUT" '[(d["diverged"][0]["worker"], [t["branch"] for t in d["diverged"][0]["tips"]])]' \
    '[["task-2",["work/task-2-web","origin/work/task-2-web"]]]' "--json lists the diverged worker and its tips"
assert_json "$OUT" '[t["commit"][:7] for t in d["diverged"][0]["tips"]]' "[\"$local2\",\"$remote2\"]" \
    "with their commits"
assert_json "$OUT" 'd["steps"]' '[]' "and no step"
run porch integrate feat --dry-run
assert_eq 1 "$RC" "a dry run stops on it too"
assert_contains "$ERR" "task-2 has diverged" "naming it"
assert_not_contains "$OUT" "would merge" "and promises no merge"
# The hint's command, as typed, integrates the others.
expect_ok porch integrate feat --only task-6
assert_contains "$OUT" "merged task-6 (work/task-6-extra)" "leaving the diverged worker out works"

# --- doctor: behind, diverged, a branch with no events, an id spawned twice --------------------------
expect_ok porch spawn 5 search
cd "$T/alice"
expect_ok porch spawn 5 billing
expect_ok porch sync
cd "$T/orch"
# A plain fetch, not sync: sync would fast-forward task-1, which is behind on purpose.
git fetch -q origin
run porch doctor --json
assert_eq 1 "$RC" "doctor is not healthy"
assert_eq '["behind-remote","diverged","duplicate-id","remote-branch-without-events"]' "$(kinds "$OUT")" \
    "doctor reports each remote finding once"
DOC=$OUT
finding() { json_q "$DOC" "[f[\"$2\"] for f in d[\"findings\"] if f[\"kind\"] == \"$1\"][0]"; }
assert_eq "task-1: work/task-1-api is 1 commit behind origin/work/task-1-api" "$(finding behind-remote message)" \
    "behind: the message"
assert_eq "fast-forward it: git -C '$T/orch/worktrees/task-1-api' merge --ff-only origin/work/task-1-api" \
    "$(finding behind-remote action)" "behind: the fast-forward, as status words it"
assert_contains "$(finding diverged message)" "work/task-2-web at $local2, origin/work/task-2-web at $remote2" \
    "diverged: both tips"
assert_contains "$(finding diverged action)" "reconcile them: git -C '$T/orch/worktrees/task-2-web' merge origin/work/task-2-web" \
    "diverged: the reconcile commands"
assert_contains "$(finding remote-branch-without-events message)" "task-9: origin/work/task-9-cloud has no events" \
    "the branch pushed without porch"
assert_contains "$(finding remote-branch-without-events action)" "take it over here: git porch checkout task-9" \
    "offers the take-over"
assert_match "$(finding duplicate-id message)" \
    '^task-5 was spawned twice: on work/task-5-search by [^,]+, and on work/task-5-billing by .+$' \
    "duplicate ids: both spawns and who made them"
assert_contains "$(finding duplicate-id action)" "git branch -m work/task-5-billing work/task-10-billing && git porch reindex" \
    "with the rename status prints"
status_action=$(git porch status --json | python3 -c '
import json, sys
print([a["action"] for a in json.load(sys.stdin)["alerts"] if a["kind"] == "duplicate-id"][0])')
assert_eq "$status_action" "$(finding duplicate-id action)" "the same way out as status"
run porch doctor
assert_contains "$OUT" "found  behind-remote: task-1: work/task-1-api is 1 commit behind" "the text names the kind"
assert_contains "$OUT" "found  remote-branch-without-events: task-9" "for each finding"

# The fast-forward works as typed, and the finding goes.
eval "$(finding behind-remote action | sed 's/^fast-forward it: //') -q"
run porch doctor --json
assert_eq '["diverged","duplicate-id","remote-branch-without-events"]' "$(kinds "$OUT")" \
    "fast-forwarded: no longer behind"

# --- reconciled, task-2 integrates and finishes ---------------------------------------------------
action=$(finding diverged action)
merge_cmd=${action#reconcile them: }
merge_cmd=${merge_cmd%% (on *}
push_cmd=${action##*, then }
eval "$merge_cmd -q --no-edit"
eval "$push_cmd -q"
git fetch -q origin
expect_ok porch integrate feat
assert_contains "$OUT" "merged task-2 (work/task-2-web)" "the reconciled worker is merged"
expect_ok porch integrate feat --finish
assert_contains "$OUT" "merged integration/feat into main" "--finish goes through"
assert_true "main has what alice pushed on task-2" test -f more.txt
assert_true "and the remote-only worker's file" test -f cloud.txt
run porch doctor --json
assert_eq '["duplicate-id"]' "$(kinds "$OUT")" \
    "once main has it, the branch pushed without porch needs no take-over"

finish
