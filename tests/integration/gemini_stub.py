#!/usr/bin/env python3
"""A stand-in for Gemini CLI that fires its hooks as the real one does (gemini-cli's
packages/core/src/hooks/hookRunner.ts and docs/hooks/reference.md).

It reads the hooks of the project settings, .gemini/settings.json in its folder (where the
launch script started it: the worker's worktree), and only when the folder is trusted
(GEMINI_CLI_TRUST_WORKSPACE=true, as the preset exports): Gemini skips project hooks in an
untrusted folder. For each step of $STUB_PLAN it runs every matching hook command with bash -c, in
that folder, with GEMINI_PROJECT_DIR, GEMINI_SESSION_ID and CLAUDE_PROJECT_DIR set,
$GEMINI_PROJECT_DIR in the command replaced by the folder, and the event's JSON on standard
input. Gemini reads a hook's stdout as JSON, and when stdout is empty its stderr instead: text
there becomes a message that allows the action. So a hook that exits non-zero, or leaves
anything but a JSON object where Gemini reads, is a failure; the stub exits 1 then.

$STUB_PLAN is a space-separated list of steps: SessionStart, BeforeAgent, tools:<n> (n tool
calls, each BeforeTool then AfterTool), Notification (a ToolPermission), AfterAgent, SessionEnd,
or commit:<subject> (commits a file with that subject, underscores read as spaces). The prompt
(the last argument) is ignored.
"""
import datetime
import json
import os
import re
import shlex
import subprocess
import sys

import stub_agent

here = os.getcwd()
session = os.environ.get("STUB_SESSION", "8e2f0c1a-5b7d-4e3a-9c61-0f4d2b8a7e11")
failures = []
calls = 0


def settings_hooks():
    if os.environ.get("GEMINI_CLI_TRUST_WORKSPACE") != "true":
        return {}
    path = os.path.join(here, ".gemini", "settings.json")
    if not os.path.exists(path):
        return {}
    with open(path) as f:
        return json.load(f).get("hooks", {})


def matches(group, tool):
    matcher = group.get("matcher", "")
    if tool is None or matcher in ("", "*"):
        return True
    return re.fullmatch(matcher, tool) is not None


def gemini_reads(stdout, stderr):
    """What Gemini parses: stdout, or stderr when stdout is empty; None when both are."""
    text = stdout.strip() or stderr.strip()
    return text or None


def fire(event, extra, tool=None):
    global calls
    payload = {
        "session_id": session,
        "transcript_path": os.path.expanduser("~/.gemini/tmp/x/chats/" + session + ".json"),
        "cwd": here,
        "hook_event_name": event,
        "timestamp": datetime.datetime.now(datetime.timezone.utc).isoformat(),
    }
    payload.update(extra)
    data = json.dumps(payload).encode()
    env = dict(os.environ, GEMINI_PROJECT_DIR=here, GEMINI_CWD=here, GEMINI_SESSION_ID=session,
               CLAUDE_PROJECT_DIR=here)
    for group in settings_hooks().get(event, []):
        if not matches(group, tool):
            continue
        for hook in group.get("hooks", []):
            if hook.get("type") != "command":
                continue
            calls += 1
            command = hook["command"].replace("$GEMINI_PROJECT_DIR", shlex.quote(here))
            r = subprocess.run(["bash", "-c", command], input=data, cwd=here, env=env,
                               capture_output=True)
            read = gemini_reads(r.stdout.decode(errors="replace"), r.stderr.decode(errors="replace"))
            ok = r.returncode == 0
            if ok and read is not None:
                try:
                    ok = isinstance(json.loads(read), dict)
                except ValueError:
                    ok = False
            if not ok:
                failures.append("%s: exit %d, stdout %r, stderr %r"
                                % (event, r.returncode, r.stdout[:200], r.stderr[:200]))


def tool_call(n):
    tool_input = {"command": "ls -la", "description": "List files"}
    fire("BeforeTool", {"tool_name": "run_shell_command", "tool_input": tool_input},
         "run_shell_command")
    fire("AfterTool", {"tool_name": "run_shell_command", "tool_input": tool_input,
                       "tool_response": {"llmContent": "file-%d" % n, "returnDisplay": "ok"}},
         "run_shell_command")


def main():
    n = 0
    prompt = sys.argv[-1] if len(sys.argv) > 1 else "go on"
    for step in os.environ.get("STUB_PLAN", "").split():
        if step == "SessionStart":
            fire(step, {"source": "startup"})
        elif step == "BeforeAgent":
            fire(step, {"prompt": prompt})
        elif step.startswith("tools:"):
            for _ in range(int(step[6:])):
                n += 1
                tool_call(n)
        elif step == "Notification":
            fire(step, {"notification_type": "ToolPermission",
                        "message": "Allow run_shell_command?",
                        "details": {"tool_name": "run_shell_command"}})
        elif step == "AfterAgent":
            fire(step, {"prompt": prompt, "prompt_response": "done", "stop_hook_active": False})
        elif step == "SessionEnd":
            fire(step, {"reason": "exit"})
        elif step.startswith("commit:"):
            n += 1
            stub_agent.commit(here, n, step[7:])
        else:
            failures.append("unknown step " + step)
    return stub_agent.finish("gemini", calls, failures)


if __name__ == "__main__":
    sys.exit(main())
