#!/usr/bin/env bash
# git porch plan: import of a realistic task document (every extraction pattern) to the expected
# manifest and plan; check's overlapping scopes, cycles, waves and execution mode; apply
# spawning only the tasks whose needs are complete, with their scope recorded.
source "$(dirname "$0")/lib.sh"
cd "$T"

FIXTURES=$SOURCE_DIR/tests/fixtures/plan

# write_plan: .porch/plan.toml from stdin.
write_plan() { mkdir -p .porch && cat >.porch/plan.toml; }
# complete_worker <id> <file>: commits a file in the worker's worktree and completes it.
complete_worker() {
    local wt
    wt=$(git worktree list --porcelain | sed -n "s|^worktree \(.*/\(task-$1-[^/]*\|wt-[0-9]*\)\)$|\1|p" | head -n 1)
    wt=${wt:-$(ls -d worktrees/task-"$1"-*)}
    mkdir -p "$wt/$(dirname "$2")"
    printf 'work of %s\n' "$1" >"$wt/$2"
    git -C "$wt" add "$2"
    commit -C "$wt" "[COMPLETE] task $1 done"
}

porch_repo r

# --- import: the expected manifest, its workers and the plan ------------------------------------
cp "$FIXTURES/review.md" "$FIXTURES/notes.md" .
expect_fail 128 "there is no plan" -- porch plan check
expect_fail 128 "there is no plan" -- porch plan sequential
expect_ok porch plan import review.md notes.md
assert_file_eq "$FIXTURES/review.manifest.txt" "$OUT_FILE" "import prints the expected manifest"
assert_file_eq "$FIXTURES/review.plan.toml" .porch/plan.toml "import writes the expected plan"

snapshot_state imported
expect_fail 128 ".porch/plan.toml exists already" -- porch plan import review.md
assert_contains "$ERR" "hint: overwrite it with: git porch plan import --force" "says how to overwrite"
assert_state_unchanged imported . "a refused import changes nothing"
expect_fail 129 "" -- porch plan import missing.md

expect_ok porch plan import --force --json review.md
assert_json "$OUT" '[i["number"] for i in d["items"] if not i["ready"]]' '[3]' "items needing clarification"
assert_json "$OUT" 'd["items"][3]["needs"]' '["1"]' "'depends on the null check' resolves to item 1"
assert_json "$OUT" 'd["items"][4]["needs"]' '["4"]' "'blocked by item 4' resolves to item 4"
assert_json "$OUT" 'd["items"][7]["needs"]' '["7"]' "'requires \`src/models/\`' resolves to the item owning it"
assert_json "$OUT" '[d["items"][0]["priority"], d["items"][1]["priority"], d["items"][5]["priority"]]' \
    '["high","P1","P0"]' "priority markers"
assert_json "$OUT" '[i["kind"] for i in d["items"]]' \
    '["task","task","task","bullet","bullet","numbered","numbered","numbered","numbered"]' "item kinds"
assert_json "$OUT" 'd["tasks"]' '4' "--force overwrote the plan with review.md's 8 ready items in 4 workers"
assert_eq 4 "$(grep -c '^\[\[task\]\]' .porch/plan.toml)" "the plan has 4 tasks"
assert_eq 8 "$(grep -c '^\[\[task.item\]\]' .porch/plan.toml)" "holding the 8 items"
assert_json "$OUT" '[[w["task"], w["items"], w["focus"], w["size"]] for w in d["workers"]]' \
    '[["task-1",[1,4,5],"src/","XL"],["task-2",[2],"tests/","M"],["task-3",[6,7,8],"Release steps","XL"],["task-4",[9],"Release steps","M"]]' \
    "a chain is one worker"
assert_json "$OUT" 'd["workers"][2]["scope"]' '["db/schema.sql","src/models/","docs/api/"]' "a worker's scope"
assert_json "$OUT" 'd["recommendation"]' \
    '{"mode":"parallel","reason":"a mix of independent clusters: 4 groups of items that share no files"}'
expect_ok porch plan import --force --json notes.md
assert_json "$OUT" '[d["recommendation"]["mode"], [w["items"] for w in d["workers"]]]' \
    '["sequential",[[1,2]]]' "two items: sequential, one worker"
assert_contains "$(porch plan import --force notes.md)" \
    "**Recommendation:** Sequential execution (only 2 items: the overhead of parallel workers exceeds the benefit)"

