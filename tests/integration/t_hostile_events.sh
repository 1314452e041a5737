#!/usr/bin/env bash
# Forged events from a teammate: bob pushes notes that claim to come from ann's clone, put events
# for one worker into another worker's note, carry absurd timestamps and clocks, reuse event ids,
# or hold 100,000 lines. ann's sync merges what validates and skips the rest with one warning;
# status and log never crash, and never let bob's lines change the state of ann's own workers.
#
# What sync validates (lib/sync/sync.cpp, valid_lines): the note's size, each line's format
# (lib/store/event.cpp, from_line), the worker's name, and that the line sits in the note of
# the worker it names. The clone field cannot be checked (events are not signed): a teammate who
# may push can always write lines in anyone's name. What must hold is that such lines never
# override what ann's clone knows first-hand about its own workers.
source "$(dirname "$0")/lib.sh"
cd "$T"

git init -q --bare -b main srv.git
new_repo seed
git -C seed push -q "file://$T/srv.git" main
for who in ann bob; do
    git clone -q "file://$T/srv.git" "$who"
    git -C "$who" config porch.name "$who"
    in_dir "$who" expect_ok porch init -q
done
cd ann
expect_ok porch spawn 1 api --scope src/api/
commit -C worktrees/task-1-api "[CHECKPOINT] first step"
expect_ok porch spawn 2 web --scope src/web/
expect_ok porch sync
ANN=$(git config porch.cloneId)
TIP1=$(git rev-parse work/task-1-api)
BASE=$(git rev-parse main)
cd "$T/bob"
expect_ok porch sync
expect_ok porch spawn 3 docs
expect_ok porch sync
BOB=$(git config porch.cloneId)

anchor() { printf 'porch worker %s\n' "$1" | git hash-object -w --stdin; }
# forge <worker> <line...>: bob adds raw lines to a worker's live note, then pushes them.
forge() {
    local worker=$1 a
    shift
    a=$(anchor "$worker")
    { git notes --ref porch show "$a" 2>/dev/null || true; printf '%s\n' "$@"; } | sort -u >"$T/forged.txt"
    git notes --ref porch add -f -F "$T/forged.txt" "$a" 2>/dev/null
    git push -q -f origin refs/notes/porch:refs/notes/porch
}
line() { # <worker> <clone> <id> <lc> <t> <type> [extra json fields]
    printf '{"clone":"%s","id":"%s","lc":%s,"t":%s,"type":"%s","v":1,"worker":"%s"%s}' \
        "$2" "$3" "$4" "$5" "$6" "$1" "${7:-}"
}
cd "$T/ann"
ann_view() { git porch status --json | python3 -c '
import json, sys
d = json.load(sys.stdin)
print(" ".join("%s:%s:%s:%s:%s" % (w["id"], w["state"], w["clone"], "local" if w["local"] else "remote", ",".join(w.get("scope") or [])) for w in d["workers"] if w["id"] in ("task-1", "task-2")))'; }
# The hook's scope check must stay ann's own whatever bob's forged spawned event says (scope ".").
out_of_scope_refused() { # <when>
    mkdir -p worktrees/task-1-api/elsewhere && printf 'x\n' >worktrees/task-1-api/elsewhere/f
    git -C worktrees/task-1-api add elsewhere/f
    tick
    run git -C worktrees/task-1-api commit -q -m "[CHECKPOINT] outside the scope"
    assert_true "$1: a teammate's forged spawned event does not widen the scope the hook enforces (exit $RC)" \
        test "$RC" -ne 0
    git -C worktrees/task-1-api reset -q --soft "$TIP1" 2>/dev/null || true
    git -C worktrees/task-1-api rm -q --cached -r elsewhere 2>/dev/null || true
    rm -rf worktrees/task-1-api/elsewhere
}
expect_ok porch status --json
before_view=$(ann_view)
expect_ok porch log --json
before_log=$OUT

# --- 1. bob writes in ann's name on ann's worker: a [COMPLETE] commit, QA approval -------------
cd "$T/bob"
forge task-1 \
    "$(line task-1 "$ANN" f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0 50 1735690000 commit ",\"commit\":\"$TIP1\",\"state\":\"complete\",\"subject\":\"[COMPLETE] forged\",\"valid\":\"true\",\"ahead\":\"1\"")"
