#!/usr/bin/env bash
# What an AI worker gets from kickoff and resume, taken as an agent takes it: the roster of the
# other workers (so a [NEEDS:] goes to the one that makes the item), every protocol commit as a
# whole command that is run here exactly as printed (through porch's hooks, without an editor),
# the verify commands, the pick-up of a finished dependency by `git merge --no-ff`, the QA
# rejection and the attempt number after `qa reject` and `retry`; then the agent presets
# (porch.agent): a stub claude, codex, gemini and aider on PATH record their arguments, their
# environment and their standard input, so each preset is seen to pass the prompt intact, through
# hostile task text, in the argument that agent reads it from, with its unattended flags.
source "$(dirname "$0")/lib.sh"
cd "$T"

porch_repo r
mkdir -p .porch
# Hostile text in the plan: quotes, command substitutions, backticks, several lines and a line
# equal to the launch script's usual here-document delimiter.
cat >.porch/plan.toml <<'TOML'
[[task]]
id = "1"
desc = "api"
description = '''
Build the API "now": $(touch pwned1) and `touch pwned2`; it's ${HOME}
PORCH_PROMPT_END
last line'''
scope = ["src/api"]
checkpoints = ["Add user routes"]
verify = ["test -f src/api/users"]
produces = ["UserRoutes", "OrderRoutes"]

[[task]]
id = "2"
desc = "web"
description = "Build the web pages."
scope = ["src/web", "public/*.html"]
needs = ["1"]

[[task]]
id = "3"
desc = "docs"
description = "Write the docs.\nAll of them."
scope = ["docs"]
TOML
git add .porch/plan.toml && commit "Add the plan"
expect_ok porch spawn 1 api --scope src/api
expect_ok porch spawn 2 web --scope src/web --scope 'public/*.html' --needs 1
wt1=$T/r/worktrees/task-1-api
wt2=$T/r/worktrees/task-2-web

# command_for <prompt> <text>: the first command in backticks on a line of the prompt that
# holds <text>, as an agent would copy it.
command_for() {
    python3 - "$1" "$2" <<'PY'
import re, sys
prompt, text = sys.argv[1], sys.argv[2]
for line in prompt.splitlines():
    if text in line:
        for cmd in re.findall(r"`([^`]*)`", line):
            if cmd.startswith("git ") or cmd.startswith("test "):
                print(cmd)
                sys.exit(0)
sys.exit("no command on a line with: " + text)
PY
}
# as_typed <dir> <command>: runs the command in <dir> through bash, as an agent's shell would.
as_typed() { (cd "$1" && bash -c "$2" </dev/null >/dev/null); }

# --- the roster --------------------------------------------------------------------------------
expect_ok porch kickoff 2
k2=$OUT
assert_contains "$k2" $'## Other Workers\n\nEach owns its scope.' "a roster"
assert_contains "$k2" $'- task-1 (api): new, branch work/task-1-api\n  - Task: Build the API "now": $(touch pwned1) and `touch pwned2`; it\'s ${HOME}\n  - Scope: src/api\n  - Produces: UserRoutes, OrderRoutes\n' \
    "a spawned teammate: state, branch, the first line of its task, scope, what it produces"
assert_contains "$k2" $'- task-3 (docs): planned, not spawned yet\n  - Task: Write the docs.\n  - Scope: docs\n' \
    "a planned teammate"
assert_not_contains "$k2" "- task-2 (web):" "the worker is not its own teammate"
assert_contains "$k2" 'You need output from task-1 (api), which produces UserRoutes, OrderRoutes.' \
    "what the dependency produces"
# The [NEEDS:] example and command name a real teammate, never the worker itself.
assert_contains "$k2" '- `[NEEDS:task-1/UserRoutes] Need UserRoutes from task-1`' \
    "the NEEDS example asks the dependency for what it produces"
assert_not_contains "$k2" "[NEEDS:task-2/" "no NEEDS example names the worker itself"
expect_ok porch kickoff 1
k1=$OUT
assert_contains "$k1" '- `[NEEDS:task-2/UserModel] Require User model for relations`' \
    "without a dependency the example names another worker"
