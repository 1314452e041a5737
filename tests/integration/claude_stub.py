#!/usr/bin/env python3
"""A stand-in for Claude Code that fires its hooks as the real one does.

It reads the hooks configured in .claude/settings.local.json of its folder (where the launch
script started it: the worker's worktree), and for each step of $STUB_PLAN runs every matching
hook command with bash -c, in that folder, with CLAUDE_PROJECT_DIR set and the event's JSON on
standard input, in the shapes Claude Code sends. A hook that exits non-zero or writes to
standard output is a failure (Claude Code reads some hooks' output); the stub exits 1 then.

$STUB_PLAN is a space-separated list of steps: an event name (SessionStart, UserPromptSubmit,
Notification, Stop, SessionEnd), tools:<n> (n tool calls, each PreToolUse then PostToolUse),
bigtool (one PostToolUse carrying 2 MiB of output), or commit:<subject> (commits a file with that
subject, underscores read as spaces). The prompt (the last argument) is ignored.
"""
import json
import os
import re
import subprocess
import sys

import stub_agent

here = os.getcwd()
session = os.environ.get("STUB_SESSION", "4f1c2a9e-0d6b-4c1e-9a57-2e8f3b6d1c00")
failures = []
calls = 0


def settings_hooks():
    path = os.path.join(here, ".claude", "settings.local.json")
    with open(path) as f:
        return json.load(f).get("hooks", {})


def matches(group, tool):
    matcher = group.get("matcher", "")
    if tool is None or matcher in ("", "*"):
        return True
    return re.fullmatch(matcher, tool) is not None


def fire(event, extra, tool=None):
    global calls
    payload = {
        "session_id": session,
        "transcript_path": os.path.expanduser("~/.claude/projects/x/" + session + ".jsonl"),
        "cwd": here,
        "permission_mode": "bypassPermissions",
        "hook_event_name": event,
    }
    payload.update(extra)
    data = json.dumps(payload).encode()
    env = dict(os.environ, CLAUDE_PROJECT_DIR=here)
    for group in settings_hooks().get(event, []):
        if not matches(group, tool):
            continue
        for hook in group.get("hooks", []):
            if hook.get("type") != "command":
                continue
            calls += 1
            r = subprocess.run(["bash", "-c", hook["command"]], input=data, cwd=here, env=env,
                               capture_output=True)
            if r.returncode != 0 or r.stdout:
                failures.append("%s: exit %d, stdout %r, stderr %r"
                                % (event, r.returncode, r.stdout[:200], r.stderr[:200]))


def tool_call(n, output="ok"):
    use = "toolu_%04d" % n
    tool_input = {"command": "ls -la", "description": "List files"}
    fire("PreToolUse", {"tool_name": "Bash", "tool_input": tool_input, "tool_use_id": use}, "Bash")
    fire("PostToolUse", {"tool_name": "Bash", "tool_input": tool_input, "tool_use_id": use,
                         "tool_response": {"stdout": output, "stderr": "", "interrupted": False}},
         "Bash")


def main():
    n = 0
    for step in os.environ.get("STUB_PLAN", "").split():
        if step == "SessionStart":
            fire(step, {"source": "startup", "model": "claude-sonnet-4-5"})
        elif step == "UserPromptSubmit":
            fire(step, {"prompt": sys.argv[-1] if len(sys.argv) > 1 else "go on"})
        elif step.startswith("tools:"):
            for _ in range(int(step[6:])):
                n += 1
                tool_call(n)
        elif step == "bigtool":
            n += 1
            tool_call(n, "x" * (2 << 20))
        elif step == "Notification":
            fire(step, {"message": "Claude needs your permission to use Bash",
                        "notification_type": "permission_prompt"})
        elif step == "Stop":
            fire(step, {"stop_hook_active": False})
        elif step == "SessionEnd":
            fire(step, {"reason": "other"})
        elif step.startswith("commit:"):
            n += 1
            stub_agent.commit(here, n, step[7:])
        else:
            failures.append("unknown step " + step)
    return stub_agent.finish("claude", calls, failures)


if __name__ == "__main__":
    sys.exit(main())