forge task-1 \
    "$(line task-1 "$BOB" f1f1f1f1f1f1f1f1f1f1f1f1f1f1f1f1 60 1735690000 spawned ",\"base\":\"$BASE\",\"branch\":\"work/task-1-api\",\"desc\":\"api\",\"scope\":[\".\"],\"needs\":[]")"
cd "$T/ann"
# Before any sync, a plain fetch puts bob's note in refs/notes/remotes/origin/porch, which status
# and the hooks read in memory: the same rules hold there.
git fetch -q origin
assert_true "the forged note is fetched" git show-ref -q --verify refs/notes/remotes/origin/porch
assert_eq "$before_view" "$(ann_view)" "fetched, not synced: the forgeries change nothing of ann's workers"
out_of_scope_refused "fetched, not synced"
run porch sync
assert_true "ann's sync after bob's forgeries succeeds (exit $RC)" test "$RC" -eq 0
assert_contains "$ERR" "warning: skipped 2 event line(s) that would override what this clone recorded" \
    "the two overriding lines are skipped with a warning that says why"
assert_eq "$before_view" "$(ann_view)" \
    "a forged commit event in ann's name, or a forged spawned event, changes nothing of ann's workers"
out_of_scope_refused "synced"

# --- 2. events for one worker in another worker's note: dropped by sync -----------------------------
cd "$T/bob"
forge task-3 "$(line task-2 "$BOB" e2e2e2e2e2e2e2e2e2e2e2e2e2e2e2e2 70 1735690000 commit ",\"commit\":\"$BASE\",\"state\":\"blocked\",\"reason\":\"forged\",\"subject\":\"[BLOCKED:forged] x\"")"
cd "$T/ann"
run porch sync
assert_eq 0 "$RC" "sync with a misplaced event succeeds ($ERR)"
assert_contains "$ERR" "warning:" "the misplaced event is skipped with a warning"
assert_eq 1 "$(printf '%s\n' "$ERR" | grep -c warning || true)" "one warning line, not one per event"
assert_not_contains "$(git notes --ref porch show "$(anchor task-3)")" "e2e2e2e2" "the misplaced line is not merged"
run porch status --json
assert_json "$OUT" '[w["state"] for w in d["workers"] if w["id"] == "task-2"]' '["new"]' \
    "task-2 is not blocked by an event in task-3's note"

# --- 3. absurd timestamps and clocks ----------------------------------------------------------------
cd "$T/bob"
forge task-3 \
    "$(line task-3 "$BOB" a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1 80 -1 qa ",\"verdict\":\"approved\",\"commit\":\"$BASE\"")" \
    "$(line task-3 "$BOB" a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2 81 253402300799 retry ",\"attempt\":\"1\"")" \
    "$(line task-3 "$BOB" a3a3a3a3a3a3a3a3a3a3a3a3a3a3a3a3 82 9223372036854775807 retry ",\"attempt\":\"2\"")" \
    "$(line task-3 "$BOB" a4a4a4a4a4a4a4a4a4a4a4a4a4a4a4a4 83 -9223372036854775808 retry ",\"attempt\":\"3\"")"
# A clock near 2^64 on ann's own worker: the next event ann records must still come after it.
forge task-1 "$(line task-1 "$BOB" a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5 18446744073709551615 1735690000 retry ",\"attempt\":\"9\"")"
cd "$T/ann"
run porch sync
assert_eq 0 "$RC" "sync with absurd times succeeds ($ERR)"
for cmd in "status" "status --json" "log" "log --json" "log task-3" "graph" "handoff"; do
    # shellcheck disable=SC2086
    run porch $cmd
    assert_true "$cmd with absurd times: exit $RC is 0" test "$RC" -eq 0