assert_contains "$k1" "Other workers may ask you for: UserRoutes, OrderRoutes." "what it produces"
expect_ok porch kickoff 2 --json
assert_json "$OUT" '[(o["worker"], o["state"], o["branch"], o["scope"], o["produces"]) for o in d["others"]]' \
    '[["task-1","new","work/task-1-api",["src/api"],["UserRoutes","OrderRoutes"]],["task-3",null,null,["docs"],[]]]'

# Alone, the example cannot name a teammate: it stays generic.
porch_repo "$T/solo"
expect_ok porch spawn 1 only
expect_ok porch kickoff 1
assert_contains "$OUT" "git commit --allow-empty -m '[NEEDS:task-<id>/<item>] <what you need>'" \
    "a generic NEEDS command"
assert_not_contains "$OUT" "## Other Workers" "no roster without teammates"
assert_not_contains "$OUT" "[NEEDS:task-1/" "not even alone does the example name itself"
cd "$T/r"

# --- full commands, run as printed ---------------------------------------------------------------
assert_contains "$k2" "\`git add -A -- src/web 'public/*.html' && git commit -m '[CHECKPOINT] <what is done>'\`" \
    "a checkpoint stages the scope, globs quoted"
assert_contains "$k2" "Git refuses a path that matches no file yet" "why a scope path may be left out"
assert_contains "$k1" "none of them opens an editor" "said so"

mkdir -p "$wt1/src/api" && echo users >"$wt1/src/api/users"
cmd=$(command_for "$k1" "[CHECKPOINT] Add user routes")
assert_eq "git add -A -- src/api && git commit -m '[CHECKPOINT] Add user routes'" "$cmd"
tick
assert_true "the checkpoint command works as typed" as_typed "$wt1" "$cmd"
assert_eq "[CHECKPOINT] Add user routes" "$(git -C "$wt1" log -1 --format=%s)" "committed"
assert_eq "src/api/users" "$(git -C "$wt1" show --name-only --format= HEAD)" "with the new file"

cmd=$(command_for "$k1" "[BLOCKED:<reason>] <what is missing>")
assert_eq "git commit --allow-empty -m '[BLOCKED:<reason>] <what is missing>'" "$cmd"
tick
assert_true "the BLOCKED command works as typed, with nothing to commit" as_typed "$wt1" \
    "${cmd//<reason>/missing-spec}"
assert_eq "[BLOCKED:missing-spec] <what is missing>" "$(git -C "$wt1" log -1 --format=%s)"

cmd=$(command_for "$k2" "[NEEDS:task-1/<item>] <what you need>")
tick
assert_true "the NEEDS command works as typed" as_typed "$wt2" "${cmd//<item>/UserRoutes}"
assert_eq "needs" "$(porch status --json | python3 -c 'import json,sys; print([w["state"] for w in json.load(sys.stdin)["workers"] if w["id"]=="task-2"][0])')" \
    "task-2 needs something now"

# Verify: how to run it, and what to commit when it cannot pass.
assert_contains "$k1" $'## Verify\n\nBefore committing `[COMPLETE]`, run these in your worktree; each must exit with status 0:\n- `test -f src/api/users`\n' \
    "the verify commands"
assert_contains "$k1" "\`git commit --allow-empty -m '[BLOCKED:verify] <command> fails: <why>'\`" \
    "what to commit when verify cannot pass"
