#!/usr/bin/env bash
# git porch status: states from the newest protocol commit, the JSON schema and its values, the
# text table, where it runs from, --worker, and missing worktrees.
source "$(dirname "$0")/lib.sh"
cd "$T"

# The commit clock runs ahead of the real clock here, so every age is 0 and the whole table is
# byte-exact; ages of past commits are checked at the end.
set_clock 4102444800 # 2100-01-01T00:00:00Z
new_repo r
cd r
# No `porch init`: no hooks, so commits of any subject can be made and status reads the states
# from git alone (status with the hooks' records is checked at the end).
commit "Prepare the base"
main_tip=$(git rev-parse HEAD)
main_time=$NOW_EPOCH

# --- no workers ----------------------------------------------------------------------------------
expect_ok porch status
assert_eq $'no workers\nnext: git porch spawn <id> <description>, e.g. git porch spawn 1 api-endpoints' \
    "$OUT" "status without workers"
expect_ok porch status --json
assert_json "$OUT" 'd' '{"alerts":[],"base":"main","last_fetch":null,"progress":{"complete":0,"total":0},"version":1,"workers":[]}' \
    "status --json without workers"

# --- five workers, one in each state ------------------------------------------------------------
expect_ok porch spawn 1 api --scope src/api/ --needs 2
expect_ok porch spawn 2 models
expect_ok porch spawn 3 web --scope web --scope docs
expect_ok porch spawn 10 docs --needs 1 --needs 3
expect_ok porch spawn abc misc
wt() { printf '%s/r/worktrees/%s' "$T" "$1"; }

commit -C "$(wt task-1-api)" "[CHECKPOINT] Add user routes"
commit -C "$(wt task-1-api)" "Fix typo" "not a protocol commit: the state stays checkpoint"
t1_time=$NOW_EPOCH
commit -C "$(wt task-2-models)" "[CHECKPOINT] Add user model"
commit -C "$(wt task-2-models)" "[COMPLETE] User model with validation"
t2_time=$NOW_EPOCH
commit -C "$(wt task-3-web)" "[BLOCKED:missing-api-spec] Need endpoint definitions"
t3_time=$NOW_EPOCH
commit -C "$(wt task-10-docs)" "[NEEDS:task-2/UserModel] Require User model for relations"
t10_time=$NOW_EPOCH
id1=$(git rev-parse work/task-1-api) id2=$(git rev-parse work/task-2-models)
id3=$(git rev-parse work/task-3-web) id10=$(git rev-parse work/task-10-docs)

expect_ok porch status --json
J=$OUT
assert_json "$J" 'sorted(d)' '["alerts","base","last_fetch","progress","version","workers"]' "top-level keys"
assert_json "$J" 'd["progress"]' '{"complete":1,"total":5}' "progress"
assert_json "$J" '[[a["kind"], a["worker"]] for a in d["alerts"]]' \
    '[["unrecorded","task-1"],["unrecorded","task-2"],["blocked","task-3"],["unrecorded","task-3"],["needs-satisfied","task-10"],["unrecorded","task-10"]]' \
    "alerts: blocked, a NEEDS on a complete worker, and commits made without porch's hooks (no init here)"
assert_json "$J" '[d["version"], d["base"]]' '[1,"main"]' "version and base"
assert_json "$J" '[w["id"] for w in d["workers"]]' '["task-1","task-2","task-3","task-10","task-abc"]' \
    "workers in id order: numbers by value, then names"
# The keys of git-porch(1) STATUS JSON SCHEMA.
assert_json "$J" '{tuple(sorted(w)) for w in d["workers"]} == {("agent","ahead_of_remote","attempts","behind_remote","branch","checks","clone","commits","declared_needs","desc","diverged","duplicates","failed","failure","id","integrations","last_commit","local","needs","qa","qa_reason","reason","scope","source","spawned","state","tip","tips","unvalidated","worktree","worktree_missing","worktree_state")}' \
    true "every worker has exactly the documented keys"
