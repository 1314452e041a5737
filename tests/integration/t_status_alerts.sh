#!/usr/bin/env bash
# Status alerts, progress, --porcelain, --watch and graph: each alert from a real repository.
source "$(dirname "$0")/lib.sh"

alerts() { # kinds and workers of status --json's alerts, as JSON
    run porch status --json
    json_q "$OUT" '[[a["kind"], a["worker"]] for a in d["alerts"]]'
}

cd "$T"
new_repo r && cd r
expect_ok porch init -q
wt() { printf '%s/r/worktrees/%s' "$T" "$1"; }

# Commits far in the past: stalled (the real clock is years later).
expect_ok porch spawn 1 api
commit -C "$(wt task-1-api)" "[CHECKPOINT] Old work"
run porch status --json
assert_json "$OUT" '[[a["kind"], a["worker"]] for a in d["alerts"]]' '[["stalled","task-1"]]' \
    "a worker with an old commit is stalled"
assert_json "$OUT" '[a["action"] for a in d["alerts"]][0].startswith("check that its session")' 'true' \
    "the stalled alert says what to do"

# From here on commits are dated in the future: no worker is stalled.
set_clock $(($(date +%s) + 86400 * 365))

# A NEEDS that another worker satisfies by a commit mentioning the item.
expect_ok porch spawn 2 web
commit -C "$(wt task-2-web)" "[NEEDS:task-1/UserRoutes] Need the routes"
run porch status --json
assert_json "$OUT" '[a["kind"] for a in d["alerts"] if a["worker"] == "task-2"]' '["needs"]' \
    "an unmet NEEDS"
commit -C "$(wt task-1-api)" "[CHECKPOINT] Add UserRoutes endpoint"
run porch status --json
assert_json "$OUT" '[a["kind"] for a in d["alerts"] if a["worker"] == "task-2"]' '["needs-satisfied"]' \
    "the NEEDS is met once task-1 commits the item"
assert_json "$OUT" '[a["action"] for a in d["alerts"] if a["worker"] == "task-2"]' \
    "[\"pick it up: git -C $(wt task-2-web) merge --no-ff --no-edit work/task-1-api\"]" "and says how to pick it up"
expect_ok porch status
assert_contains "$OUT" "task-2 needs UserRoutes from task-1, which has committed it" "the text says so"

# A dependency cycle between two declared needs.
expect_ok porch spawn 3 db --needs task-4
expect_ok porch spawn 4 cache --needs task-3
run porch status --json
assert_json "$OUT" '[a["message"] for a in d["alerts"] if a["kind"] == "deadlock"]' \
    '["dependency cycle: task-3 -> task-4 -> task-3"]' "the cycle is named once"
expect_ok porch graph
assert_contains "$OUT" "cycle: task-3 -> task-4 -> task-3" "graph shows the cycle"
assert_contains "$OUT" "task-2 (needs) needs task-1 for UserRoutes" "graph shows the NEEDS edge"
expect_ok porch graph --dot
assert_contains "$OUT" "digraph porch {" "DOT output"
assert_contains "$OUT" '"task-3" -> "task-4" [style=dashed];' "declared needs are dashed"
assert_contains "$OUT" '"task-2" -> "task-1" [label="UserRoutes"];' "NEEDS edges carry the item"
# Completing one side breaks the cycle.
commit -C "$(wt task-4-cache)" "[COMPLETE] Cache done"
run porch status --json
assert_json "$OUT" '[a for a in d["alerts"] if a["kind"] == "deadlock"]' '[]' "no cycle once one side is complete"
assert_json "$OUT" 'd["progress"]' '{"complete":1,"total":4}' "progress counts complete workers"

# A protocol commit on the base branch (the wrong-branch failure), made with hooks off.
git -c core.hooksPath=/dev/null commit -q --allow-empty -m "[CHECKPOINT] Oops, on main"
oops=$(git rev-parse --short=7 HEAD)
run porch status --json
assert_json "$OUT" '[a["message"] for a in d["alerts"] if a["kind"] == "wrong-branch-commit"]' \
    "[\"commit $oops on 'main' carries a worker's status tag: [CHECKPOINT] Oops, on main\"]" \
    "a stray protocol commit on the base is found"
