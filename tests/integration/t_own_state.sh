#!/usr/bin/env bash
# A worker's state is its own: git's own tools (merge, pull --rebase, rebase, cherry-pick, revert,
# reset) bring other workers' protocol commits onto a branch, and porch must not take them for
# the worker's own. Issue 16, items 1 to 5: each check's description names its item.
source "$(dirname "$0")/lib.sh"

wt() { printf '%s/%s/worktrees/%s' "$T" "$REPO" "$1"; }
state_of() { # state_of <task-n>: the state status --json reports
    run porch status --json
    json_q "$OUT" "[w['state'] for w in d['workers'] if w['id'] == '$1'][0]"
}
alerts_of() { # alerts_of <task-n>: the kinds of that worker's alerts
    run porch status --json
    json_q "$OUT" "[a['kind'] for a in d['alerts'] if a['worker'] == '$1']"
}
# A team: task-1 complete with a file of its own, task-2 complete, task-3 fresh.
team() {
    REPO=$1
    cd "$T"
    porch_repo "$REPO"
    expect_ok porch spawn 1 api
    expect_ok porch spawn 2 models
    expect_ok porch spawn 3 web --needs task-1
    echo routes >"$(wt task-1-api)/routes.txt"
    git -C "$(wt task-1-api)" add routes.txt
    commit -C "$(wt task-1-api)" "[COMPLETE] User routes"
    commit -C "$(wt task-2-models)" "[COMPLETE] User model"
}

set_clock $(($(date +%s) + 86400 * 365)) # no worker is stalled

# --- item 1: a fast-forward merge of another worker ---------------------------------------------
team ff
git -C "$(wt task-3-web)" merge -q work/task-1-api
assert_eq "$(git rev-parse work/task-1-api)" "$(git rev-parse work/task-3-web)" \
    "test setup: task-3 fast-forwarded to task-1"
assert_eq new "$(state_of task-3)" "item 1: a fast-forward to task-1's [COMPLETE] leaves task-3 fresh"
run porch status --json
assert_json "$OUT" 'd["progress"]' '{"complete":2,"total":3}' "item 1: the progress bar does not count task-3"
assert_eq '[]' "$(alerts_of task-3)" "item 1: no alert that task-3's commits bypassed the hooks"
expect_ok porch integrate f --dry-run
assert_not_contains "$OUT" "  task-3 (work/task-3-web)" "item 1: integrate would not merge the fast-forwarded task-3"
assert_contains "$OUT" "skipped task-3: state new" "item 1: integrate says why"
# Its own commit after the fast-forward counts.
commit -C "$(wt task-3-web)" "[CHECKPOINT] Page skeleton"
assert_eq checkpoint "$(state_of task-3)" "item 1: task-3's own commit after the fast-forward counts"

# --- item 1: pull --rebase from another worker ---------------------------------------------------
team pull
git -C "$(wt task-3-web)" pull -q --rebase . work/task-1-api 2>/dev/null
assert_eq "$(git rev-parse work/task-1-api)" "$(git rev-parse work/task-3-web)" \
    "test setup: task-3 rebased onto task-1"
assert_eq new "$(state_of task-3)" "item 1: pull --rebase of task-1 leaves task-3 fresh"
# With a commit of its own, rebased onto task-1: that commit's state.
commit -C "$(wt task-3-web)" "[BLOCKED:spec] Need the page spec"
git -C "$(wt task-2-models)" pull -q --rebase . work/task-3-web 2>/dev/null
assert_eq complete "$(state_of task-2)" "item 1: task-2's own [COMPLETE], rebased onto task-3's commits, counts"
assert_eq blocked "$(state_of task-3)" "item 1: task-3 keeps its own state"

# --- item 1: rebase onto a base that was fast-forwarded to a worker's commits -------------------
team rebase
git merge -q --ff-only work/task-2-models
git -C "$(wt task-3-web)" rebase -q main
assert_eq "$(git rev-parse main)" "$(git rev-parse work/task-3-web)" "test setup: task-3 rebased onto main"
assert_eq new "$(state_of task-3)" "item 1: rebase onto main (task-2's [COMPLETE]) leaves task-3 fresh"
assert_eq '[]' "$(alerts_of task-3)" "item 1: and no 'made without porch's hooks' alert for task-3"
assert_eq complete "$(state_of task-2)" "item 1: task-2, fast-forwarded into main, stays complete"

# --- item 1: a cherry-picked [COMPLETE] ---------------------------------------------------------
team pick
commit -C "$(wt task-3-web)" "[CHECKPOINT] Page skeleton"
git -C "$(wt task-3-web)" cherry-pick work/task-1-api >/dev/null
assert_eq "[COMPLETE] User routes" "$(git log -1 --format=%s work/task-3-web)" "test setup: task-3 picked it"
assert_eq checkpoint "$(state_of task-3)" "item 1: a cherry-picked [COMPLETE] of task-1 leaves task-3 at its own state"
git -C "$(wt task-3-web)" reset -q --hard HEAD~1
git -C "$(wt task-3-web)" cherry-pick -x work/task-1-api >/dev/null
assert_eq checkpoint "$(state_of task-3)" "item 1: the same with cherry-pick -x"