# --- check: waves and the PARALLEL box -----------------------------------------------------------
cp "$FIXTURES/waves.plan.toml" .porch/plan.toml
expect_ok porch plan check
assert_contains "$OUT" "⚡ Execution Mode: PARALLEL" "nine tasks, five independent: parallel"
assert_contains "$OUT" "Tasks: 9 (5 independent)" "the task count"
assert_match "$OUT" "Agents: 5 +│" "five agents, within max_agents"
assert_contains "$OUT" "Parallel Group 2 (after Group 1):" "groups by dependency level"
assert_contains "$OUT" "└── Agent 9: [task-8-write-comprehensive-api-docs] docs/api/" "the last group"
assert_contains "$OUT" "Progress: [░░░░░░░░░░░░░░░░] 0/9 agents complete" "progress"
assert_contains "$OUT" "┌──" "a box"
expect_ok porch plan check --json
assert_json "$OUT" '[d["ok"], d["mode"], d["independent"], len(d["waves"])]' '[true,"parallel",5,3]'
assert_json "$OUT" 'd["waves"][2]' '{"level":2,"tasks":["task-5","task-8"],"wave":3}'

# --- check: errors ---------------------------------------------------------------------------------
write_plan <<'TOML'
[[task]]
id = "1"
desc = "api"
scope = ["src/api/", "src/shared.c"]

[[task]]
id = "2"
desc = "ui"
scope = ["src/ui/", "src/shared.c"]

[[task]]
id = "3"
desc = "routes"
scope = ["src/api/routes/*.c"]
TOML
run porch plan check
assert_eq 1 "$RC" "overlapping scopes: exit 1"
assert_contains "$OUT" "error: task-1 (api) and task-2 (ui) both own the file 'src/shared.c': merge the two tasks" \
    "a shared file names both tasks and suggests merging"
assert_contains "$OUT" "error: scopes overlap: task-1 (api) owns 'src/api/' and task-3 (routes) owns 'src/api/routes/*.c'" \
    "a folder and a glob inside it"
assert_contains "$OUT" "Reason: tasks share files" "sequential while files are shared"
run porch plan check --json
assert_eq 1 "$RC"
assert_json "$OUT" '[o["tasks"] for o in d["overlaps"]]' '[["task-1","task-2"],["task-1","task-3"]]'

write_plan <<'TOML'
[[task]]
id = "1"
desc = "a"
scope = ["a/"]
needs = ["3"]

[[task]]
id = "2"
desc = "b"
scope = ["b/"]
needs = ["1"]

[[task]]
id = "3"
desc = "c"
scope = ["c/"]
needs = ["2"]
TOML
run porch plan check
assert_eq 1 "$RC" "a cycle: exit 1"
assert_contains "$OUT" "error: dependency cycle: task-1 -> task-2 -> task-3 -> task-1" "the cycle is named"
assert_not_contains "$OUT" "Execution Mode" "no mode without a dependency order"
expect_fail 128 "cannot apply the plan: it has errors" -- porch plan apply

write_plan <<'TOML'
[[task]]
id = "1"
desc = "a"
owner = "me"
TOML
expect_fail 128 ".porch/plan.toml:4:1: unknown key 'task.owner'" -- porch plan check

# --- check: SEQUENTIAL and its reasons ----------------------------------------------------------------
write_plan <<'TOML'
[[task]]
id = "1"
desc = "types"
scope = ["src/types.ts"]

[[task]]
id = "2"
desc = "component"
scope = ["src/component.tsx"]
needs = ["1"]
TOML
expect_ok porch plan check
assert_contains "$OUT" "⏸️ Execution Mode: SEQUENTIAL" "two chained tasks: sequential"
assert_contains "$OUT" "Reason: only 1 independent task, fewer than min_tasks (3)" "the min_tasks reason"
assert_contains "$OUT" "the tasks form a linear chain" "the chain reason"
assert_contains "$OUT" "Order: task-1 → task-2" "the order"

write_plan <<'TOML'
[[task]]
id = "1"
desc = "a"
scope = ["a/"]
[[task]]
id = "2"
desc = "b"
scope = ["b/"]
[[task]]
id = "3"
desc = "c"
scope = ["c/"]
TOML
expect_ok porch plan check --json
assert_json "$OUT" 'd["mode"]' parallel "three independent tasks: parallel"
sed -i 's/^# enabled = true$/enabled = false/' .porch.toml
expect_ok porch plan check --json
assert_json "$OUT" '[d["mode"], d["reasons"]]' \
    '["sequential",["parallelization is disabled ([parallelization] enabled = false)"]]' "disabled"
