#!/usr/bin/env bash
# git porch kickoff and resume: the kickoff prompt (scope, tasks, checkpoints, protocol,
# dependencies) from the spawned event and the plan; launch scripts that quote everything, so
# shell metacharacters in a plan reach the agent as text and run nothing; continuation prompts
# after a crash, a BLOCKED, a NEEDS (then satisfied) and a QA rejection.
source "$(dirname "$0")/lib.sh"
cd "$T"

new_repo r
cd r
expect_ok porch init -q
mkdir -p .porch
# A description full of shell metacharacters, and a line equal to the script's usual
# here-document delimiter: none of it may run or end the prompt early.
cat >.porch/plan.toml <<'TOML'
[[task]]
id = "1"
desc = "api"
description = '''
Build the API: $(touch pwned1) and `touch pwned2`; echo "x" > pwned3 && rm -rf nothing | cat
It's ${HOME} and $HOME, \backslash\n, !! and 'quotes' "too" <in> & out; (sub) {brace} #hash
PORCH_PROMPT_END
EOF'''
scope = ["src/api"]
checkpoints = ["Add user routes", "Add order routes"]
verify = ["make test"]

[[task]]
id = "2"
desc = "web"
description = "Build the web pages."
scope = ["src/web"]
needs = ["1"]
TOML
git add .porch.toml .porch/plan.toml && commit "Add porch settings and plan"
expect_ok porch spawn 1 api --scope src/api
expect_ok porch spawn 2 web --scope src/web --needs 1
expect_ok porch spawn 3 docs
wt1=$T/r/worktrees/task-1-api
wt2=$T/r/worktrees/task-2-web

# --- the kickoff prompt ------------------------------------------------------------------------
expect_ok porch kickoff task-1
k1=$OUT
assert_contains "$k1" "# Worker Kickoff: task-1-api" "the title names the worker"
assert_contains "$k1" $'```bash\ncd '"$wt1"$'\n```' "the worktree to cd into"
assert_contains "$k1" "Branch: work/task-1-api (started from main)" "the branch and its base"
assert_contains "$k1" $'You may ONLY modify files in:\n- src/api\n' "the scope"
assert_contains "$k1" 'Build the API: $(touch pwned1) and `touch pwned2`' "the plan's description"
assert_contains "$k1" $'- `git add -A -- src/api && git commit -m \'[CHECKPOINT] Add user routes\'`\n- `git add -A -- src/api && git commit -m \'[CHECKPOINT] Add order routes\'`' \
    "the plan's checkpoints, as commands"
assert_contains "$k1" '- `make test`' "the verify commands"
assert_contains "$k1" '`[BLOCKED:<reason>]` - cannot proceed' "the protocol's tags"
assert_contains "$k1" '`[NEEDS:task-2/UserModel] Require User model for relations`' \
    "the protocol's examples"
assert_contains "$k1" $'## Dependencies\n\n- None' "task-1 depends on nobody"
assert_contains "$k1" "git branch --show-current" "check the branch before committing"

expect_ok porch kickoff 2
assert_contains "$OUT" $'You may ONLY modify files in:\n- src/web' "task-2's scope"
assert_contains "$OUT" 'You need output from task-1 (api). It is not complete yet.' \
    "task-2's dependency"
assert_contains "$OUT" "run \`git commit --allow-empty -m '[NEEDS:task-1/<item>] <what you need>'\`" \
    "what to commit without it"
assert_contains "$OUT" 'git merge --no-ff --no-edit work/task-1-api' "how to pick it up"
assert_contains "$OUT" "\`git commit --allow-empty -m '[BLOCKED:<reason>] <what is missing>'\`" \
    "what to commit when stuck"

expect_ok porch kickoff 3
assert_contains "$OUT" "docs (no plan entry describes this task" "a worker the plan does not know"
assert_contains "$OUT" "No paths were assigned" "a worker without a scope"

expect_ok porch kickoff 1 --json
assert_json "$OUT" 'd["worker"]' "task-1"
assert_json "$OUT" 'd["scope"]' '["src/api"]'
assert_json "$OUT" 'd["worktree"]' "$wt1"
assert_json "$OUT" 'd["script"]' "null"
printf '%s\n' "$k1" >"$T/.k1"
assert_json "$OUT" 'd["prompt"] == open("'"$T"'/.k1").read()' "true" "--json holds the same prompt"

