#!/usr/bin/env bash
# Taking over a remote worker (git porch checkout) and the prompts of workers on other machines.
# A git daemon serves the team's bare repository; the orchestrator (orch) spawns workers with a
# scope and pushes their branches and its events; bob (a file:// clone with porch) takes workers
# over: a tracking branch, a worktree at the configured path, a taken-over event, and hooks that
# enforce the scope the orchestrator recorded. carol pushes a branch without porch, which bob
# adopts; dave never ran init. The refusals change nothing and say what to type; kickoff and
# resume tell a worker that runs elsewhere to fetch, track, push and pull --ff-only.
source "$(dirname "$0")/lib.sh"
cd "$T"

serve_team # $T/srv/team.git, served at $URL

# hint_of: the hint lines of the last command's stderr.
hint_of() { grep '^hint: ' <<<"$ERR" || true; }

# --- the orchestrator spawns workers with a scope and pushes them ---------------------------------
porch_repo orch
git remote add origin "$URL"
expect_ok porch init -q # the notes refspec of the new remote
git push -q origin main
expect_ok porch spawn 1 api --scope src/api
commit -C worktrees/task-1-api "[CHECKPOINT] api started"
expect_ok porch spawn 2 web --scope web
commit -C worktrees/task-2-web "[CHECKPOINT] web one"
commit -C worktrees/task-2-web "[CHECKPOINT] web two"
expect_ok porch spawn 3 db
commit -C worktrees/task-3-db "[CHECKPOINT] db one"
expect_ok porch spawn 4 ui --needs task-1
commit -C worktrees/task-4-ui "[NEEDS:task-1/UserRoutes] the ui needs the user routes"
git push -q origin work/task-1-api work/task-2-web work/task-3-db work/task-4-ui
expect_ok porch sync
cd "$T"

# --- carol pushes a branch without porch, from an older main --------------------------------------
git clone -q "file://$T/srv/team.git" carol
git -C carol switch -q -c work/task-9-cloud
printf 'cloud\n' >carol/cloud.txt
git -C carol add cloud.txt
commit -C carol "[CHECKPOINT] cloud agent at work"
git -C carol -c core.hooksPath=/dev/null push -q origin work/task-9-cloud
fork=$(git -C carol merge-base HEAD origin/main)
commit -C orch "Main moves on"
git -C orch push -q origin main

# --- bob: a clone with porch ------------------------------------------------------------------------
git clone -q "file://$T/srv/team.git" bob
cd bob
expect_ok porch init -q
git fetch -q origin
assert_true "test setup: bob has the orchestrator's events" \
    git rev-parse -q --verify refs/notes/remotes/origin/porch

# --- refusals: unknown id, a folder in the way, --scope for a recorded spawn -----------------------
expect_fail 128 "cannot check out task-5: no branch of it here or on a fetched remote" -- \
    porch checkout 5
assert_contains "$(hint_of)" "git porch checkout --fetch task-5" "the hint fetches first"

mkdir -p worktrees/task-2-web
snapshot_state before_folder
expect_fail 128 "worktrees/task-2-web' already exists" -- porch checkout task-2
assert_contains "$(hint_of)" "move it away, then: git porch checkout task-2" "the hint says what to do"
assert_state_unchanged before_folder . "a refused checkout changes nothing"
rmdir worktrees/task-2-web

snapshot_state before_scope
expect_fail 129 "--needs and --scope are for a branch no spawn was recorded for" -- \
    porch checkout --scope docs task-2
assert_state_unchanged before_scope . "a refused checkout changes nothing"

# --- checkout: a tracking branch, a worktree at the configured path, a taken-over event ------------
tip1=$(git rev-parse origin/work/task-1-api)
expect_ok porch checkout --json task-1
assert_json "$OUT" 'd["worker"]' "task-1"
assert_json "$OUT" 'd["branch"]' "work/task-1-api"
assert_json "$OUT" 'd["worktree"]' "$T/bob/worktrees/task-1-api" "at the path spawn uses"
assert_json "$OUT" 'd["upstream"]' "origin/work/task-1-api"
assert_json "$OUT" 'd["tip"]' "$tip1" "from the remote-tracking tip"
assert_json "$OUT" '[d["adopted"], d["base"], d["created_branch"], d["fast_forwarded"]]' \
    '[false,null,true,false]'
assert_eq "work/task-1-api" "$(git -C worktrees/task-1-api branch --show-current)" \
    "the worktree has the branch checked out"
assert_eq "origin/work/task-1-api" "$(git -C worktrees/task-1-api rev-parse --abbrev-ref '@{upstream}')" \
    "the branch tracks the remote's"
assert_eq "$tip1" "$(git rev-parse work/task-1-api)" "the branch is at the tip"
assert_contains "$(cat .git/info/exclude)" "worktrees" "the worktree folder is excluded"