assert_json "$J" '[w["unvalidated"] for w in d["workers"]]' '[0,0,0,0,0]' "no hooks, nothing unvalidated"
assert_json "$J" '{tuple(sorted(w["last_commit"])) for w in d["workers"]} == {("age","id","subject","time")}' \
    true "last_commit has exactly id, subject, time, age"
assert_json "$J" '[w["state"] for w in d["workers"]]' '["checkpoint","complete","blocked","needs","new"]' \
    "states: checkpoint, complete, blocked, needs, new"
assert_json "$J" '[w["commits"] for w in d["workers"]]' '[2,2,1,1,0]' "commits ahead of main"
assert_json "$J" '[w["reason"] for w in d["workers"]]' '[null,null,"missing-api-spec",null,null]' \
    "reason only when blocked"
assert_json "$J" '[w["needs"] for w in d["workers"]]' '[[],[],[],[{"item":"UserModel","worker":"task-2"}],[]]' \
    "needs only when the newest protocol commit is NEEDS"
assert_json "$J" '[w["desc"] for w in d["workers"]]' '["api","models","web","docs","misc"]'
assert_json "$J" '[w["branch"] for w in d["workers"]]' \
    '["work/task-1-api","work/task-2-models","work/task-3-web","work/task-10-docs","work/task-abc-misc"]'
assert_json "$J" '[w["worktree"] for w in d["workers"]]' \
    "[\"$(wt task-1-api)\",\"$(wt task-2-models)\",\"$(wt task-3-web)\",\"$(wt task-10-docs)\",\"$(wt task-abc-misc)\"]" \
    "worktrees are absolute paths"
assert_json "$J" '[w["worktree_missing"] for w in d["workers"]]' '[false,false,false,false,false]'
assert_json "$J" '[w["scope"] for w in d["workers"]]' '[["src/api/"],[],["web","docs"],[],[]]' "scope"
assert_json "$J" '[w["declared_needs"] for w in d["workers"]]' '[["task-2"],[],[],["task-1","task-3"],[]]' \
    "declared_needs"
assert_json "$J" '[w["last_commit"]["id"] for w in d["workers"]]' \
    "[\"$id1\",\"$id2\",\"$id3\",\"$id10\",\"$main_tip\"]" "last_commit.id is the full branch tip"
assert_json "$J" '[w["last_commit"]["subject"] for w in d["workers"]]' \
    '["Fix typo","[COMPLETE] User model with validation","[BLOCKED:missing-api-spec] Need endpoint definitions","[NEEDS:task-2/UserModel] Require User model for relations","Prepare the base"]' \
    "last_commit.subject is the first line only"
assert_json "$J" '[w["last_commit"]["time"] for w in d["workers"]]' \
    "[\"$(iso $t1_time)\",\"$(iso $t2_time)\",\"$(iso $t3_time)\",\"$(iso $t10_time)\",\"$(iso $main_time)\"]" \
    "last_commit.time in UTC ISO 8601"
assert_eq "2100-01-01T00:03:00Z" "$(iso $t1_time)" "the clock helper ticks a minute per commit"
assert_json "$J" '[w["last_commit"]["age"] for w in d["workers"]]' '[0,0,0,0,0]' \
    "a commit in the future has age 0"

# The text table.
s() { git rev-parse --short=7 "$1"; }
expected="WORKER    STATE       AHEAD  AGE  BRANCH              WORKTREE                 LAST COMMIT
task-1    checkpoint      2  0s   work/task-1-api     worktrees/task-1-api     $(s "$id1") Fix typo
task-2    complete        2  0s   work/task-2-models  worktrees/task-2-models  $(s "$id2") [COMPLETE] User model with validation
task-3    blocked         1  0s   work/task-3-web     worktrees/task-3-web     $(s "$id3") [BLOCKED:missing-api-spec] Need endpoint definitions
task-10   needs           1  0s   work/task-10-docs   worktrees/task-10-docs   $(s "$id10") [NEEDS:task-2/UserModel] Require User model for relations
task-abc  new             0  0s   work/task-abc-misc  worktrees/task-abc-misc  $(s "$main_tip") Prepare the base"
expect_ok porch status --no-worktrees
assert_eq "$expected" "$(head -n 6 <<<"$OUT")" "the status table"
assert_contains "$OUT" "] 1/5 complete (base: main)" "the progress line"
assert_contains "$OUT" "task-3 is blocked: missing-api-spec" "the blocked alert"
assert_contains "$OUT" "task-10 needs UserModel from task-2, which is complete" "the satisfied NEEDS alert"
assert_contains "$OUT" "pick it up: git -C $(wt task-10-docs) merge --no-ff --no-edit work/task-2-models" "how to pick it up"
table=$OUT

