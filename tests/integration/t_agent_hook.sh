#!/usr/bin/env bash
# git porch agent-hook and what it feeds: a stub Claude Code fires its hooks, in Claude's order
# and JSON shapes, through the settings kickoff --script installed in the worktree; status shows
# the agent's state and alerts on it, resume says when the session stopped; a busy agent writes
# few events; the hook never fails the agent, inside a worker or not, whatever its input.
source "$(dirname "$0")/lib.sh"

STUB=$(cd "$(dirname "$0")" && pwd)/claude_stub.py
mkdir -p "$T/bin"
ln -s "$STUB" "$T/bin/claude"

cd "$T"
porch_repo r
wt() { printf '%s/r/worktrees/%s' "$T" "$1"; }
agent_events() { # <worker>: the states of its agent events, in order
    git porch log --json "$1" | python3 -c '
import json, sys
print(" ".join(e["state"] for e in json.load(sys.stdin) if e["type"] == "agent"))'
}
agent_state() { # <worker>: status --json's agent state
    run porch status --json --worker "$1"
    json_q "$OUT" 'd["workers"][0]["agent"]["state"]'
}
alert_kinds() { # <worker>
    run porch status --json
    json_q "$OUT" "[a['kind'] for a in d['alerts'] if a['worker'] == '$1']"
}

expect_ok porch spawn 1 api
expect_ok porch spawn 2 web
commit -C "$(wt task-1-api)" "[CHECKPOINT] Old work" # dated 2025: stalled by the real clock
assert_eq "unknown" "$(agent_state task-1)" "no hook events: the agent is unknown"
run porch status --json --worker task-1
assert_json "$OUT" 'd["workers"][0]["agent"]["since"]' "null" "and since is null"
assert_eq '["stalled"]' "$(alert_kinds task-1)" "an old commit and no agent: stalled"

# --- kickoff --script installs the hooks --------------------------------------------------------
git config porch.agent claude
# task-2's worktree has the person's own local settings: merged into, never replaced.
mkdir -p "$(wt task-2-web)/.claude"
cat >"$(wt task-2-web)/.claude/settings.local.json" <<'JSON'
{"permissions": {"allow": ["Bash(ls)"]},
 "hooks": {"Stop": [{"hooks": [{"type": "command", "command": "echo mine >/dev/null"}]}]}}
JSON
run porch kickoff 1 --script
assert_eq 0 "$RC" "kickoff --script"
script1=$OUT
run porch kickoff 2 --script
run porch kickoff 2 --script # twice: the hooks are not added twice
settings2=$(cat "$(wt task-2-web)/.claude/settings.local.json")
assert_json "$settings2" 'd["permissions"]' '{"allow":["Bash(ls)"]}' "the person's settings stay"
assert_json "$settings2" '[h["command"] for g in d["hooks"]["Stop"] for h in g["hooks"]]' \
    '["echo mine >/dev/null","git -C \"${CLAUDE_PROJECT_DIR:-.}\" porch agent-hook claude"]' \
    "their Stop hook stays, porch's is added once"
assert_json "$settings2" 'sorted(d["hooks"])' \
    '["Notification","PostToolUse","PreToolUse","SessionEnd","SessionStart","Stop","UserPromptSubmit"]' \
    "the events porch listens to"
assert_json "$settings2" '[g.get("matcher") for g in d["hooks"]["PreToolUse"]]' '["*"]' \
    "every tool"
assert_eq "" "$(git -C "$(wt task-1-api)" status --porcelain)" \
    "the settings file is excluded: nothing for the worker to commit"
assert_contains "$(cat .git/info/exclude)" "/.claude/settings.local.json" "in .git/info/exclude"

# A settings file the project tracks is left alone.
expect_ok porch spawn 3 docs
mkdir -p "$(wt task-3-docs)/.claude"
echo '{}' >"$(wt task-3-docs)/.claude/settings.local.json"
git -C "$(wt task-3-docs)" add -f .claude/settings.local.json
git -C "$(wt task-3-docs)" commit -q -m "[CHECKPOINT] Track settings"
run porch kickoff 3 --script
assert_contains "$ERR" "is tracked in" "a tracked settings file: a warning"
assert_eq "{}" "$(cat "$(wt task-3-docs)/.claude/settings.local.json")" "and it is untouched"

# A settings file that is not a JSON object: an error, nothing clobbered.
mkdir -p "$T/broken" && echo '[1,2' >"$(wt task-2-web)/.claude/settings.local.json"
expect_fail 128 "is not a JSON object" -- porch kickoff 2 --script
assert_eq "[1,2" "$(cat "$(wt task-2-web)/.claude/settings.local.json")" "the broken file stays"
printf '%s\n' "$settings2" >"$(wt task-2-web)/.claude/settings.local.json"

# --- the stub agent's session ---------------------------------------------------------------------
# Start, a prompt, 25 tool calls (50 hook calls), then a permission prompt: three events.
run env PATH="$T/bin:$PATH" STUB_PLAN="SessionStart UserPromptSubmit tools:25 Notification" \
    STUB_LOG="$T/stub.log" "$script1"
assert_eq 0 "$RC" "the stub's hooks all exit 0 with nothing on stdout: $ERR"
assert_eq "53 hook calls" "$(cat "$T/stub.log")" "each event ran porch's hook"
assert_eq "started working waiting" "$(agent_events task-1)" \
    "rate limited: one working event for 51 calls"