bob_id=$(git config porch.cloneId)
expect_ok porch log --json task-1
assert_json "$OUT" '[[e["clone"], e["branch"], e["tip"], e["remote"], e["adopted"]] for e in d if e["type"] == "taken-over"]' \
    "[[\"$bob_id\",\"work/task-1-api\",\"$tip1\",\"origin\",\"false\"]]" \
    "one taken-over event: who, which branch, from which tip and remote"
expect_ok porch log task-1
assert_match "$OUT" "taken-over +by Porch Tester@[^ ]+ at ${tip1:0:7}, tracking origin/work/task-1-api" \
    "log describes it"

expect_ok porch status --json
assert_json "$OUT" '[[w["local"], w["worktree"], w["spawned"]] for w in d["workers"] if w["id"] == "task-1"]' \
    "[[true,\"$T/bob/worktrees/task-1-api\",true]]" "the worker is bob's now, spawned by orch"

# The text output names the upstream and the push.
git -C worktrees/task-1-api switch -q --detach
git branch -q -D work/task-1-api
git worktree remove worktrees/task-1-api
expect_ok porch checkout 1
assert_contains "$OUT" "checked out task-1 on branch work/task-1-api at ${tip1:0:7}, tracking origin/work/task-1-api"
assert_contains "$OUT" "next: cd '$T/bob/worktrees/task-1-api', and push after every protocol commit: git push origin work/task-1-api"

# --- already here ----------------------------------------------------------------------------------
snapshot_state before_again
expect_fail 128 "cannot check out task-1: it is checked out here already, in $T/bob/worktrees/task-1-api" -- \
    porch checkout task-1
assert_contains "$(hint_of)" "hint: cd '$T/bob/worktrees/task-1-api'" "the hint is where it is"
assert_state_unchanged before_again . "nothing changed"

# --- the hooks there enforce the scope recorded by the orchestrator's spawn ------------------------
cd worktrees/task-1-api
printf 'x\n' >outside.txt
git add outside.txt
run git commit -q -m "[CHECKPOINT] outside the scope"
assert_ne 0 "$RC" "a commit outside the scope is refused"
assert_contains "$ERR" "task-1 may change only: src/api" "by the scope the orchestrator recorded"
assert_contains "$ERR" "outside.txt"
git reset -q
rm outside.txt
mkdir -p src/api
printf 'routes\n' >src/api/routes.txt
git add src/api/routes.txt
tick
expect_ok git commit -q -m "[CHECKPOINT] UserRoutes in src/api"
git push -q origin work/task-1-api
cd "$T/bob"
expect_ok porch log --json task-1
assert_json "$OUT" "[e['subject'] for e in d if e['type'] == 'commit' and e['clone'] == '$bob_id']" \
    '["[CHECKPOINT] UserRoutes in src/api"]' "the hook recorded the commit here"
expect_ok porch sync

# --- a local branch behind its remote-tracking branch is fast-forwarded ----------------------------
git branch -q work/task-2-web origin/work/task-2-web~1
expect_ok porch checkout --json task-2
assert_json "$OUT" '[d["created_branch"], d["fast_forwarded"], d["upstream"]]' \
    '[false,true,"origin/work/task-2-web"]' "the existing branch is moved forward and tracks"
assert_eq "$(git rev-parse origin/work/task-2-web)" "$(git -C worktrees/task-2-web rev-parse HEAD)" \
    "the worktree is at the remote's tip"

# --- diverged: refused --------------------------------------------------------------------------------
side=$(git commit-tree -p origin/work/task-3-db -m "[CHECKPOINT] db, bob's side" "origin/work/task-3-db^{tree}")
git branch -q work/task-3-db "$side"
commit -C "$T/orch/worktrees/task-3-db" "[CHECKPOINT] db, orch's side"
git -C "$T/orch" push -q origin work/task-3-db
git fetch -q origin
snapshot_state before_diverged
expect_fail 128 "cannot check out task-3: it has diverged: work/task-3-db at ${side:0:7}, origin/work/task-3-db at" -- \
    porch checkout task-3
assert_contains "$(hint_of)" "then: git porch checkout task-3" "the hint says how to go on"
assert_state_unchanged before_diverged . "nothing changed"

# --- adopting a branch pushed without porch --------------------------------------------------------
expect_ok porch status --json
assert_json "$OUT" '[w["spawned"] for w in d["workers"] if w["id"] == "task-9"]' '[false]' \
    "task-9 was pushed without porch"
expect_ok porch checkout --scope docs --needs task-1 --json task-9
assert_json "$OUT" '[d["adopted"], d["base"], d["upstream"]]' \
    "[true,\"$fork\",\"origin/work/task-9-cloud\"]" "adopted, from its merge base with main"
expect_ok porch status --json
assert_json "$OUT" '[[w["spawned"], w["scope"], w["declared_needs"], w["local"]] for w in d["workers"] if w["id"] == "task-9"]' \
    '[[true,["docs"],["task-1"],true]]' "spawned from now on, with its scope and needs"