# --- the same answer from everywhere -------------------------------------------------------------
mkdir -p sub/dir
in_dir sub/dir expect_ok porch status --no-worktrees
assert_eq "$table" "$OUT" "status from a subfolder"
in_dir sub/dir expect_ok porch status --json
assert_eq "$J" "$OUT" "status --json from a subfolder"
in_dir "$(wt task-2-models)" expect_ok porch status --no-worktrees
assert_eq "$table" "$OUT" "status from inside a worker's worktree"
in_dir "$(wt task-2-models)" expect_ok porch status --json
assert_eq "$J" "$OUT" "status --json from inside a worker's worktree"
mkdir -p "$(wt task-3-web)/deep/er"
in_dir "$(wt task-3-web)/deep/er" expect_ok porch status --no-worktrees
assert_eq "$table" "$OUT" "status from a subfolder of a worker's worktree"
# The main checkout on another branch changes nothing.
git checkout -q -b elsewhere
expect_ok porch status --json
assert_eq "$J" "$OUT" "status with the main checkout on another branch"
git checkout -q main

# --- --worker -----------------------------------------------------------------------------------
expect_ok porch status --worker task-1 --no-worktrees
assert_eq "WORKER  STATE       AHEAD  AGE  BRANCH           WORKTREE              LAST COMMIT
task-1  checkpoint      2  0s   work/task-1-api  worktrees/task-1-api  $(s "$id1") Fix typo" \
    "$(head -n 2 <<<"$OUT")" "--worker task-1: one row, columns fitted to it"
assert_not_contains "$OUT" "task-10" "--worker task-1 does not match task-10"
assert_contains "$OUT" "0/1 complete (base: main)" "the summary counts the shown worker"
expect_ok porch status --worker 1 --json
assert_json "$OUT" '[w["id"] for w in d["workers"]]' '["task-1"]' "--worker 1 = --worker task-1"
assert_json "$OUT" 'd["workers"][0]' "$(json_q "$J" 'd["workers"][0]')" "the same object as in the full list"
expect_ok porch status --worker=task-10 --json
assert_json "$OUT" '[w["id"] for w in d["workers"]]' '["task-10"]' "--worker=task-10"
expect_ok porch status --worker abc
assert_contains "$OUT" "task-abc" "--worker with a letter id"
# A valid id with no worker is an error (git-porch(1) still says: empty list, status 0).
expect_fail 128 "no worker task-99" -- porch status --worker 99
assert_contains "$ERR" "hint: list workers with: git porch status" "the unknown worker hint"
expect_fail 128 "no worker task-99" -- porch status --worker task-99 --json
expect_fail 129 "--worker takes task-<id>, not 'A'" -- porch status --worker A
expect_fail 129 "--worker takes task-<id>" -- porch status --worker task-
expect_fail 129 "--worker takes task-<id>, not 'a?b'" -- porch status --worker $'a\x1bb'
expect_fail 129 "--worker" -- porch status --worker

# --- the newest protocol commit decides; other commits do not -------------------------------------
w1() { porch status --json --worker 1; }
commit -C "$(wt task-1-api)" "[BLOCKED:waiting-for-review] Review needed"
assert_json "$(w1)" '[d["workers"][0]["state"], d["workers"][0]["reason"]]' '["blocked","waiting-for-review"]' \
    "checkpoint -> blocked"