sed -i -e 's/^enabled = false$/enabled = true/' -e 's/^# max_agents = 5$/max_agents = 2/' \
    -e 's/^# min_tasks = 3$/min_tasks = 1/' .porch.toml
expect_ok porch plan check --json
assert_json "$OUT" '[w["tasks"] for w in d["waves"]]' '[["task-1","task-2"],["task-3"]]' \
    "a level wider than max_agents is split"
expect_ok porch plan check
assert_contains "$OUT" "Agents: 2 (limited by max_agents config)" "max_agents limits the agents"
assert_contains "$OUT" "Parallel Group 2 (after Group 1):" "the split level's second group"

# --- apply: only the tasks whose needs are complete -------------------------------------------------
write_plan <<'TOML'
[[task]]
id = "1"
desc = "models"
scope = ["src/models/"]

[[task]]
id = "2"
desc = "docs"
scope = ["docs/"]

[[task]]
id = "3"
desc = "api"
scope = ["src/api/"]
needs = ["1"]
TOML
expect_ok porch plan apply
assert_contains "$OUT" "wave 1:" "the first wave"
assert_contains "$OUT" "spawned task-1 on work/task-1-models" "task-1 spawned"
assert_contains "$OUT" "spawned task-2 on work/task-2-docs" "task-2 spawned"
assert_not_contains "$OUT" "task-3" "task-3 is not in wave 1"
expect_ok porch status --json --worker task-1
assert_json "$OUT" 'd["workers"][0]["scope"]' '["src/models/"]' "the scope is recorded for the hooks"

snapshot_state waiting
run porch plan apply
assert_eq 1 "$RC" "nothing ready: exit 1"
assert_contains "$OUT" "task-3 waits for task-1 to be complete" "task-3 waits"
assert_state_unchanged waiting . "a waiting apply spawns nothing"
run porch plan apply --wave 2 --json
assert_eq 1 "$RC"
assert_json "$OUT" '[d["wave"], d["started"], d["waiting"]]' \
    '[2,[],[{"needs":["task-1"],"worker":"task-3"}]]' "--wave 2 still refuses incomplete needs"
expect_fail 129 "the plan has no wave 3" -- porch plan apply --wave 3

complete_worker 1 src/models/user.py
expect_ok porch plan apply --json
assert_json "$OUT" '[s["worker"] for s in d["started"]]' '["task-3"]' "task-3 spawned once task-1 is complete"
expect_ok porch status --json --worker task-3
assert_json "$OUT" '[d["workers"][0]["scope"], d["workers"][0]["declared_needs"]]' \
    '[["src/api/"],["task-1"]]' "scope and needs recorded"
expect_ok porch plan apply --wave 1
assert_contains "$OUT" "task-1 was spawned already" "spawned tasks are skipped"
expect_ok porch plan apply
assert_contains "$OUT" "every task of the plan is spawned" "nothing left"

# --- apply --pool ----------------------------------------------------------------------------------
cd "$T"
porch_repo p
expect_ok porch pool init 2
write_plan <<'TOML'
[[task]]
id = "1"
desc = "a"
scope = ["a/"]

[[task]]
id = "2"
desc = "b"
scope = ["b/"]
needs = ["1"]
TOML
expect_ok porch plan apply --pool --json
assert_json "$OUT" '[[s["worker"], s["slot"]] for s in d["started"]]' '[["task-1","wt-1"]]' \
    "--pool acquires a slot"
expect_ok porch pool status --json
assert_json "$OUT" '[s["worker"] for s in d["slots"]]' '["task-1",null]'

# --- the manifest's Proceed? answers: merge, move, split, sequential, parallel --------------------
cd "$T"
porch_repo items
cp "$FIXTURES/review.md" "$FIXTURES/notes.md" .
expect_ok porch plan import review.md notes.md
assert_contains "$OUT" "| task-2 | 2, 9, 11 | Add edge case tests for tests/test_payment.py (and 2 more items) | L |" \
    "small items balance a worker"
assert_contains "$OUT" '[S] Switch to sequential: `git porch plan sequential`' "the answers are commands"
expect_ok porch plan check
assert_contains "$OUT" "Tasks: 4 (4 independent)" "one task per worker"
assert_contains "$OUT" "items of each task:" "check lists the items"
assert_contains "$OUT" "  task-1 (src): 1, 4-5" "task-1's items"