git reset -q --hard HEAD~1

# A commit that bypassed the hooks.
tick
git -C "$(wt task-3-db)" commit -q --allow-empty --no-verify -m "no tag at all"
run porch status --json
assert_json "$OUT" '[a["kind"] for a in d["alerts"] if a["worker"] == "task-3"]' '["bypassed-hooks"]' \
    "a --no-verify commit is flagged"

# A commit made without porch's hooks at all is unrecorded; reindex records it.
tick
git -C "$(wt task-3-db)" -c core.hooksPath=/dev/null commit -q --allow-empty -m "[CHECKPOINT] quiet"
run porch status --json
assert_json "$OUT" '"unrecorded" in [a["kind"] for a in d["alerts"] if a["worker"] == "task-3"]' 'true' \
    "a commit without hooks is unrecorded"
expect_ok porch reindex task-3
run porch status --json
assert_json "$OUT" '"unrecorded" in [a["kind"] for a in d["alerts"] if a["worker"] == "task-3"]' 'false' \
    "reindex records it"

# A complete worker with uncommitted changes, and a worktree on the wrong branch.
echo dirty >"$(wt task-4-cache)/left-over.txt"
git -C "$(wt task-1-api)" switch -q -c side
run porch status --json
assert_json "$OUT" '[a["kind"] for a in d["alerts"] if a["worker"] == "task-4"]' '["worktree-dirty"]' \
    "a complete worker with uncommitted files"
assert_json "$OUT" '[a["kind"] for a in d["alerts"] if a["worker"] == "task-1"]' '["worktree-wrong-branch"]' \
    "a worker's worktree on another branch"
git -C "$(wt task-1-api)" switch -q work/task-1-api
rm "$(wt task-4-cache)/left-over.txt"

# A missing worktree folder.
mv "$(wt task-2-web)" "$T/moved"
run porch status --json
assert_json "$OUT" '"worktree-missing" in [a["kind"] for a in d["alerts"] if a["worker"] == "task-2"]' 'true' \
    "a missing worktree folder"
mv "$T/moved" "$(wt task-2-web)"

# --porcelain: one tab-separated line per worker, nine fields, no colour, no alerts.
expect_ok porch status --porcelain
assert_eq 4 "$(wc -l <<<"$OUT")" "one line per worker"
assert_eq "9" "$(awk -F'\t' '{print NF}' <<<"$OUT" | sort -u)" "nine fields on every line"
assert_eq "task-1	checkpoint	2" "$(head -n1 <<<"$OUT" | cut -f1-3)" "worker, state, commits ahead"
assert_eq "task-4	complete	1" "$(sed -n 4p <<<"$OUT" | cut -f1-3)" "the complete worker"
assert_eq "task-1/UserRoutes" "$(sed -n 2p <<<"$OUT" | cut -f8)" "the NEEDS detail"
assert_no_esc "$OUT" "porcelain has no escape sequences"
expect_fail 129 "cannot be used together" -- porch status --json --porcelain

# No colour when not a TTY; colour on a TTY; NO_COLOR wins.
expect_ok porch status
assert_no_esc "$OUT" "no colour into a pipe"
run_tty porch status
assert_contains "$OUT" $'\e[' "colour on a terminal"
NO_COLOR=1 run_tty porch status
assert_no_esc "$OUT" "NO_COLOR turns it off"

# --watch: redraws until interrupted (here: killed after a few rounds); each round is a report.
timeout -s INT 3 git porch status --watch=1 >"$T/watch.out" 2>&1 && rc=0 || rc=$?
assert_true "watch ends cleanly on SIGINT (exit $rc)" test "$rc" -eq 0 -o "$rc" -eq 124
assert_true "watch printed more than one report" test "$(grep -c 'complete (base: main)' "$T/watch.out")" -ge 2
expect_fail 129 "--watch" -- porch status --watch=-3

finish