commit -C "$(wt task-1-api)" "[NEEDS:task-abc/Schema] Need the schema"
assert_json "$(w1)" '[d["workers"][0][k] for k in ("state","reason","needs")]' \
    '["needs",null,[{"item":"Schema","worker":"task-abc"}]]' "blocked -> needs: the reason is gone"
for subject in "fixup! [COMPLETE] x" "squash! y" "Merge branch 'main' into work/task-1-api" \
    'Revert "[NEEDS:task-abc/Schema] Need the schema"' "[checkpoint] lower case is not a tag" \
    "[WIP] unknown tag" "[COMPLETE]no space"; do
    commit -C "$(wt task-1-api)" "$subject"
done
assert_json "$(w1)" '[d["workers"][0]["state"], d["workers"][0]["commits"]]' '["needs",11]' \
    "fixup, merge, revert and invalid subjects do not change the state"
commit -C "$(wt task-1-api)" "[COMPLETE] Routes done" "Body text [BLOCKED:not-this] is ignored."
assert_json "$(w1)" '[d["workers"][0][k] for k in ("state","reason","needs")]' '["complete",null,[]]' \
    "needs -> complete; only the subject counts"
commit -C "$(wt task-1-api)" "[CHECKPOINT] Reopened"
assert_json "$(w1)" 'd["workers"][0]["state"]' checkpoint "complete -> checkpoint again"
commit -C "$(wt task-1-api)" $'\n\n[BLOCKED:after-blank-lines] Subject after blank lines'
assert_json "$(w1)" 'd["workers"][0]["reason"]' after-blank-lines "leading blank lines are not the subject"

# Merged into main: nothing ahead, the state stays.
git merge -q --ff-only work/task-2-models
expect_ok porch status --json --worker 2
assert_json "$OUT" '[d["workers"][0]["state"], d["workers"][0]["commits"]]' '["complete",0]' \
    "a merged worker: 0 ahead, still complete"
git reset -q --hard "$main_tip"

# A branch made by hand in the worker namespace is listed; other names are not.
git branch work/task-6-manual
git branch work/task-Up-case
git branch work/task-7
git branch work/other
expect_ok porch status --json
assert_json "$OUT" '[w["id"] for w in d["workers"]]' \
    '["task-1","task-2","task-3","task-6","task-10","task-abc"]' "only worker-shaped branches are workers"
assert_json "$OUT" '[[w[k] for k in ("state","commits","scope","declared_needs","worktree")] for w in d["workers"] if w["id"] == "task-6"]' \
    '[["new",0,[],[],null]]' "a hand-made worker branch: new, no worktree, nothing declared"
git branch -q -D work/task-6-manual work/task-Up-case work/task-7 work/other

# --- a worktree folder deleted by hand -----------------------------------------------------------
rm -rf "$(wt task-abc-misc)"
expect_ok porch status --json
assert_json "$OUT" '[[w["worktree"], w["worktree_missing"]] for w in d["workers"] if w["id"] == "task-abc"]' \
    "[[\"$(wt task-abc-misc)\",true]]" "a deleted worktree folder: worktree_missing true"
assert_json "$OUT" '[w["worktree_missing"] for w in d["workers"] if w["id"] != "task-abc"]' \
    '[false,false,false,false]' "the other worktrees are not missing"
expect_ok porch status
assert_contains "$OUT" "worktrees/task-abc-misc (missing)" "the table marks the missing worktree"
assert_contains "$OUT" "task-abc: its worktree folder is missing: $(wt task-abc-misc)" "an alert line says so"
in_dir "$(wt task-1-api)" expect_ok porch status --worker abc
assert_contains "$OUT" "(missing)" "from another worktree too"
git worktree prune
expect_ok porch status --json --worker abc
assert_json "$OUT" '[d["workers"][0]["worktree"], d["workers"][0]["worktree_missing"]]' '[null,false]' \
    "after git worktree prune: no worktree"
