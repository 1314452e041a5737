#!/usr/bin/env bash
# Workers on other machines: the remote is the distributed engine. A git daemon on 127.0.0.1
# and a file:// remote; four clones: an orchestrator with porch, a worker with porch, a worker
# without porch (plain git, hooks off), and a fresh clone that never ran init. After a plain
# fetch every clone sees every worker with its true state, from the protocol commits on the
# newest branch; a branch pushed without porch is a worker; a diverged worker is called so,
# with the commands to reconcile; spawn refuses an id some remote has; and the clones'
# status --porcelain agree on state, commits ahead and tip.
source "$(dirname "$0")/lib.sh"
cd "$T"

serve_team # $T/srv/team.git, served at $URL

# status --porcelain reduced to worker, state, commits ahead and tip.
agree() { git -C "$1" porch status --porcelain | awk -F'\t' '{ print $1, $2, $3, $9 }'; }
state_of() { # <clone> <worker>
    git -C "$1" porch status --porcelain | awk -F'\t' -v w="$2" '$1 == w { print $2 }'
}

# --- the orchestrator spawns two workers and pushes them --------------------------------------------
porch_repo orch
git remote add origin "$URL"
expect_ok porch init -q # the notes refspec of the new remote
git push -q origin main
expect_ok porch spawn 1 api
expect_ok porch spawn 2 web
commit -C worktrees/task-2-web "[CHECKPOINT] web started"
git push -q origin work/task-1-api work/task-2-web
expect_ok porch sync
cd "$T"

# --- case 1: a fresh clone without init sees the remote workers after git fetch ----------------------
git clone -q "$URL" fresh
cd fresh
expect_ok porch status
assert_contains "$OUT" "task-1" "a fresh clone lists task-1 from origin/work/task-1-api"
assert_contains "$OUT" "task-2" "and task-2"
assert_not_contains "$OUT" "no workers" "not 'no workers'"
expect_ok porch status --json
assert_json "$OUT" 'd["workers"][1]["state"]' "checkpoint" "task-2's state comes from its commits"
assert_json "$OUT" 'd["workers"][1]["source"]' "origin/work/task-2-web" "its tip came from origin"
assert_json "$OUT" 'd["workers"][1]["tip"] == d["workers"][1]["last_commit"]["id"] != ""' "true" \
    "the tip is a commit id, never empty"
expect_fail 128 "worker task-1 already exists on branch origin/work/task-1-api" -- porch spawn 1 other
cd "$T"
# A clone of one branch only: status --fetch brings the workers' branches all the same.
git clone -q --single-branch "$URL" narrow
cd narrow
assert_eq "" "$(git branch -r --list 'origin/work/*')" "test setup: a single-branch clone has no worker branch"
expect_ok porch status --fetch --json
assert_json "$OUT" '[w["id"] for w in d["workers"]]' '["task-1","task-2"]' \
    "status --fetch in a single-branch clone lists the workers"
assert_json "$OUT" '[w["source"] for w in d["workers"]]' '["origin/work/task-1-api","origin/work/task-2-web"]' \
    "read from their branches, not from events alone"
cd "$T"

# --- case 2: a worker with porch on another clone completes and pushes --------------------------------
git clone -q "$URL" alice
cd alice
expect_ok porch init -q
git switch -q work/task-1-api
commit "[CHECKPOINT] api half way"
commit "[COMPLETE] api done"
git push -q origin work/task-1-api
cd "$T/orch"
git fetch -q origin
expect_ok porch status --json
assert_json "$OUT" 'd["workers"][0]["state"]' "complete" \
    "after a plain fetch the orchestrator sees task-1 complete"
assert_json "$OUT" 'd["workers"][0]["commits"]' "2" "with its two commits"
assert_json "$OUT" 'd["workers"][0]["behind_remote"]' "2" "its local branch is 2 behind origin"
assert_json "$OUT" '[a["kind"] for a in d["alerts"] if a["worker"] == "task-1" and a["kind"] != "stalled"]' '["behind-remote"]' \
    "an alert says the local branch is behind"
expect_ok porch status
assert_contains "$OUT" "merge --ff-only origin/work/task-1-api" "with the fast-forward to type"
# The alert's command works as typed.
git -C worktrees/task-1-api merge -q --ff-only origin/work/task-1-api
expect_ok porch status --json
assert_json "$OUT" 'd["workers"][0]["behind_remote"]' "0" "fast-forwarded: no longer behind"
assert_json "$OUT" 'd["workers"][0]["source"]' "work/task-1-api" "the local branch is the tip again"
cd "$T"

# --- case 3: a branch pushed by an agent without porch -------------------------------------------------
git clone -q "file://$T/srv/team.git" bob
cd bob
git switch -q -c work/task-9-cloud
commit "[CHECKPOINT] cloud agent at work"
commit "[BLOCKED:needs an API key] cannot reach the service"
git -c core.hooksPath=/dev/null push -q origin work/task-9-cloud
cd "$T/orch"
git fetch -q origin
expect_ok porch status --json
assert_json "$OUT" '[w["id"] for w in d["workers"]]' '["task-1","task-2","task-9"]' \
    "the branch-only worker is listed"
assert_json "$OUT" 'd["workers"][2]["state"]' "blocked" "with the state of its commits"
assert_json "$OUT" 'd["workers"][2]["reason"]' "needs an API key" "and the reason"
assert_json "$OUT" 'd["workers"][2]["spawned"]' "false" "marked as not spawned by porch"
expect_ok porch status
assert_contains "$OUT" "(not spawned)" "the text output says so"
assert_contains "$OUT" "(on origin)" "and where it runs"
cd "$T"