# --- item 1: commits no hook recorded, on two branches: the reflog, else porch says so -----------
team unsure
commit -C "$(wt task-3-web)" "[CHECKPOINT] Page skeleton"
tick
git -C "$(wt task-1-api)" -c core.hooksPath=/dev/null commit -q --allow-empty -m "[BLOCKED:db] No database"
git -C "$(wt task-3-web)" reset -q --hard work/task-1-api
assert_eq new "$(state_of task-3)" "item 1: a commit made on task-1's branch (its reflog says so) is not task-3's"
assert_eq blocked "$(state_of task-1)" "item 1: it is task-1's"
git reflog expire --expire=now --all
assert_contains "$(alerts_of task-3)" "unsure-owner" "item 1: with no reflog, a protocol commit two branches have and no one recorded is reported"
assert_contains "$(alerts_of task-1)" "unsure-owner" "item 1: for both of them"
run porch status
assert_contains "$OUT" "porch cannot tell whose [BLOCKED:db] No database" "item 1: status says it cannot tell"
assert_eq new "$(state_of task-3)" "item 1: and does not guess task-3 is blocked"
assert_eq complete "$(state_of task-1)" "item 1: nor task-1"
expect_ok porch reindex task-1
assert_eq blocked "$(state_of task-1)" "item 1: once reindex records it as task-1's, it is task-1's"
assert_eq new "$(state_of task-3)" "item 1: and not task-3's"
assert_eq '[]' "$(alerts_of task-3)" "item 1: no alert remains"

# --- item 2: a reverted protocol commit --------------------------------------------------------
team revert
commit -C "$(wt task-3-web)" "[CHECKPOINT] Page skeleton"
echo page >"$(wt task-3-web)/page.html"
git -C "$(wt task-3-web)" add page.html
commit -C "$(wt task-3-web)" "[COMPLETE] The users page"
assert_eq complete "$(state_of task-3)" "item 2 (test setup): task-3 complete"
tick
git -C "$(wt task-3-web)" revert --no-edit HEAD >/dev/null
assert_eq checkpoint "$(state_of task-3)" "item 2: a revert of [COMPLETE] takes task-3 back to its state before it"
expect_ok porch integrate r --dry-run
assert_contains "$OUT" "skipped task-3: state checkpoint" "item 2: integrate no longer merges task-3"
tick
git -C "$(wt task-3-web)" revert --no-edit HEAD >/dev/null
assert_eq complete "$(state_of task-3)" "item 2: reverting the revert makes it complete again"

# --- item 3: a worker fast-forwarded into the base is not a stray commit ------------------------
team integrated
git merge -q --ff-only work/task-2-models
run porch status --json
assert_json "$OUT" '[a["kind"] for a in d["alerts"] if a["kind"] == "wrong-branch-commit"]' '[]' \
    "item 3: task-2's commits on main after a plain git merge are not stray"
assert_not_contains "$(porch status)" "cherry-pick" "item 3: status does not advise dropping them"
git -c core.hooksPath=/dev/null commit -q --allow-empty -m "[CHECKPOINT] Oops, on main"
run porch status --json
assert_json "$OUT" '[a["kind"] for a in d["alerts"] if a["kind"] == "wrong-branch-commit"]' \
    '["wrong-branch-commit"]' "item 3: a protocol commit made on main still is"

# --- item 4: the needs-satisfied alert follows the branches -------------------------------------
REPO=needs
cd "$T"
porch_repo needs
expect_ok porch spawn 1 api
expect_ok porch spawn 3 web
commit -C "$(wt task-3-web)" "[NEEDS:task-1/UserRoutes] Need the routes"
commit -C "$(wt task-1-api)" "[CHECKPOINT] Add UserRoutes"
assert_eq '["needs-satisfied"]' "$(alerts_of task-3)" "item 4 (test setup): task-1 committed it"
git -C "$(wt task-1-api)" reset -q --hard HEAD~1
assert_eq '["needs"]' "$(alerts_of task-3)" "item 4: once task-1 reset that commit away, task-3 needs it again"
commit -C "$(wt task-1-api)" "[CHECKPOINT] Add UserRoutes again"
assert_eq '["needs-satisfied"]' "$(alerts_of task-3)" "item 4 (test setup): committed again"
git -C "$(wt task-3-web)" merge -q --no-edit work/task-1-api
run porch status
assert_not_contains "$OUT" "pick it up" "item 4: no pick-up advice once task-3 merged task-1"
assert_contains "$OUT" "task-3 needs UserRoutes from task-1, which it has merged" "item 4: status says it has it"

# --- item 5: integration order counts past [NEEDS:] ----------------------------------------------
REPO=order
cd "$T"
porch_repo order
expect_ok porch spawn 1 web
expect_ok porch spawn 2 api
commit -C "$(wt task-1-web)" "[NEEDS:task-2/Routes] Need the routes"
commit -C "$(wt task-2-api)" "[COMPLETE] Routes"
git -C "$(wt task-1-web)" merge -q --no-edit work/task-2-api
commit -C "$(wt task-1-web)" "[COMPLETE] The page"
expect_ok porch integrate o --dry-run
assert_contains "$OUT" $'in this order:\n  task-2 (work/task-2-api)\n  task-1 (work/task-1-web)' \
    "item 5: task-1, which needed task-2 before it completed, is merged after task-2"

finish
