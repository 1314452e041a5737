#!/usr/bin/env bash
# The event store through its readers: git porch log (text and --json schema, narrowing), events
# across amend, rebase and gc, reindex of branches made without hooks (idempotent, narrowed),
# merging two clones' notes with cat_sort_uniq, compaction of a long history, and malformed lines.
source "$(dirname "$0")/lib.sh"
cd "$T"

anchor() { printf 'porch worker %s\n' "$1" | git hash-object --stdin; }
notes_tip() { git rev-parse -q --verify refs/notes/porch || echo none; }
live_lines() { git notes --ref porch show "$(anchor "$1")" | grep -c . || true; }
# Python over `git porch log --json [worker]` (as d); prints the expression's value.
logq() { # <expr> [worker]
    git porch log --json ${2:+"$2"} | python3 -c '
import json, sys
d = json.load(sys.stdin)
v = eval(sys.argv[1])
print(v if isinstance(v, str) else json.dumps(v, sort_keys=True, separators=(",", ":")))' "$1"
}
# The recorded commits of a worker, one id a line, sorted (duplicates kept).
recorded_commits() { logq '"\n".join(sorted(e["commit"] for e in d if e["type"] == "commit"))' "$1"; }
worker_json() { git porch status --json --worker "$1" | python3 -c '
import json, sys
w = json.load(sys.stdin)["workers"][0]
w["last_commit"].pop("age", None)
print(json.dumps(w, sort_keys=True))'; }
# hookless [git commit args...]: a commit that no hook sees.
hookless() {
    tick
    git -c core.hooksPath=/dev/null commit -q "$@"
}
# change <file> <subject>: a real hooked commit of new content.
change() {
    printf '%s\n' "$2" >>"$1"
    git add "$1"
    tick
    git commit -q -m "$2"
}

new_repo r
cd r
porch init -q
git add .porch.toml && commit "Add porch settings"
expect_ok porch spawn 1 api --scope src --scope docs/ --needs 2
expect_ok porch spawn 2 models
clone_one=$(git config porch.cloneId)
W1=$T/r/worktrees/task-1-api
W2=$T/r/worktrees/task-2-models
cd "$W1"
mkdir -p src
change src/a.c "[CHECKPOINT] First step"
change src/a.c "[BLOCKED:waiting-on-models] Need the models"
change src/a.c "[NEEDS:task-2/User] The user model"
cd "$W2"
change models.txt "[CHECKPOINT] Models started"
change models.txt "[COMPLETE] Models done"
printf 'x\n' >bypass.txt && git add bypass.txt && tick && git commit -q --no-verify -m "no tag, hooks skipped"
cd "$T/r"

# --- log --json: the schema --------------------------------------------------------------------
expect_ok porch log --json
LOG=$OUT
schema_problems() {
    python3 - "$1" "$clone_one" <<'EOF'
import json, re, sys
d = json.loads(sys.argv[1])
clone = sys.argv[2]
bad = []
if not isinstance(d, list):
    sys.exit("not an array")
hexn = lambda n: re.compile("^[0-9a-f]{%d}$" % n)
iso = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$")
for i, e in enumerate(d):
    where = "event %d (%s)" % (i, e.get("type"))
    for k, t in (("type", str), ("worker", str), ("time", str), ("clone", str), ("id", str)):
        if not isinstance(e.get(k), t):
            bad.append("%s: %s is not a string" % (where, k))
    if not isinstance(e.get("lamport"), int) or isinstance(e.get("lamport"), bool) or e["lamport"] < 1:
        bad.append("%s: lamport is not a positive integer" % where)
    if not iso.match(str(e.get("time"))):
        bad.append("%s: time %r is not ISO 8601 UTC" % (where, e.get("time")))
    if e.get("clone") != clone:
        bad.append("%s: clone %r is not this clone's id" % (where, e.get("clone")))
    if not hexn(32).match(str(e.get("id"))):
        bad.append("%s: id %r" % (where, e.get("id")))
    if not re.match(r"^task-[a-z0-9]{1,32}$", str(e.get("worker"))):
        bad.append("%s: worker %r" % (where, e.get("worker")))
    if e.get("type") == "commit":
        for k in ("commit", "parent"):
            if not hexn(40).match(str(e.get(k))):
                bad.append("%s: %s %r is not 40 hex digits" % (where, k, e.get(k)))
        if "state" not in e or not (e["state"] is None or e["state"] in ("checkpoint", "blocked", "needs", "complete")):
            bad.append("%s: state %r" % (where, e.get("state")))
        if e.get("kind") not in ("protocol", "merge", "revert", "fixup", "empty", "invalid"):
            bad.append("%s: kind %r" % (where, e.get("kind")))
        if not isinstance(e.get("valid"), bool):
            bad.append("%s: valid %r is not a boolean" % (where, e.get("valid")))
        if not isinstance(e.get("subject"), str) or not e["subject"]:
            bad.append("%s: subject %r" % (where, e.get("subject")))
        if (e.get("kind") == "protocol") != (e.get("state") is not None):
            bad.append("%s: state and kind disagree" % where)
        if e.get("valid") != (e.get("kind") not in ("invalid", "empty")):
            bad.append("%s: valid and kind disagree" % where)
        if e.get("source") != "hook":
            bad.append("%s: source %r" % (where, e.get("source")))
    elif e.get("type") == "spawned":
        for k in ("scope", "needs"):
            if not isinstance(e.get(k), list) or not all(isinstance(x, str) for x in e[k]):
                bad.append("%s: %s is not an array of strings" % (where, k))
        if not hexn(40).match(str(e.get("base"))):
            bad.append("%s: base %r" % (where, e.get("base")))
        for k in ("desc", "branch", "worktree", "base_ref"):
            if not isinstance(e.get(k), str):
                bad.append("%s: %s missing" % (where, k))
    else:
        bad.append("%s: unknown type" % where)
if len({e.get("id") for e in d}) != len(d):
    bad.append("event ids are not unique")
print("\n".join(bad))
EOF
}
assert_eq "" "$(schema_problems "$LOG")" "log --json follows the schema"
assert_json "$LOG" '[[e["type"] for e in d if e["worker"] == w] for w in ("task-1", "task-2")]' \
    '[["spawned","commit","commit","commit"],["spawned","commit","commit","commit"]]' \
    "each worker: its spawn, then its three commits"
assert_json "$LOG" '[(e["time"], e["worker"], e["lamport"]) for e in d] == sorted((e["time"], e["worker"], e["lamport"]) for e in d)' \
    true "log --json of all workers is ordered by time"
assert_json "$LOG" '[[e["worker"], e["subject"]] for e in d if e["type"] == "commit"]' \
    '[["task-1","[CHECKPOINT] First step"],["task-1","[BLOCKED:waiting-on-models] Need the models"],["task-1","[NEEDS:task-2/User] The user model"],["task-2","[CHECKPOINT] Models started"],["task-2","[COMPLETE] Models done"],["task-2","no tag, hooks skipped"]]' \
    "every commit recorded once, in order"
assert_json "$LOG" '[[e["state"], e["kind"], e["valid"]] for e in d if e["type"] == "commit"]' \
    '[["checkpoint","protocol",true],["blocked","protocol",true],["needs","protocol",true],["checkpoint","protocol",true],["complete","protocol",true],[null,"invalid",false]]' \
    "state, kind and valid of each commit"
assert_json "$LOG" '[e["commit"] for e in d if e["type"] == "commit" and e["worker"] == "task-2"]' \
    "$(git rev-list --reverse main..work/task-2-models | python3 -c 'import json,sys; print(json.dumps(sys.stdin.read().split(), separators=(",", ":")))')" \
    "the commit ids are task-2's commits"
assert_json "$LOG" '[[e.get("reason"), e.get("needs_worker"), e.get("needs_item")] for e in d if e["worker"] == "task-1" and e["type"] == "commit"]' \
    '[[null,null,null],["waiting-on-models",null,null],[null,"task-2","User"]]' "the tags' arguments"
main_tip=$(git rev-parse main)
assert_json "$LOG" '[[e["scope"], e["needs"], e["base"], e["base_ref"], e["branch"], e["worktree"], e["desc"]] for e in d if e["type"] == "spawned"]' \
    "[[[\"src\",\"docs/\"],[\"task-2\"],\"$main_tip\",\"main\",\"work/task-1-api\",\"worktrees/task-1-api\",\"api\"],[[],[],\"$main_tip\",\"main\",\"work/task-2-models\",\"worktrees/task-2-models\",\"models\"]]" \
    "spawned events carry scope, needs, base and the rest"
first=$(git rev-parse work/task-1-api~2)
assert_json "$LOG" "[[e['parent'], e['commit_time']] for e in d if e.get('commit') == '$first']" \
    "[[\"$main_tip\",\"$(iso "$(git log -1 --format=%ct "$first")")\"]]" \
    "parent and commit time (the committer time; see the report: the man page says epoch seconds)"
assert_json "$LOG" '[e["lamport"] for e in d if e["worker"] == "task-1"]' '[1,2,3,4]' \
    "one worker's lamport clocks count its events"

# --- log: text -----------------------------------------------------------------------------------
expect_ok porch log
assert_eq 8 "$(printf '%s\n' "$OUT" | wc -l)" "log prints one line per event"
line_problems=$(printf '%s\n' "$OUT" | grep -vE '^[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2}:[0-9]{2}  task-[12]      (spawned |checkpoint|blocked   |needs     |complete  |commit    )  ' || true)
assert_eq "" "$line_problems" "every log line is <date time>  <worker>  <what>  <details>"
assert_contains "$OUT" "task-1      spawned     from main (${main_tip:0:7}), scope: src docs/, needs: task-2" \
    "the spawned line shows base, scope and needs"
c=$(git rev-parse work/task-1-api~1)
assert_contains "$OUT" "task-1      blocked     ${c:0:7} [BLOCKED:waiting-on-models] Need the models" "a blocked line"
c=$(git rev-parse work/task-2-models)
assert_contains "$OUT" "task-2      commit      ${c:0:7} no tag, hooks skipped  (bypassed the protocol)" \
    "a bypass is marked"
assert_no_esc "$OUT" "no colour when stdout is not a terminal"

# --- log <worker> narrows; unknown workers ------------------------------------------------------
expect_ok porch log task-1
assert_eq 4 "$(printf '%s\n' "$OUT" | wc -l)" "log task-1: four events"
assert_not_contains "$OUT" "task-2      " "log task-1 shows no task-2 event"
text1=$OUT
expect_ok porch log 1
assert_eq "$text1" "$OUT" "log 1 is log task-1"
expect_ok porch log --json task-2
assert_json "$OUT" '[len(d), sorted({e["worker"] for e in d})]' '[4,["task-2"]]' "log --json task-2: only task-2"
expect_fail 128 "no worker task-99" -- porch log task-99
expect_fail 129 "log takes task-<id>" -- porch log 'not/an id'

# --- events survive amend, rebase and gc -----------------------------------------------------------
all_ids() { logq '"\n".join(sorted(e["id"] for e in d))'; }
all_ids >"$T/ids.before-amend"
cd "$W1"
change src/a.c "[CHECKPOINT] Before the amend"
pre_amend=$(git rev-parse HEAD)
tick
git commit -q --amend -m "[CHECKPOINT] After the amend"
post_amend=$(git rev-parse HEAD)
assert_eq "" "$(comm -23 "$T/ids.before-amend" <(all_ids))" "no event is lost by an amend"
assert_json "$(logq 'd' task-1)" "[[e['subject'], e['source']] for e in d if e.get('commit') in ('$pre_amend', '$post_amend')]" \
    '[["[CHECKPOINT] Before the amend","hook"],["[CHECKPOINT] After the amend","hook"]]' \
    "post-commit recorded the amended commit too (and the first one stays)"
assert_json "$(worker_json task-1)" '[d["state"], d["last_commit"]["id"]]' "[\"checkpoint\",\"$post_amend\"]" \
    "status follows the amended commit"

# rebase onto a main that moved on
cd "$T/r"
printf 'main moved\n' >main.txt && git add main.txt && commit "Main moves on"
all_ids >"$T/ids.before-rebase"
cd "$W1"
tick
run git rebase -q main
assert_eq 0 "$RC" "test setup: the rebase succeeds: $ERR"
assert_eq "" "$(comm -23 "$T/ids.before-rebase" <(all_ids))" "no event is lost by a rebase"
missing_after_rebase() { comm -23 <(git rev-list main..work/task-1-api | sort) <(recorded_commits task-1); }
rebased_recorded() { [[ -z $(missing_after_rebase) ]]; }
assert_true "rebase picks are not recorded (post-commit runs on a detached HEAD and records nothing): $(missing_after_rebase | wc -l) of $(git rev-list --count main..work/task-1-api) rewritten commits missing" \
    rebased_recorded
assert_json "$(worker_json task-1)" '[d["state"], d["commits"]]' '["checkpoint",4]' "status after the rebase"
cd "$T/r"
all_ids >"$T/ids.before-gc"
git reflog expire --expire=now --all
git gc -q --prune=now
assert_file_eq "$T/ids.before-gc" <(all_ids) "gc --prune=now loses no event"
assert_eq "" "$(schema_problems "$(logq d)")" "the log still follows the schema after gc"

# reindex after the rebase records the rewritten commits, and only the worker's own
run porch reindex task-1
assert_eq 0 "$RC" "reindex task-1 after a rebase: $ERR"
assert_eq "" "$(missing_after_rebase)" "after reindex every commit of the rebased branch is recorded"
base_in_worker() { comm -12 <(git rev-list main | sort) <(recorded_commits task-1); }
no_base_in_worker() { [[ -z $(base_in_worker) ]]; }
assert_true "reindex after a rebase onto a newer main records main's own commits as task-1's ($(base_in_worker | wc -l) of them: $(base_in_worker | xargs -r -n1 git log -1 --format=%s | paste -sd'|'))" \
    no_base_in_worker

# --- reindex: branches made without porch and without hooks ----------------------------------------
git branch work/task-7-manual main
git worktree add -q "$T/wt7" work/task-7-manual
cd "$T/wt7"
hookless --allow-empty -m "[CHECKPOINT] Manual one"
hookless --allow-empty -m "free text, no tag"
hookless --allow-empty -m "[BLOCKED:no-access] Manual blocked"
cd "$T/r"
git branch work/task-8-other main
git worktree add -q "$T/wt8" work/task-8-other
(cd "$T/wt8" && hookless --allow-empty -m "[COMPLETE] Other done")
tip=$(notes_tip)
expect_ok porch log task-8
assert_eq "no events yet" "$OUT" "a worker branch with no events: log says so"
assert_eq "$tip" "$(notes_tip)" "hookless commits record nothing"

expect_ok porch reindex task-7
assert_eq "task-7: recorded 3 commits and its spawn" "$OUT" "reindex task-7 records task-7 only"
assert_eq "no events yet" "$(git porch log task-8)" "reindex task-7 leaves task-8 alone"
ev7=$(logq d task-7)
assert_json "$ev7" '[[e["type"], e.get("subject"), e.get("source")] for e in d]' \
    '[["spawned",null,"reindex"],["commit","[CHECKPOINT] Manual one","reindex"],["commit","free text, no tag","reindex"],["commit","[BLOCKED:no-access] Manual blocked","reindex"]]' \
    "reindex records the spawn and each commit once, in history order"
assert_json "$ev7" '[e["commit"] for e in d if e["type"] == "commit"]' \
    "$(git rev-list --reverse main..work/task-7-manual | python3 -c 'import json,sys; print(json.dumps(sys.stdin.read().split(), separators=(",", ":")))')" \
    "the recorded commits are the branch's"
assert_json "$ev7" "[e['time'] for e in d if e['type'] == 'commit']" \
    "$(git log --reverse --format=%ct main..work/task-7-manual | while read -r t; do printf '"%s",' "$(iso "$t")"; done | sed 's/^/[/; s/,$/]/')" \
    "reindexed events are dated when the commit was made"
assert_json "$(worker_json task-7)" '[d["state"], d["reason"], d["unvalidated"], d["commits"]]' '["blocked","no-access",1,3]' \
    "status after reindex"
expect_ok porch reindex
assert_eq "task-8: recorded 1 commit and its spawn" "$OUT" "reindex records what is missing, task-8 only"
assert_json "$(worker_json task-8)" '[d["state"], d["unvalidated"]]' '["complete",0]' "task-8's state"
tip=$(notes_tip)
expect_ok porch reindex
assert_eq "nothing to record: the notes know every commit of every worker" "$OUT" "a second reindex has nothing to do"
assert_eq "$tip" "$(notes_tip)" "a second reindex writes nothing"
expect_ok porch reindex 7
assert_eq "nothing to record: the notes know every commit of task-7" "$OUT" "reindex 7 is reindex task-7"
assert_eq "$tip" "$(notes_tip)" "still nothing written"
expect_fail 128 "no worker task-99: no branch to read" -- porch reindex task-99
# A hooked commit after reindex continues the worker's clock.
cd "$T/wt7"
change manual.txt "[CHECKPOINT] Hooked after reindex"
assert_json "$(logq d task-7)" '[d[-1]["subject"], d[-1]["source"], d[-1]["lamport"] > max(e["lamport"] for e in d[:-1])]' \
    '["[CHECKPOINT] Hooked after reindex","hook",true]' "the next hooked event follows the reindexed ones"
cd "$T/r"
expect_ok porch reindex
assert_contains "$OUT" "nothing to record" "the hooked commit is not recorded twice"

# --- notes of two clones merge by line union ------------------------------------------------------
git clone -q "$T/r" "$T/r2"
cd "$T/r2"
git fetch -q origin refs/notes/porch:refs/notes/porch
porch init -q
git worktree add -q worktrees/task-1-api work/task-1-api >/dev/null 2>&1
cd worktrees/task-1-api
change src/two.c "[CHECKPOINT] From clone two"
cd "$T/r2"
expect_ok porch spawn 9 only-in-two
clone_two=$(git config porch.cloneId)
assert_ne "$clone_one" "$clone_two" "test setup: the clones have their own ids"
cd "$T/r"
(cd "$W1" && change src/one.c "[CHECKPOINT] From clone one")
expect_ok porch spawn 10 only-in-one
logq '"\n".join(sorted(e["id"] for e in d))' >"$T/ids.one"
(cd "$T/r2" && logq '"\n".join(sorted(e["id"] for e in d))') >"$T/ids.two"
assert_ne "$(cat "$T/ids.one")" "$(cat "$T/ids.two")" "test setup: the stores diverged"
git fetch -q "$T/r2" refs/notes/porch:refs/notes/porch-two
git -C "$T/r2" fetch -q "$T/r" refs/notes/porch:refs/notes/porch-one
run git notes --ref porch merge -s cat_sort_uniq refs/notes/porch-two
assert_eq 0 "$RC" "git notes merge -s cat_sort_uniq: $ERR"
run git -C "$T/r2" notes --ref porch merge refs/notes/porch-one
assert_eq 0 "$RC" "a plain git notes merge uses notes.porch.mergeStrategy from init: $ERR"
# The notes, not the anchors beside them: git keeps only the local side's (see store.hpp).
notes_of() { git -C "$1" notes --ref=porch list | sort; }
assert_eq "$(notes_of .)" "$(notes_of "$T/r2")" "both clones merge to the same notes, byte for byte"
assert_eq "$(sort -u "$T/ids.one" "$T/ids.two")" "$(logq '"\n".join(sorted(e["id"] for e in d))')" \
    "the merged log is the union of both logs, each event once"
run porch log
assert_eq 0 "$RC" "log after the merge"
assert_eq "" "$ERR" "no malformed lines after a merge"
assert_contains "$OUT" "[CHECKPOINT] From clone two" "clone two's commit is in clone one's log"
assert_contains "$OUT" "task-9      spawned" "a worker only clone two knows is listed (the registry merged)"
assert_contains "$OUT" "task-10     spawned" "clone one's own worker is still listed"
assert_json "$(logq d task-1)" 'sorted({e["clone"] for e in d})' "$(printf '%s\n' "$clone_one" "$clone_two" | sort | python3 -c 'import json,sys; print(json.dumps(sys.stdin.read().split(), separators=(",", ":")))')" \
    "task-1's events come from both clones"
cd "$W1"
change src/one.c "[CHECKPOINT] After the merge"
assert_json "$(logq d task-1)" '[e["lamport"] for e in d][-1] > max(e["lamport"] for e in d[:-1])' true \
    "a new event's lamport clock is past both clones' events"
cd "$T/r"

# --- malformed lines are skipped with a warning ---------------------------------------------------
before_json=$(worker_json task-2)
before_ids=$(logq '"\n".join(sorted(e["id"] for e in d))')
cat >"$T/garbage" <<'EOF'
this is not json
{"v":1,"lc":3,"t":1,"clone":"x","id":"truncated","type":"commit"
{"v":1,"lc":"three","t":1,"clone":"x","id":"badlc","type":"commit","worker":"task-2"}
{"v":1,"lc":4,"t":1,"clone":"x","id":"elsewhere","type":"spawned","worker":"task-1"}
EOF
git notes --ref porch append -F "$T/garbage" "$(anchor task-2)"
run porch log
assert_eq 0 "$RC" "log with malformed lines still works"
assert_eq "warning: skipped 4 malformed event lines" "$ERR" "log warns once, with the count"
assert_contains "$OUT" "[COMPLETE] Models done" "task-2's good events are still shown"
run porch log --json
assert_eq 0 "$RC" "log --json with malformed lines"
assert_eq "$before_ids" "$(printf '%s' "$OUT" | python3 -c 'import json,sys; print("\n".join(sorted(e["id"] for e in json.load(sys.stdin))))')" \
    "log --json has exactly the good events"
run porch status
assert_eq 0 "$RC" "status with malformed lines works: $ERR"
assert_eq "$before_json" "$(worker_json task-2)" "status of task-2 is unchanged by the garbage"
cd "$W2"
change models.txt "[CHECKPOINT] After the garbage"
assert_json "$(logq d task-2 2>/dev/null)" '[d[-1]["subject"], d[-1]["lamport"] > max(e["lamport"] for e in d[:-1])]' \
    '["[CHECKPOINT] After the garbage",true]' "recording goes on after garbage"
assert_json "$(worker_json task-2)" '[d["state"], d["unvalidated"]]' '["checkpoint",1]' "status follows"
cd "$T"

# --- compaction: a long history stays cheap to read and complete to list ---------------------------
new_repo c
cd c
porch init -q
git add .porch.toml && commit "Add porch settings"
expect_ok porch spawn 1 big
# Commits made without hooks, in bulk: git fast-import (one process) instead of 600 commits.
bulk_commits() { # <branch> <first> <last> <subject as a Python expression of i>
    python3 - "$@" <<'EOF' | git fast-import --quiet
import sys
branch, first, last, fmt = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
out = sys.stdout.buffer
for i in range(first, last + 1):
    msg = (eval(fmt) + "\n").encode()
    out.write(b"commit refs/heads/%s\ncommitter Porch Tester <tester@example.com> 1735689600 +0000\n" % branch.encode())
    out.write(b"data %d\n%s" % (len(msg), msg))
    if i == first:
        out.write(b"from refs/heads/%s^0\n" % branch.encode())
    out.write(b"\n")
EOF
}
bulk_commits work/task-1-big 1 600 '"untagged %d" % i if i % 100 == 50 else "[CHECKPOINT] step %d" % i'
assert_eq 600 "$(git rev-list --count main..work/task-1-big)" "test setup: 600 commits"
assert_eq "" "$(git -C worktrees/task-1-big status --porcelain)" "test setup: the worktree is clean"
expect_ok porch reindex
assert_eq "task-1: recorded 600 commits" "$OUT" "reindex records the 600 hookless commits"
n=$(live_lines task-1)
assert_true "after reindex the live note has at most 60 lines (has $n)" test "$n" -le 60
archive1=$(printf 'porch worker task-1 archive 1\n' | git hash-object --stdin)
has_note() { git notes --ref porch-archive show "$1" >/dev/null 2>&1; }
assert_true "older events went to an archive note" has_note "$archive1"
cd worktrees/task-1-big
for i in $(seq 601 650); do
    printf '%s\n' "$i" >"f$((i % 7)).txt"
    git add "f$((i % 7)).txt"
    git commit -q -m "[CHECKPOINT] hooked $i"
done
cd "$T/c"
n=$(live_lines task-1)
assert_true "after 50 more hooked commits the live note has at most 60 lines (has $n)" test "$n" -le 60
assert_eq "$(git rev-list main..work/task-1-big | sort)" "$(recorded_commits task-1)" \
    "log --json lists all 650 commits, each exactly once"
assert_eq 650 "$(logq 'len([e for e in d if e["type"] == "commit"])' task-1)" "650 commit events"
assert_eq 1 "$(logq 'len([e for e in d if e["type"] == "spawned"])' task-1)" "and the spawn"
assert_eq true "$(logq '[e["lamport"] for e in d] == sorted(e["lamport"] for e in d) and len({e["lamport"] for e in d}) == len(d)' task-1)" \
    "lamport clocks are unique and in order across archive and live note"
w=$(worker_json task-1)
assert_json "$w" '[d["state"], d["commits"], d["last_commit"]["subject"]]' '["checkpoint",650,"[CHECKPOINT] hooked 650"]' \
    "status after compaction"
unv=$(json_q "$w" 'd["unvalidated"]')
assert_true "status counts unvalidated commits in the live note only: 6 recorded commits break the protocol, status says $unv after compaction" \
    test "$unv" = 6
expect_ok porch log task-1
assert_eq 651 "$(printf '%s\n' "$OUT" | wc -l)" "log text lists every event"
tip=$(notes_tip)
expect_ok porch reindex
assert_contains "$OUT" "nothing to record" "reindex after compaction knows the archived commits"
assert_eq "$tip" "$(notes_tip)" "and writes nothing"
# A second compaction: another 300 hookless commits (151 + 300 lines > 400).
bulk_commits work/task-1-big 651 950 '"[CHECKPOINT] more %d" % i'
assert_eq "" "$(git -C worktrees/task-1-big status --porcelain)" "test setup: the worktree is still clean"
expect_ok porch reindex
assert_eq "task-1: recorded 300 commits" "$OUT" "reindex records the next 300"
archive2=$(printf 'porch worker task-1 archive 2\n' | git hash-object --stdin)
assert_true "a second archive note" has_note "$archive2"
assert_eq 2 "$(git notes --ref=porch list | wc -l | tr -d ' ')" \
    "archives stay out of the live ref: its tree is the live note and the registry"
n=$(live_lines task-1)
assert_true "the live note stays at most 60 lines (has $n)" test "$n" -le 60
assert_eq "$(git rev-list main..work/task-1-big | sort)" "$(recorded_commits task-1)" \
    "all 950 commits listed once after two compactions"
assert_json "$(worker_json task-1)" '[d["state"], d["commits"]]' '["checkpoint",950]' "status after two compactions"

finish
