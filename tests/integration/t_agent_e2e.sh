#!/usr/bin/env bash
# Issue 17's measure: a scripted agent and orchestrator (agent_sim.py) that run only commands
# porch's text gives them complete a three-worker plan with one dependency, meeting each refusal
# once (untagged message, outside the scope, a tag on the base branch, [COMPLETE] leaving files
# out, the prompt of a task not spawned yet), to a finished `integrate --finish`. The script's
# log marks where each command came from: porch's text, an entry command (plan check, status),
# or a deliberate MISTAKE.
source "$(dirname "$0")/lib.sh"
cd "$T"

porch_repo r
mkdir -p src/api web docs .porch
printf 'api\n' >src/api/app.txt
printf 'web\n' >web/index.html
printf 'docs\n' >docs/guide.md
# Two independent tasks are enough to run in parallel; QA approves each worker.
sed -i -e 's/^# *min_tasks = .*/min_tasks = 2/' -e 's/^# *required = .*/required = true/' .porch.toml
cat >.porch/plan.toml <<'TOML'
[[task]]
id = "1"
desc = "api"
description = "Add the user model"
scope = ["src/api/"]
produces = ["UserModel"]
verify = ["test -s src/api/user.txt"]

[[task]]
id = "2"
desc = "web"
description = "Add the users page"
scope = ["web/"]

[[task]]
id = "3"
desc = "docs"
description = "Document the user model"
scope = ["docs/"]
needs = ["1"]
TOML
git add -A && commit "Add sources and the plan"
assert_contains "$(cat .porch.toml)" "min_tasks = 2" "test setup: min_tasks set"

run python3 "$TESTS_DIR/agent_sim.py" "$T/r"
printf '%s\n' "$OUT" # the log of commands, for whoever reads the test's output
assert_eq 0 "$RC" "the scripted agent finished the plan from porch's text alone
$OUT$ERR"
printf '%s\n' "$OUT" | grep -q "^\[porch's text\]" || fail "no command came from porch's text"
assert_eq "" "$(printf '%s\n' "$OUT" | grep '^\[' | grep -v "^\[porch's text\]\|^\[entry\]\|^\[MISTAKE\]" || true)" \
    "every command came from porch's text, an entry command or a marked mistake"
assert_eq 5 "$(printf '%s\n' "$OUT" | grep -c '^\[MISTAKE\]' || true)" "five mistakes, each refused"

# The end state: the three workers merged into main, each with its work.
for f in src/api/user.txt src/api/token.txt src/api/session.txt web/index.html docs/user.md; do
    assert_true "$f reached main" git cat-file -e "main:$f"
done
assert_false "the stray file outside task-2's scope did not reach main" git cat-file -e main:docs/web.md
run porch status --json
assert_json "$OUT" '[[w["id"], w["state"]] for w in d["workers"]]' \
    '[["task-1","complete"],["task-2","complete"],["task-3","complete"]]' "all three complete"
finish