expect_ok porch status --worker abc
assert_match "$(sed -n 2p <<<"$OUT")" '^task-abc +new +0 +- +- +0s +work/task-abc-misc +- +[0-9a-f]{7} Prepare the base$' \
    "a worker without a worktree shows -"
cd "$T"

# --- ages of past commits ---------------------------------------------------------------------------
set_clock "$BASE_EPOCH"
new_repo past
in_dir past expect_ok porch spawn 1 old
before=$(date +%s)
in_dir past expect_ok porch status --json
after=$(date +%s)
age=$(json_q "$OUT" 'd["workers"][0]["last_commit"]["age"]')
assert_true "age is now - commit time (age $age, now $before..$after, commit $BASE_EPOCH)" \
    test "$age" -ge $((before - BASE_EPOCH)) -a "$age" -le $((after - BASE_EPOCH))
assert_json "$OUT" 'd["workers"][0]["last_commit"]["time"]' 2025-01-01T00:00:00Z "time of a past commit"
before=$(date +%s)
in_dir past expect_ok porch status --no-worktrees
after=$(date +%s)
cell=$(sed -n 2p <<<"$OUT" | awk '{print $4}')
assert_true "the AGE cell is whole days ($cell)" test "$cell" = "$(((before - BASE_EPOCH) / 86400))d" -o \
    "$cell" = "$(((after - BASE_EPOCH) / 86400))d"

# --- commits in the same second: the newest protocol commit still wins ------------------------------
new_repo same
in_dir same expect_ok porch spawn 1 quick
for subject in "[CHECKPOINT] one" "[BLOCKED:x] two" "[NEEDS:task-2/y] three" "[COMPLETE] four" "plain five"; do
    git -C same/worktrees/task-1-quick commit -q --allow-empty -m "$subject" # no tick: same second
done
in_dir same expect_ok porch status --json
assert_json "$OUT" 'd["workers"][0]["state"]' complete \
    "commits sharing one timestamp: the newest protocol commit in parent order wins"
# A commit dated before its parent (clock skew between machines) does not hide the newer state.
tick
git -C same/worktrees/task-1-quick commit -q --allow-empty -m "[BLOCKED:later] six"
GIT_COMMITTER_DATE="@$BASE_EPOCH +0000" GIT_AUTHOR_DATE="@$BASE_EPOCH +0000" \
    git -C same/worktrees/task-1-quick commit -q --allow-empty -m "[NEEDS:task-3/skewed] seven, dated in the past"
in_dir same expect_ok porch status --json
assert_json "$OUT" '[d["workers"][0]["state"], d["workers"][0]["needs"]]' '["needs",[{"item":"skewed","worker":"task-3"}]]' \
    "a commit older than its parent by date is still the newest on the branch"

# --- with porch's hooks installed: commits are recorded, bypasses are counted ------------------------
set_clock 4102444800
new_repo hooked
cd hooked
expect_ok porch init -q
expect_ok porch spawn 1 api
commit -C worktrees/task-1-api "[CHECKPOINT] Through the hooks"
commit -C worktrees/task-1-api "[BLOCKED:spec] Also through the hooks"
expect_ok porch status --json
assert_json "$OUT" '[d["workers"][0][k] for k in ("state","reason","commits","unvalidated")]' \
    '["blocked","spec",2,0]' "recorded protocol commits give the same state"
tick
run git -C worktrees/task-1-api commit -q --allow-empty -m "Not protocol"
assert_eq 1 "$RC" "the commit-msg hook stops a non-protocol commit in a worker"
tick
git -C worktrees/task-1-api commit -q --allow-empty --no-verify -m "Not protocol, forced"
expect_ok porch status --json
assert_json "$OUT" '[d["workers"][0][k] for k in ("state","reason","commits","unvalidated")]' \
    '["blocked","spec",3,1]' "a commit that bypassed the hooks is counted, the state stays"
expect_ok porch status
assert_contains "$OUT" "task-1: 1 commit bypassed the protocol hooks" \
    "the table warns about the bypass"
cd "$T"

finish