expect_ok porch plan merge 4 task-2
assert_contains "$OUT" "merged task-2 (add-edge-case-tests) into task-4 (src-billing)" "merge says what it did"
assert_contains "$OUT" "task-4 (src-billing) holds items 2, 9-11" "and what the task holds now"
assert_contains "$OUT" "next: git porch plan check" "and what to run next"
expect_ok porch plan check --json
assert_json "$OUT" '[d["ok"], d["tasks"], d["mode"]]' '[true,3,"parallel"]' "three independent tasks"

expect_ok porch plan move 11 task-1
assert_contains "$OUT" "moved item 11 from task-4 (src-billing) to task-1 (src)" "move says what it did"
assert_contains "$OUT" "task-4 (src-billing) holds items 2, 9-10" "what is left"
expect_ok porch plan split 3 7 8
assert_contains "$OUT" "split task-5 (update-models-after) off task-3 (release-steps)" "a new task, the next id"
assert_contains "$OUT" "task-5 (update-models-after) now needs task-3" "item 7 needs item 6, in task-3"
expect_ok porch plan check
assert_contains "$OUT" "[task-1-src] src/user.py, src/auth/, src/session.py, src/api/login.py, README.md" \
    "the moved item's file is task-1's now"
assert_contains "$OUT" "  task-5 (update-models-after): 7-8" "the split items"
expect_ok porch plan check --json
assert_json "$OUT" '[w["tasks"] for w in d["waves"]]' '[["task-1","task-3","task-4"],["task-5"]]' \
    "the split task waits for its need"

snapshot_state edited
expect_fail 128 "no task of the plan holds item 99 (its items: 1-2, 4-11)" -- porch plan move 99 1
assert_contains "$ERR" "hint: see the tasks and their items with: git porch plan check" "the hint"
expect_fail 128 "'x' is not an item number" -- porch plan move x 1
expect_fail 128 "the plan has no task '9' (its tasks: task-1, task-3, task-4, task-5)" -- porch plan merge 1 9
expect_fail 128 "cannot merge task-1 (src) with itself" -- porch plan merge task-1 1
expect_fail 128 "splitting off every item of task-3 (release-steps) would leave it empty" -- porch plan split 3 6
expect_fail 128 "item 10 is in task-4 (src-billing), not in task-1 (src)" -- porch plan split 1 10
assert_contains "$ERR" "hint: split it from there: git porch plan split 4 10" "the hint names the holder"
expect_fail 129 "" -- porch plan merge 1
expect_fail 129 "" -- porch plan split 1
assert_state_unchanged edited . "a refused edit changes nothing"
expect_ok porch plan split 4 10
assert_contains "$OUT" "split task-6 (src-billing) off task-4 (src-billing)" "the hint works as typed"

expect_ok porch plan sequential
assert_contains "$OUT" 'mode = "sequential": plan check and apply run one task at a time' "sequential"
assert_eq 1 "$(grep -c '^mode = "sequential"$' .porch/plan.toml)" "the plan says so"
expect_ok porch plan check --json
assert_json "$OUT" '[d["mode"], d["reasons"]]' '["sequential",["the plan says mode = \"sequential\""]]'
git add .porch/plan.toml && commit "Plan"
expect_ok porch plan apply --json
assert_json "$OUT" '[s["worker"] for s in d["started"]]' '["task-1"]' "sequential: one task at a time"
expect_ok porch plan parallel
assert_contains "$OUT" "mode is automatic: plan check decides" "parallel"
assert_false "no mode in the plan" grep -q '^mode' .porch/plan.toml
expect_ok porch plan check --json
assert_json "$OUT" 'd["mode"]' parallel "parallel again"

# --- kickoff: the task's items as a checklist ------------------------------------------------------
expect_ok porch kickoff task-1
assert_contains "$OUT" $'## Tasks\n\nsrc/\n\n- [ ] Fix null check in src/user.py (review.md:7)\n' "the checklist"
assert_contains "$OUT" $'(review.md:14)\n  - keep the old token format readable\n' "an item's detail lines"
assert_contains "$OUT" "- [ ] Fix a typo in README.md. (notes.md:3)" "the moved item"
assert_contains "$OUT" "Commit after completing each item of the checklist:" "a checkpoint per item"
expect_ok porch kickoff task-1 --json
assert_json "$OUT" '[[i["number"], i["source"]] for i in d["items"]]' \
    '[[1,"review.md:7"],[4,"review.md:14"],[5,"review.md:16"],[11,"notes.md:3"]]' "--json has the items"

finish