assert_eq "waiting" "$(agent_state task-1)" "status: waiting"
run porch status --json --worker task-1
assert_json "$OUT" 'd["workers"][0]["agent"]["agent"]' "claude" "the agent"
assert_eq '["waiting-for-input"]' "$(alert_kinds task-1)" "waiting for a person, not stalled"
run porch status --json
assert_json "$OUT" "[a['action'] for a in d['alerts'] if a['worker'] == 'task-1']" \
    "[\"answer it in its session, in $(wt task-1-api)\"]" "the worktree to open"
expect_ok porch status
assert_match "$OUT" "checkpoint \(agent waiting for input [0-9]+s\)" "the text shows it"

# Answered: it works again (an old commit, but a live agent is not stalled), then its turn ends.
rm "$T/stub.log"
run env PATH="$T/bin:$PATH" STUB_PLAN="UserPromptSubmit tools:3" STUB_LOG="$T/stub.log" "$script1"
assert_eq "working" "$(agent_state task-1)" "working again"
assert_eq '[]' "$(alert_kinds task-1)" "an agent at work is not stalled"
run env PATH="$T/bin:$PATH" STUB_PLAN="tools:2 commit:[CHECKPOINT]_Routes bigtool Stop" "$script1"
assert_eq 0 "$RC" "a 2 MiB PostToolUse input does not fail the hook: $ERR"
assert_eq "stopped" "$(agent_state task-1)" "its turn ended: stopped"
assert_eq '["agent-stopped"]' "$(alert_kinds task-1)" "stopped without [COMPLETE]"
run porch status --json
assert_json "$OUT" "[a['action'] for a in d['alerts'] if a['worker'] == 'task-1'][0]" \
    "continue its session in $(wt task-1-api), or start a new one with: git porch resume task-1" \
    "what to do"
expect_ok porch status
assert_match "$OUT" "\(agent stopped [0-9]+s ago\)" "the text shows it"
expect_ok porch resume 1
assert_match "$OUT" "Previous session stopped at 20[0-9-]+T[0-9:]+Z, before \[COMPLETE\]\. Resume" \
    "resume says when the previous session stopped"

# Complete, then stopped: nothing to say.
run env PATH="$T/bin:$PATH" STUB_PLAN="UserPromptSubmit commit:[COMPLETE]_API Stop SessionEnd" \
    "$script1"
assert_eq 0 "$RC" "the stub's last session"
assert_eq '[]' "$(alert_kinds task-1)" "a complete worker's stopped agent raises nothing"

# --- the generic form and Codex's notify -----------------------------------------------------------
cd "$(wt task-2-web)"
expect_ok porch agent-hook waiting
assert_eq "" "$OUT" "nothing on stdout"
assert_eq "waiting" "$(agent_state task-2)" "the generic form"
expect_ok porch agent-hook codex '{"type":"agent-turn-complete","thread-id":"t-1","turn-id":"1",
    "cwd":"/x","input-messages":["go"],"last-assistant-message":"done"}'
assert_eq "stopped" "$(agent_state task-2)" "Codex's turn complete: stopped"
run porch status --json --worker task-2
assert_json "$OUT" 'd["workers"][0]["agent"]["agent"]' "codex" "codex's"

# --- never fails the agent ------------------------------------------------------------------------
before=$(agent_events task-2)
for input in '' 'not json' '{"hook_event_name":' '["Stop"]' '{"hook_event_name":"Mystery"}' \
    '{"tool_input":{"hook_event_name":"SessionStart"}}'; do
    run bash -c 'printf "%s" "$1" | git porch agent-hook claude' _ "$input"
    assert_eq "0::" "$RC:$OUT:$ERR" "malformed input is passed over silently: $input"
done
run bash -c 'python3 -c "print(\"[\" * 3000000)" | git porch agent-hook claude'
assert_eq "0::" "$RC:$OUT:$ERR" "deep, huge input: bounded"
run bash -c 'python3 -c "import sys; sys.stdout.write(\"{\\\"hook_event_name\\\":\\\"Stop\\\",\\\"x\\\":\\\"\" + \"a\" * (3 << 20) + \"\\\"}\")" | git porch agent-hook claude'
assert_eq "0::" "$RC:$OUT:$ERR" "over 1 MiB: not read"
assert_eq "$before" "$(agent_events task-2)" "none of those recorded anything"
run porch agent-hook dancing
assert_eq "0:" "$RC:$OUT" "an unknown event: exit 0, nothing on stdout"
assert_contains "$ERR" "warning: agent-hook: unknown event" "a warning on stderr"
run porch agent-hook
assert_eq "0:" "$RC:$OUT" "no event at all: exit 0"

cd "$T/r"
run bash -c 'printf "%s" "{\"hook_event_name\":\"Stop\"}" | git porch agent-hook claude'
assert_eq "0::" "$RC:$OUT:$ERR" "in the main worktree: nothing, silently"
mkdir -p "$T/elsewhere"
cd "$T/elsewhere"
run bash -c 'printf "%s" "{\"hook_event_name\":\"Stop\"}" | git porch agent-hook claude'
assert_eq "0::" "$RC:$OUT:$ERR" "outside a repository: nothing, silently"
run git porch agent-hook started
assert_eq "0::" "$RC:$OUT:$ERR" "the generic form too"

finish
