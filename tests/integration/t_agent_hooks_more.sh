#!/usr/bin/env bash
# git porch agent-hook for the agents besides Claude Code and Codex: kickoff --script installs
# porch's hooks in the worktree's .gemini/settings.json (merged, once, kept out of commits, a
# tracked file left alone), and a stub Gemini CLI fires them in Gemini's order and JSON shapes,
# reading each hook's output as Gemini does; aider, which has no session hooks, is wrapped by its
# launch script, which records started and stopped and keeps aider's exit status.
source "$(dirname "$0")/lib.sh"

mkdir -p "$T/bin"
ln -s "$(cd "$(dirname "$0")" && pwd)/gemini_stub.py" "$T/bin/gemini"
# A stub aider: commits when asked to, exits with $AIDER_EXIT.
cat >"$T/bin/aider" <<'SH'
#!/usr/bin/env bash
if [ -n "${AIDER_COMMIT:-}" ]; then
    echo work >aider.txt && git add aider.txt && git commit -q -m "$AIDER_COMMIT"
fi
exit "${AIDER_EXIT:-0}"
SH
chmod +x "$T/bin/aider"

cd "$T"
porch_repo r
wt() { printf '%s/r/worktrees/%s' "$T" "$1"; }
agent_events() { # <worker>: the agent and state of its agent events, in order
    git porch log --json "$1" | python3 -c '
import json, sys
print(" ".join((e.get("agent") or "-") + ":" + e["state"]
               for e in json.load(sys.stdin) if e["type"] == "agent"))'
}
agent_state() { # <worker>: status --json's agent state
    run porch status --json --worker "$1"
    json_q "$OUT" 'd["workers"][0]["agent"]["state"]'
}

expect_ok porch spawn 1 api
expect_ok porch spawn 2 web
expect_ok porch spawn 3 docs

# --- gemini: kickoff --script installs the hooks -------------------------------------------------
git config porch.agent gemini
# task-2's worktree has the person's own project settings: merged into, never replaced.
mkdir -p "$(wt task-2-web)/.gemini"
cat >"$(wt task-2-web)/.gemini/settings.json" <<'JSON'
{"general": {"vimMode": true},
 "hooks": {"AfterAgent": [{"hooks": [{"type": "command", "command": "echo '{}'"}]}]}}
JSON
run porch kickoff 1 --script
assert_eq 0 "$RC" "kickoff --script: $ERR"
script1=$OUT
run porch kickoff 2 --script
run porch kickoff 2 --script # twice: the hooks are not added twice
settings2=$(cat "$(wt task-2-web)/.gemini/settings.json")
assert_json "$settings2" 'd["general"]' '{"vimMode":true}' "the person's settings stay"
assert_json "$settings2" '[h["command"] for g in d["hooks"]["AfterAgent"] for h in g["hooks"]]' \
    "[\"echo '{}'\",\"git -C \\\"\${GEMINI_PROJECT_DIR:-.}\\\" porch agent-hook gemini\"]" \
    "their AfterAgent hook stays, porch's is added once"
assert_json "$settings2" 'sorted(d["hooks"])' \
    '["AfterAgent","AfterTool","BeforeAgent","Notification","SessionEnd","SessionStart"]' \
    "the events porch listens to"
assert_json "$settings2" '[g.get("matcher") for g in d["hooks"]["AfterTool"]]' '["*"]' "every tool"
assert_json "$settings2" '[h.get("name") for g in d["hooks"]["SessionStart"] for h in g["hooks"]]' \
    '["porch-agent-hook"]' "named, as Gemini lists hooks by name"
assert_eq "" "$(git -C "$(wt task-1-api)" status --porcelain)" \
    "the settings file is excluded: nothing for the worker to commit"
assert_contains "$(cat .git/info/exclude)" "/.gemini/settings.json" "in .git/info/exclude"