assert_json "$OUT" '[w["commits"] for w in d["workers"] if w["id"] == "task-9"]' '[1]' \
    "counted from its base"
expect_ok porch log --json task-9
assert_json "$OUT" '[[e["type"], e.get("source"), e.get("base"), e.get("adopted")] for e in d]' \
    "[[\"spawned\",\"checkout\",\"$fork\",null],[\"taken-over\",null,null,\"true\"]]" \
    "a spawned event, then the taken-over event"
cd worktrees/task-9-cloud
printf 'x\n' >notdocs.txt
git add notdocs.txt
run git commit -q -m "[CHECKPOINT] outside docs"
assert_ne 0 "$RC" "the adopted scope is enforced"
assert_contains "$ERR" "task-9 may change only: docs"
git reset -q
rm notdocs.txt
cd "$T"

# --- dave never ran init: no events fetched, so no adoption without --fetch -------------------------
git clone -q "file://$T/srv/team.git" dave
cd dave
snapshot_state before_adopt
expect_fail 128 "no spawn of it is recorded, and porch's events from origin were never fetched here" -- \
    porch checkout task-9
assert_contains "$(hint_of)" "git porch checkout --fetch task-9" "the hint fetches them"
assert_state_unchanged before_adopt . "nothing changed"

# --- prompts for a worker that runs elsewhere: dave has no branch of task-1 --------------------------
expect_ok porch status --fetch --json
assert_json "$OUT" '[w["local"] for w in d["workers"] if w["id"] == "task-1"]' '[false]'
expect_ok porch kickoff task-1
kick=$OUT
assert_contains "$kick" "git fetch origin" "kickoff: fetch"
assert_contains "$kick" "git switch --track origin/work/task-1-api" "kickoff: track the branch"
assert_contains "$kick" "git porch checkout task-1" "kickoff: or take it over with porch"
assert_contains "$kick" "git push origin work/task-1-api" "kickoff: push after every protocol commit"
assert_contains "$kick" "git pull --ff-only" "kickoff: pull --ff-only before resuming"
assert_not_contains "$kick" "cd $T" "kickoff: no worktree of this clone"
expect_ok porch kickoff --json task-1
assert_json "$OUT" '[d["worktree"], d["remote"]]' '[null,"origin"]'
git config porch.agentCommand "echo"
expect_fail 128 "runs on another machine" -- porch kickoff --script task-1
expect_ok porch resume task-1
res=$OUT
for want in "git fetch origin" "git switch --track origin/work/task-1-api" \
    "git push origin work/task-1-api" "git pull --ff-only"; do
    assert_contains "$res" "$want" "resume: $want"
done
expect_ok porch resume --json task-1
assert_json "$OUT" '[d["worktree"], d["remote"]]' '[null,"origin"]'

# Pick-up advice names <remote>/<branch> where there is no local branch.
expect_ok porch kickoff task-4
assert_contains "$OUT" "pick it up with \`git fetch origin && git merge --no-ff --no-edit origin/work/task-1-api\`" \
    "the dependency is picked up from the remote"
expect_ok porch resume --json task-4
assert_json "$OUT" '[w["pick"] for w in d["waiting"]]' \
    '["git fetch origin && git merge --no-ff --no-edit origin/work/task-1-api"]' "resume picks it up from the remote"
expect_ok porch status --json
assert_json "$OUT" '[a["action"] for a in d["alerts"] if a["kind"] == "needs-satisfied"]' \
    '["pick it up: git merge --no-ff --no-edit origin/work/task-1-api (on work/task-4-ui)"]' \
    "the alert names the remote-tracking branch"
cd "$T"

# --- the orchestrator's prompts for the worker bob took over, and bob's own --------------------------
cd orch
git fetch -q origin
expect_ok porch status --json
assert_json "$OUT" '[w["local"] for w in d["workers"] if w["id"] == "task-1"]' '[false]' \
    "taken over by bob: no longer the orchestrator's"
expect_ok porch kickoff task-1
assert_contains "$OUT" "git switch --track origin/work/task-1-api" "orch: the worker runs elsewhere"
assert_contains "$OUT" "git push origin work/task-1-api" "orch: push"
assert_not_contains "$OUT" "cd $T/orch" "orch: not its own worktree"
expect_ok porch kickoff task-3
assert_contains "$OUT" "cd $T/orch/worktrees/task-3-db" "a worker that runs here"
assert_not_contains "$OUT" "git push" "nobody took it over and its tip is here: no push advice"
cd "$T/bob"
expect_ok porch kickoff task-1
assert_contains "$OUT" "cd $T/bob/worktrees/task-1-api" "bob: its worktree here"
assert_contains "$OUT" "git push origin work/task-1-api" "bob: push for the orchestrator"
assert_contains "$OUT" "git pull --ff-only" "bob: pull before resuming"
assert_not_contains "$OUT" "git switch --track" "bob: nothing to fetch"

finish