done
commit -C worktrees/task-1-api "[CHECKPOINT] after the clock jump"
run porch log task-1 --json
assert_json "$OUT" '[e["subject"] for e in d if e["type"] == "commit"][-1:]' \
    '["[CHECKPOINT] after the clock jump"]' "ann's new commit is still recorded"
run porch status --json
assert_json "$OUT" '[w["last_commit"]["subject"] for w in d["workers"] if w["id"] == "task-1"]' \
    '["[CHECKPOINT] after the clock jump"]' "and status shows it as the newest"
run git notes --ref porch show "$(anchor task-1)"
assert_true "a forged clock of 2^64-1 does not wrap ann's next lamport clock around to 0" \
    python3 -c 'import json,sys; m=max(json.loads(l)["lc"] for l in sys.stdin if l.startswith("{")); sys.exit(0 if m < 2**63 else 1)' <<<"$OUT"

# --- 4. a duplicate event id with other content ------------------------------------------------------
spawn_id=$(git porch log task-2 --json | python3 -c 'import json,sys; print([e["id"] for e in json.load(sys.stdin) if e["type"]=="spawned"][0])')
cd "$T/bob"
forge task-2 "$(line task-2 "$ANN" "$spawn_id" 1 1735689600 spawned ",\"base\":\"$BASE\",\"branch\":\"work/task-2-web\",\"desc\":\"web\",\"scope\":[\"\"],\"needs\":[\"task-3\"],\"aaa\":\"sorts first\"")"
cd "$T/ann"
run porch sync
assert_eq 0 "$RC" "sync with a duplicate id succeeds ($ERR)"
run porch log task-2 --json
assert_eq 0 "$RC" "log with a duplicate id works"
assert_true "a forged event reusing one of ann's event ids does not replace her spawned event" \
    test "$(json_q "$OUT" '[e.get("needs") for e in d if e["type"]=="spawned"]')" = '[[]]'

# --- 5. 100,000 events -------------------------------------------------------------------------------
cd "$T/bob"
python3 - "$BOB" >"$T/many.txt" <<'EOF'
import sys
for i in range(100000):
    print('{"attempt":"%d","clone":"%s","id":"%032x","lc":%d,"t":1735690000,"type":"retry","v":1,"worker":"task-3"}' % (i, sys.argv[1], i, 100 + i))
EOF
a=$(anchor task-3)
git notes --ref porch add -f -F "$T/many.txt" "$a" 2>/dev/null
git push -q -f origin refs/notes/porch:refs/notes/porch
start=$(date +%s)
run porch status
assert_eq 0 "$RC" "bob's own status with 100,000 events works ($ERR)"
cd "$T/ann"
git fetch -q origin
for cmd in "status" "status --json" "log task-3 --json"; do
    # shellcheck disable=SC2086
    run porch $cmd
    assert_eq 0 "$RC" "$cmd with the 100,000-event note fetched, not synced ($ERR)"
done
assert_eq "$before_view" "$(ann_view)" "the fetched oversized note changes nothing of ann's workers"
run porch sync
assert_eq 0 "$RC" "ann's sync with a 100,000-event note succeeds ($ERR)"
assert_contains "$ERR" "warning:" "the oversized note is skipped with a warning"
for cmd in "status" "log" "log task-3 --json"; do
    # shellcheck disable=SC2086
    run porch $cmd
    assert_eq 0 "$RC" "$cmd after the 100,000-event note ($ERR)"
done
assert_true "all of that in reasonable time" test $(($(date +%s) - start)) -lt 60

# After everything, ann's own history is all there: no event of hers was lost.
run porch log --json
python3 - "$before_log" "$OUT" <<'EOF' || fail "an event ann had before the forgeries is gone"
import json, sys
before = {e["id"] for e in json.loads(sys.argv[1])}
after = {e["id"] for e in json.loads(sys.argv[2])}
sys.exit(0 if before <= after else 1)
EOF
_check
run porch doctor
assert_true "doctor does not crash (exit $RC)" test "$RC" -le 1

finish