# --- case 4: local and pushed histories diverge --------------------------------------------------------
cd alice
git switch -q work/task-2-web
commit "[CHECKPOINT] web, pushed from alice"
git push -q origin work/task-2-web
cd "$T/orch"
commit -C worktrees/task-2-web "[CHECKPOINT] web, kept in the orchestrator"
git fetch -q origin
expect_ok porch status --json
assert_json "$OUT" 'd["workers"][1]["diverged"]' "true" "task-2 is diverged"
assert_json "$OUT" '[t["branch"] for t in d["workers"][1]["tips"]]' \
    '["work/task-2-web","origin/work/task-2-web"]' "both tips are listed"
assert_json "$OUT" '[a["kind"] for a in d["alerts"] if a["worker"] == "task-2" and a["kind"] != "stalled"]' '["diverged"]' \
    "one diverged alert"
expect_ok porch status
assert_contains "$OUT" "(diverged)" "the text output says diverged"
assert_contains "$OUT" "merge origin/work/task-2-web" "and how to reconcile"
# The alert's commands, as typed, reconcile the worker.
action=$(git porch status --json | python3 -c '
import json, sys
d = json.load(sys.stdin)
print([a["action"] for a in d["alerts"] if a["kind"] == "diverged"][0])')
merge_cmd=${action#reconcile them: }
merge_cmd=${merge_cmd%% (on *}
push_cmd=${action##*, then }
assert_match "$merge_cmd" '^git -C .* merge origin/work/task-2-web$' "a merge command"
eval "$merge_cmd -q --no-edit"
eval "$push_cmd -q"
expect_ok porch status --json
assert_json "$OUT" 'd["workers"][1]["diverged"]' "false" "reconciled: no longer diverged"
cd "$T"

# --- the clones agree worker by worker -----------------------------------------------------------------
for c in fresh alice bob; do git -C "$c" fetch -q origin; done
git -C orch fetch -q origin
expected=$(agree fresh)
assert_contains "$expected" "task-9 blocked 2" "the fresh clone sees task-9 blocked, 2 ahead"
assert_eq "$expected" "$(agree bob)" "the clone without porch agrees with the fresh clone"
assert_eq "complete" "$(state_of alice task-1)" "alice sees task-1 complete"
assert_eq "complete" "$(state_of fresh task-1)" "so does the fresh clone"
assert_eq "$(agree orch | grep -v '^task-[12] ')" "$(agree fresh | grep -v '^task-[12] ')" \
    "the orchestrator agrees on the remote-only worker"

# --- hostile remote data: a branch named like a worker on an unrelated history -------------------------
cd "$T"
git init -q -b main stranger
cd stranger
commit "[COMPLETE] not ours at all"
git push -q "file://$T/srv/team.git" main:work/task-7-stranger
cd "$T/orch"
git fetch -q origin
expect_ok porch status --json
assert_json "$OUT" '[w["id"] for w in d["workers"]]' '["task-1","task-2","task-7","task-9"]' \
    "an unrelated history is still listed, never a crash"

# --- case 6: one id spawned in two clones before either saw the other's --------------------------------
cd "$T/orch"
expect_ok porch spawn 5 search
cd "$T/alice"
expect_ok porch spawn 5 billing
expect_ok porch sync
cd "$T/orch"
run porch sync
assert_eq 0 "$RC" "sync with a duplicate id succeeds ($ERR)"
cd "$T/alice"
expect_ok porch sync
spawns() { git -C "$1" porch log task-5 --json | python3 -c '
import json, sys
print(" ".join(sorted(e["branch"] for e in json.load(sys.stdin) if e["type"] == "spawned")))'; }
for c in orch alice; do
    assert_eq "work/task-5-billing work/task-5-search" "$(spawns "$T/$c")" "$c keeps both spawns of task-5"
done
in_dir "$T/fresh" expect_ok porch status --fetch
assert_contains "$OUT" "task-5" "status --fetch brings a fresh clone the events too"
assert_eq "work/task-5-billing work/task-5-search" "$(spawns "$T/fresh")" \
    "and the remote has both spawns"
cd "$T/orch"
expect_ok porch status --json
assert_json "$OUT" '[w["duplicates"] for w in d["workers"] if w["id"] == "task-5"][0][0]["branch"]' \
    "work/task-5-billing" "the orchestrator's task-5 names the other spawn"
assert_json "$OUT" '[a["kind"] for a in d["alerts"] if a["worker"] == "task-5" and a["kind"] != "stalled"]' \
    '["duplicate-id"]' "with a duplicate-id alert"
assert_json "$OUT" '[w["scope"] for w in d["workers"] if w["id"] == "task-5"][0]' '[]' \
    "its own spawn still counts"
expect_ok porch status
assert_contains "$OUT" "git branch -m work/task-5-billing work/task-10-billing && git porch reindex" \
    "the way out renames the other one to a free id"
cd "$T/alice"
expect_ok porch status --json
assert_json "$OUT" '[w["duplicates"] for w in d["workers"] if w["id"] == "task-5"][0][0]["branch"]' \
    "work/task-5-search" "alice's clone reports it too, from its side"

# --- case 5b: cleanup keeps a merged worker whose pushed branch went on ------------------------------
cd "$T/orch"
git merge -q --no-ff --no-edit work/task-1-api
cd "$T/alice"
git switch -q work/task-1-api
git pull -q --ff-only origin work/task-1-api
commit "[CHECKPOINT] one more fix after the merge"
git push -q origin work/task-1-api
cd "$T/orch"
git fetch -q origin
run porch cleanup
assert_contains "$OUT$ERR" "origin/work/task-1-api has commits not merged into main" \
    "cleanup names the pushed commits it would hide"
assert_true "the local branch stays" git rev-parse -q --verify refs/heads/work/task-1-api
assert_true "and so does its worktree" test -d worktrees/task-1-api

finish