expect_fail 129 "task-<id> or --all" -- porch kickoff
expect_fail 129 "not both" -- porch kickoff 1 --all
expect_fail 129 "kickoff takes task-<id>" -- porch kickoff 'bad id'
expect_fail 128 "no worker task-9" -- porch kickoff 9

# --- launch scripts ----------------------------------------------------------------------------
expect_fail 128 "porch.agentCommand" -- porch kickoff 1 --script
assert_contains "$ERR" "porch.agent names a preset (claude, codex, gemini, aider)" "the presets"
assert_contains "$ERR" "hint: git config porch.agent claude" "the hint"
assert_false "no script without an agent command" test -e .porch/scripts

# The fake agent records its arguments (NUL-separated), its folder and its stdin.
mkdir -p "$T/bin dir"
cat >"$T/bin dir/fake agent" <<'SH'
#!/usr/bin/env bash
printf '%s\0' "$@" >"$AGENT_OUT/args"
pwd >"$AGENT_OUT/pwd"
cat >"$AGENT_OUT/stdin"
SH
chmod +x "$T/bin dir/fake agent"
# Metacharacters in the agent command too: words are split as the shell does, nothing expanded.
git config porch.agentCommand "'$T/bin dir/fake agent' --flag 'a;b \$(touch pwned4)' \"x\\\"y\" \`touch pwned5\`"
expect_ok porch kickoff task-1 --script
script=$T/r/.porch/scripts/worker-1-api.sh
assert_eq "$script" "$(tail -n 1 "$OUT_FILE")" "the last line is the script's path"
assert_true "the script is executable" test -x "$script"
assert_contains "$(cat .git/info/exclude)" ".porch/scripts/" "scripts are excluded"
assert_contains "$(cat "$script")" "<<'PORCH_PROMPT_END_1'" "the delimiter is no line of the prompt"
assert_eq "" "$(git status --porcelain)" "the script is not an untracked file"
assert_not_contains "$(cat "$script")" "$(git config porch.agentCommand)" \
    "the agent command is not pasted unquoted"

mkdir -p "$T/agent-out"
echo from-caller | (cd "$T" && AGENT_OUT=$T/agent-out "$script")
python3 - "$T/agent-out/args" "$T/.k1" <<'PY' >"$T/.args"
import sys
args = open(sys.argv[1], "rb").read().split(b"\0")[:-1]
prompt = open(sys.argv[2], "rb").read().rstrip(b"\n")
print(len(args))
for a in args[:-1]:
    print(a.decode())
print("prompt-equal" if args[-1] == prompt else "prompt-differs")
PY
assert_eq $'6\n--flag\na;b $(touch pwned4)\nx"y\n`touch\npwned5`\nprompt-equal' "$(cat "$T/.args")" \
    "the agent gets its words and the prompt exactly as kickoff prints it"
assert_eq "$wt1" "$(cat "$T/agent-out/pwd")" "the agent runs in the worktree"
assert_eq "from-caller" "$(cat "$T/agent-out/stdin")" "the agent's stdin is the caller's (a terminal)"
assert_eq "" "$(cd "$T" && find . -name 'pwned*')" "nothing in the prompt or the command ran"

# A repository whose path holds quotes and a command substitution: the cd is quoted too.
odd="$T/it's \$(touch pwned6) \"dir\""
new_repo "$odd"
(cd "$odd" && git porch init -q && git porch spawn 5 odd >/dev/null &&
    git config porch.agentCommand "'$T/bin dir/fake agent'")
in_dir "$odd" expect_ok porch kickoff 5 --script
rm -f "$T/agent-out/pwd"
(cd "$T" && AGENT_OUT=$T/agent-out "$(tail -n 1 "$OUT_FILE")" </dev/null)
assert_eq "$odd/worktrees/task-5-odd" "$(cat "$T/agent-out/pwd")" "the odd worktree path, exactly"
assert_eq "" "$(cd "$T" && find . -name 'pwned*')" "the odd path ran nothing"

# Rewritten in place; --all writes one per worker not complete, --json names them.
commit -C "$T/r/worktrees/task-3-docs" "[COMPLETE] Docs written"
expect_ok porch kickoff --all --script
assert_eq "$T/r/.porch/scripts/worker-1-api.sh
$T/r/.porch/scripts/worker-2-web.sh" "$OUT" "--all skips the complete worker"
assert_eq "1" "$(grep -c '^.porch/scripts/$' .git/info/exclude)" "excluded once"
expect_ok porch kickoff --all --json
assert_json "$OUT" '[w["worker"] for w in d]' '["task-1","task-2"]'
assert_json "$OUT" '[w["script"] for w in d]' '[null,null]'
expect_ok porch kickoff --all
assert_contains "$OUT" $'\n---\n\n# Worker Kickoff: task-2-web' "prompts apart"