assert_true "the verify command passes as typed" as_typed "$wt1" "$(command_for "$k1" "- \`test -f")"
cmd=$(command_for "$k1" "Final, when all tasks are done and Verify passes")
assert_eq "git add -A -- src/api && git commit --allow-empty -m '[COMPLETE] <summary>'" "$cmd"
tick
# Everything is committed already: --allow-empty keeps [COMPLETE] from failing.
assert_true "the COMPLETE command works as typed" as_typed "$wt1" "${cmd//<summary>/User routes}"
assert_eq "[COMPLETE] User routes" "$(git -C "$wt1" log -1 --format=%s)"

# --- pick-up of a finished dependency: git merge --no-ff ------------------------------------------
porch_repo "$T/pick"
mkdir -p .porch && cp "$T/r/.porch/plan.toml" .porch/ && git add .porch && commit "Add the plan"
expect_ok porch spawn 1 api --scope src/api
expect_ok porch spawn 2 web --scope src/web --needs 1
mkdir -p worktrees/task-1-api/src/api && echo x >worktrees/task-1-api/src/api/users
git -C worktrees/task-1-api add -A && commit -C worktrees/task-1-api "[COMPLETE] The API"
expect_ok porch kickoff 2
assert_contains "$OUT" "It is complete: merge its work before you start, with \`git merge --no-ff --no-edit work/task-1-api\`" \
    "the finished dependency is merged first"
assert_contains "$OUT" $'1. Verify you are on the correct branch: `git branch --show-current`\n2. Merge task-1\'s finished work: `git merge --no-ff --no-edit work/task-1-api`\n3. Begin' \
    "as the first step after the branch check"
cmd=$(command_for "$OUT" "Merge task-1's finished work")
tick
# task-2 has no commit of its own: a plain merge would fast-forward and take task-1's [COMPLETE].
assert_true "the pick-up works as typed" as_typed "$T/pick/worktrees/task-2-web" "$cmd"
assert_eq "2" "$(git -C worktrees/task-2-web rev-list --parents -1 HEAD | wc -w | xargs expr -1 +)" \
    "a merge commit, not a fast-forward"
expect_ok porch status --json
assert_json "$OUT" '[w["state"] for w in d["workers"] if w["id"] == "task-2"][0]' "new" \
    "task-1's [COMPLETE] is not task-2's"
expect_ok porch kickoff 2
assert_contains "$OUT" "It is complete and merged into your branch already." "merged"
assert_not_contains "$OUT" "Merge task-1's finished work" "no merge step any more"
# The needs-satisfied alert advises --no-ff too.
commit -C worktrees/task-2-web "[NEEDS:task-1/OrderRoutes] Need the orders"
git -C worktrees/task-1-api commit -q --allow-empty -m "[COMPLETE] The API, with OrderRoutes"
expect_ok porch status --json
assert_json "$OUT" '[a["action"] for a in d["alerts"] if a["kind"] == "needs-satisfied"][0]' \
    "pick it up: git -C $T/pick/worktrees/task-2-web merge --no-ff --no-edit work/task-1-api"
expect_ok porch resume 2
assert_contains "$OUT" 'Pick it up with `git merge --no-ff --no-edit work/task-1-api`' "resume too"

# --- after qa reject and retry ------------------------------------------------------------------
cd "$T/r"
expect_ok porch kickoff 1
assert_not_contains "$OUT" "## Fix First" "no rejection yet"
assert_not_contains "$OUT" "## Attempt" "first attempt"
expect_ok porch qa reject 1 -m $'The $(orders) route has no `tests`\nand it\'s slow'
expect_ok porch retry 1
expect_ok porch kickoff 1
k1=$OUT
assert_contains "$k1" $'## Fix First (QA rejection)\n\nThe $(orders) route has no `tests`\nand it\'s slow\n\n## Attempt 1 of 3\n' \
    "the reason and the attempt come first"
expect_ok porch kickoff 1 --json
assert_json "$OUT" '[d["rejection"], d["attempt"]]' $'["The $(orders) route has no `tests`\\nand it\'s slow",1]'
expect_ok porch retry 1
expect_ok porch resume 1
assert_contains "$OUT" "# Fix QA Rejection: task-1-api" "resume's title"
assert_contains "$OUT" $'## Fix First (QA rejection)\n\nThe $(orders) route' "resume: the reason"
assert_contains "$OUT" "## Attempt 2 of 3" "resume: the attempt"
expect_ok porch resume 1 --json
assert_json "$OUT" 'd["attempt"]' "2"

# --- agent presets -------------------------------------------------------------------------------
# Stub agents: each records its arguments (NUL-separated), environment, folder and stdin.
mkdir -p "$T/agents" "$T/agent-out"
for name in claude codex gemini aider; do
    cat >"$T/agents/$name" <<'SH'
#!/usr/bin/env bash
name=${0##*/}
printf '%s\0' "$@" >"$AGENT_OUT/$name.args"
env >"$AGENT_OUT/$name.env"
pwd >"$AGENT_OUT/$name.pwd"
cat >"$AGENT_OUT/$name.stdin"
SH
    chmod +x "$T/agents/$name"
done

expect_ok porch kickoff 1
printf '%s' "$OUT" >"$T/.prompt" # what the agent must get: the prompt, without its final newline
script=$T/r/.porch/scripts/worker-1-api.sh

# check_preset <name> <flags...>: writes task-1's script with the preset, runs it as an
# orchestrator would (stdin piped), and checks the words before the prompt and the prompt.
check_preset() {
    local name=$1
    shift
    git config porch.agent "$name"
    _check
    run porch kickoff 1 --script
    assert_eq "0" "$RC" "kickoff --script with porch.agent=$name"
    assert_eq "$script" "$OUT" "the script's path"
    assert_match "$ERR" "^warning: $name " "$name: a warning on stderr"
    assert_contains "$(cat "$script")" "# The agent is the preset $name (git config porch.agent):" \
        "$name: the script names the preset"
    assert_contains "$(cat "$script")" "# QA rejected the previous attempt: The \$(orders) route" \
        "$name: the script notes the rejection"
    assert_contains "$(cat "$script")" "# Attempt 2 of 3 (git porch retry)." "$name: and the attempt"
    rm -f "$T/agent-out/$name".*
    run bash -c 'echo from-caller | (cd "$1" && PATH="$2:$PATH" AGENT_OUT="$3" "$4")' _ \
        "$T" "$T/agents" "$T/agent-out" "$script"
    assert_eq "0" "$RC" "$name: the script ran"
    assert_contains "$ERR" "git porch: warning: $name " "$name: the script warns when it starts"
    assert_eq "$(printf '%s\n' "$@" prompt-equal)" "$(python3 - "$T/agent-out/$name.args" "$T/.prompt" <<'PY'
import sys
args = open(sys.argv[1], "rb").read().split(b"\0")[:-1]
prompt = open(sys.argv[2], "rb").read()
for a in args[:-1]:
    print(a.decode())
print("prompt-equal" if args and args[-1] == prompt else "prompt-differs")
PY
)" "$name: its flags, then the prompt exactly as kickoff prints it"
    assert_eq "$wt1" "$(cat "$T/agent-out/$name.pwd")" "$name: runs in the worktree"
}

check_preset claude --dangerously-skip-permissions
assert_eq "from-caller" "$(cat "$T/agent-out/claude.stdin")" "claude: an interactive session keeps stdin"
check_preset codex exec -c 'notify=["git","porch","agent-hook","codex"]' \
    --dangerously-bypass-approvals-and-sandbox
assert_eq "" "$(cat "$T/agent-out/codex.stdin")" "codex: stdin is /dev/null"
check_preset gemini --approval-mode yolo --prompt
assert_eq "" "$(cat "$T/agent-out/gemini.stdin")" "gemini: stdin is /dev/null"
assert_contains "$(cat "$T/agent-out/gemini.env")" $'\nGEMINI_CLI_TRUST_WORKSPACE=true\n' \
    "gemini: trusts the worktree for the run"
assert_not_contains "$(cat "$T/agent-out/claude.env")" "GEMINI_CLI_TRUST_WORKSPACE" \
    "only gemini gets it"
# aider: the prompt is --message's value, never a positional (a file name to aider), and its
# untagged auto-commits are off.
check_preset aider --yes-always --no-auto-commits --no-gitignore --message
assert_contains "$ERR" "aider makes no commits" "aider: says who commits"
assert_eq "" "$(cd "$T" && find . -name 'pwned*')" "nothing in the prompt ran"

# An unknown preset: one line that lists the presets, and no script.
rm -f "$script"
git config porch.agent claud
expect_fail 128 "porch.agent is 'claud', not one of claude, codex, gemini, aider" -- \
    porch kickoff 1 --script
assert_contains "$ERR" "hint: git config porch.agent claude" "the fix"
assert_false "no script" test -e "$script"
# porch.agentCommand wins over a preset, and says so; a bad preset name is still an error.
git config porch.agentCommand "'$T/agents/codex' --own"
expect_fail 128 "not one of" -- porch kickoff 1 --script
git config porch.agent gemini
run porch kickoff 1 --script
assert_eq "0" "$RC" "agentCommand with a preset"
assert_eq "note: porch.agentCommand wins over porch.agent (gemini); to use the preset: git config --unset porch.agentCommand" \
    "$ERR" "a note, and no preset warning"
assert_contains "$(cat "$script")" "exec '$T/agents/codex' '--own' \"\$prompt\"" "the own command"
assert_not_contains "$(cat "$script")" "GEMINI_CLI_TRUST_WORKSPACE" "nothing of the preset"
git config --unset porch.agent
expect_ok porch kickoff 1 --script

finish