# A settings file the project tracks is left alone.
mkdir -p "$(wt task-3-docs)/.gemini"
echo '{}' >"$(wt task-3-docs)/.gemini/settings.json"
git -C "$(wt task-3-docs)" add -f .gemini/settings.json
git -C "$(wt task-3-docs)" commit -q -m "[CHECKPOINT] Track settings"
run porch kickoff 3 --script
assert_contains "$ERR" ".gemini/settings.json is tracked in" "a tracked settings file: a warning"
assert_eq "{}" "$(cat "$(wt task-3-docs)/.gemini/settings.json")" "and it is untouched"

# --- the stub Gemini's session -----------------------------------------------------------------------
# gemini --prompt: start, the prompt, 20 tool calls, a permission asked, the turn's end, the exit.
run env PATH="$T/bin:$PATH" STUB_PLAN="SessionStart BeforeAgent tools:20 Notification" \
    STUB_LOG="$T/stub.log" "$script1"
assert_eq 0 "$RC" "every hook exits 0 and leaves Gemini a JSON object to read: $ERR"
assert_eq "23 hook calls" "$(cat "$T/stub.log")" "each event ran porch's hook"
assert_eq "gemini:started gemini:working gemini:waiting" "$(agent_events task-1)" \
    "rate limited: one working event for 21 calls"
assert_eq "waiting" "$(agent_state task-1)" "status: waiting for input"
run env PATH="$T/bin:$PATH" STUB_PLAN="tools:1 commit:[CHECKPOINT]_Routes AfterAgent SessionEnd" \
    "$script1"
assert_eq 0 "$RC" "the rest of the session: $ERR"
assert_eq "stopped" "$(agent_state task-1)" "the turn ended: stopped"
run porch status --json
assert_json "$OUT" "[a['kind'] for a in d['alerts'] if a['worker'] == 'task-1']" \
    '["agent-stopped"]' "stopped without [COMPLETE]"

# Gemini skips project hooks in a folder it does not trust: the preset trusts the worktree.
rm -f "$T/stub.log"
run env PATH="$T/bin:$PATH" GEMINI_CLI_TRUST_WORKSPACE=false STUB_PLAN="SessionStart" \
    STUB_LOG="$T/stub.log" bash -c 'cd "$1" && gemini -p x' _ "$(wt task-1-api)"
assert_eq "0 hook calls" "$(cat "$T/stub.log")" "the stub skips them untrusted, as Gemini does"

# What Gemini reads: {} on stdout, whatever the input; exit 0.
cd "$(wt task-2-web)"
for input in '{"hook_event_name":"BeforeAgent","session_id":"s"}' '' 'not json' '[1' \
    '{"hook_event_name":"Stop"}'; do
    run bash -c 'printf "%s" "$1" | git porch agent-hook gemini' _ "$input"
    assert_eq "0:{}:" "$RC:$OUT:$ERR" "gemini: {} on stdout, nothing on stderr: $input"
done
assert_eq "gemini:working" "$(agent_events task-2)" "only the real event was recorded"
mkdir -p "$T/elsewhere" && cd "$T/elsewhere"
run bash -c 'printf "%s" "{\"hook_event_name\":\"AfterAgent\"}" | git porch agent-hook gemini'
assert_eq "0:{}:" "$RC:$OUT:$ERR" "outside a repository too"
cd "$T/r"

# --- aider: the launch script records the session --------------------------------------------------
git config porch.agent aider
run porch kickoff 3 --script
assert_eq 0 "$RC" "kickoff --script with aider: $ERR"
script3=$OUT
run env PATH="$T/bin:$PATH" AIDER_COMMIT="[CHECKPOINT] Docs" "$script3"
assert_eq 0 "$RC" "the script runs aider: $ERR"
assert_eq "-:started -:stopped" "$(agent_events task-3)" \
    "started before aider, stopped after it"
run env PATH="$T/bin:$PATH" AIDER_EXIT=3 "$script3"
assert_eq 3 "$RC" "aider's exit status is the script's"
assert_eq "stopped" "$(agent_state task-3)" "and its end is recorded all the same"
if ! PATH=/usr/bin:/bin command -v git-porch >/dev/null; then
    run env PATH="$T/bin:/usr/bin:/bin" "$script3"
    assert_eq 0 "$RC" "a git without porch does not stop the agent: $ERR"
fi

finish