# --- resume ------------------------------------------------------------------------------------
# Nothing but the spawn: start from the beginning, every checkpoint remains.
expect_ok porch resume 1
assert_contains "$OUT" "# Continue Work: task-1-api" "the continuation title"
assert_contains "$OUT" "crashed before its first commit" "no commit yet"
assert_contains "$OUT" $'## Completed (from git log)\n\n- Nothing yet' "nothing completed"
assert_contains "$OUT" $'## Remaining\n\n- `git add -A -- src/api && git commit -m \'[CHECKPOINT] Add user routes\'`\n- `git add -A -- src/api && git commit -m \'[CHECKPOINT] Add order routes\'`' \
    "every planned checkpoint remains"
assert_contains "$OUT" "cd $wt1" "where to work"
assert_contains "$OUT" $'You may ONLY modify files in:\n- src/api' "the scope again"
expect_ok porch resume 1 --json
assert_json "$OUT" 'd["completed"]' '[]'
assert_json "$OUT" 'd["remaining"]' '["Add user routes","Add order routes"]'
assert_json "$OUT" 'd["waiting"]' '[]'
assert_json "$OUT" 'd["rejection"]' 'null'

# A checkpoint, then BLOCKED.
commit -C "$wt1" "[CHECKPOINT] Add user routes for /users"
commit -C "$wt1" "[BLOCKED:missing-spec] Need the order schema"
expect_ok porch resume task-1
assert_contains "$OUT" "# Resume Work: task-1-api" "a blocked worker resumes"
assert_contains "$OUT" "- You committed \`[BLOCKED:missing-spec]\`. If that is resolved, continue; if not, run \`git commit --allow-empty -m '[BLOCKED:missing-spec] <what is still missing>'\` again and stop." \
    "what it was blocked on, and the command to say so again"
assert_contains "$OUT" $'## Completed (from git log)\n\n- [CHECKPOINT] Add user routes for /users\n' \
    "the checkpoint it made"
assert_contains "$OUT" $'## Remaining\n\n- `git add -A -- src/api && git commit -m \'[CHECKPOINT] Add order routes\'`\n- Final' \
    "only the other checkpoint remains"
expect_ok porch resume 1 --json
assert_json "$OUT" 'd["waiting"]' '[{"kind":"blocked","reason":"missing-spec"}]'
assert_json "$OUT" 'd["state"]' 'blocked'

# NEEDS: not available, then available once task-1 commits the item.
commit -C "$wt2" "[NEEDS:task-1/OrderRoutes] Need the orders endpoint"
expect_ok porch resume 2
assert_contains "$OUT" "OrderRoutes from task-1: not available yet (task-1 is blocked)" \
    "the need is not met"
commit -C "$wt1" "[CHECKPOINT] Add order routes: OrderRoutes done"
expect_ok porch resume 2
assert_contains "$OUT" "The item you needed is now available." "the unblocked title"
assert_contains "$OUT" 'OrderRoutes from task-1: available now (task-1 has committed it). Pick it up with `git merge --no-ff --no-edit work/task-1-api`' \
    "how to pick it up"
expect_ok porch resume 2 --json
assert_json "$OUT" '[(w["kind"], w["item"], w["available"], w["pick"]) for w in d["waiting"]]' \
    '[["needs","OrderRoutes",true,"git merge --no-ff --no-edit work/task-1-api"]]'
expect_ok porch resume 1
assert_contains "$OUT" "Every planned checkpoint is committed" "both checkpoints done"

# Complete: nothing to resume, unless QA rejected it.
expect_fail 1 "task-3 is complete" -- porch resume 3
expect_ok porch qa reject task-3 -m 'The $(docs) miss the install section'
expect_ok porch resume 3
assert_contains "$OUT" "# Fix QA Rejection: task-3-docs" "the rejection title"
assert_contains "$OUT" $'## Fix First (QA rejection)\n\nThe $(docs) miss the install section' \
    "the reason comes first"
expect_ok porch resume 3 --json
assert_json "$OUT" 'd["rejection"]' 'The $(docs) miss the install section'

expect_fail 128 "no worker task-9" -- porch resume 9
expect_fail 129 "" -- porch resume

finish
