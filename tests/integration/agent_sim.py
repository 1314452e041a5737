#!/usr/bin/env python3
"""A scripted agent and orchestrator that run only what porch's text tells them.

Every git or shell command this script runs is taken from text porch printed (a kickoff prompt,
a refusal, an alert, a "next:" line), with only its <placeholders> filled in, as an agent fills
them. The exceptions are marked: the entry commands a user starts from (listed in ENTRY), and
the deliberate mistakes that provoke each refusal (marked MISTAKE in the log). Files are
written directly: that is the agent's own work, not a command.

Used by t_agent_e2e.sh; prints the log of commands with where each came from, and exits non-zero
on the first step that porch's text could not carry.
"""
import os
import re
import subprocess
import sys

# Commands a user types without being told (the README's first steps).
ENTRY = {"git porch plan check", "git porch status"}


class Stuck(Exception):
    """porch's text did not give the command the next step needs."""


def candidates(text):
    """The commands a text offers: code blocks, code spans, and 'git ...'/'cd ...' runs of text
    after a colon or at a line's start (hints and 'next:' lines)."""
    out = []
    in_block = False
    for raw in text.splitlines():
        line = raw.rstrip()
        if line.lstrip().startswith("```"):
            in_block = not in_block
            continue
        if in_block:
            if line.strip():
                out.append(line.strip())
            continue
        out.extend(m.group(1) for m in re.finditer(r"`([^`]+)`", line))
        body = re.sub(r"^(?:(?:hint|next|fatal|error|warning|git porch):|→)\s*", "",
                      line.strip())
        for m in re.finditer(r"(?:^|:\s+|\$\s+)((?:git|cd) .+)$", body):
            # "→ git porch qa approve task-1, or git porch qa reject ...": alternatives
            out.extend(c.strip() for c in re.split(r",? or (?=git |cd )", m.group(1)))
    return out


class Session:
    def __init__(self, root):
        self.root = root
        self.texts = []  # every text porch or git printed, newest last
        self.log = []  # (cwd, command, origin)
        env = dict(os.environ)
        env.update({"GIT_EDITOR": "false", "EDITOR": "false", "VISUAL": "false",
                    "GIT_TERMINAL_PROMPT": "0"})
        self.env = env

    def _run(self, command, cwd, origin):
        self.log.append((os.path.relpath(cwd, self.root), command, origin))
        # The trailing pwd follows a `cd` in the command, as an agent's shell would.
        p = subprocess.run(["bash", "-c", command + '\nrc=$?; printf "\\n@@PWD=%s" "$PWD"; exit $rc'], cwd=cwd,
                           env=self.env, stdin=subprocess.DEVNULL, capture_output=True,
                           text=True)
        out, _, new_cwd = p.stdout.rpartition("\n@@PWD=")
        self.texts.append(out + p.stderr)
        return p.returncode, out + p.stderr, new_cwd or cwd

    def entry(self, command, cwd):
        assert command in ENTRY, command
        return self._run(command, cwd, "entry")

    def mistake(self, command, cwd):
        return self._run(command, cwd, "MISTAKE")

    def find(self, pattern, since=0, at=None):
        """The newest command porch's text offered (from text number `since` on, or in text
        number `at` only) that matches pattern (a regex searched in the command)."""
        texts = self.texts[since:] if at is None else [self.texts[at]]
        for text in reversed(texts):
            for c in candidates(text):
                if re.search(pattern, c):
                    return c
        raise Stuck("no text offered a command matching /%s/; the last text was:\n%s" %
                    (pattern, self.texts[-1] if self.texts else ""))

    def take(self, pattern, cwd, fill=None, since=0, at=None):
        """Runs the command found by find(), its <placeholders> filled from `fill`."""
        command = self.find(pattern, since, at)
        filled = re.sub(r"<([^<>]+)>", lambda m: (fill or {}).get(m.group(1), m.group(0)),
                        command)
        if re.search(r"<[^<>]+>", filled):
            raise Stuck("unfilled placeholder in: " + filled)
        return self._run(filled, cwd, "porch's text")

    def print_log(self):
        for cwd, command, origin in self.log:
            print("[%s] (%s) $ %s" % (origin, cwd, command))


def work(path, text):
    """The agent's own work: a file written (no command)."""
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "a") as f:
        f.write(text + "\n")


def scenario(s, root):
    """Three workers from a plan (task-3 needs task-1), each refusal kind met once, to a
    finished integration."""
    # The orchestrator: the plan, then the first wave.
    s.entry("git porch plan check", root)
    s.take(r"^git porch plan apply$", root)
    apply_text = len(s.texts) - 1
    kickoff = {}
    for worker in ("task-1", "task-2"):
        s.take(r"^git porch kickoff %s$" % worker, root, since=apply_text)
        kickoff[worker] = len(s.texts) - 1
    # A MISTAKE: the orchestrator asks for task-3's prompt before its need is met.
    rc, _, _ = s.mistake("git porch kickoff task-3", root)
    assert rc != 0, "kickoff of a planned, unspawned task must be refused"
    s.find(r"^git porch plan apply$", since=len(s.texts) - 1)  # the refusal says what to run

    # task-1's agent: from its prompt alone.
    k1 = kickoff["task-1"]
    _, _, w1 = s.take(r"^cd ", root, at=k1)
    s.take(r"^git branch --show-current$", w1, at=k1)
    work(os.path.join(w1, "src/api/user.txt"), "class User")
    # MISTAKE: the checkpoint command without its tag. Refused by commit-msg; the refusal gives
    # the command that commits the kept message with a valid tag.
    rc, _, _ = s.mistake("git add -A -- src/api && git commit -m 'Add the user model'", w1)
    assert rc != 0, "an untagged commit must be refused"
    s.take(r"^git commit -F ", w1, since=len(s.texts) - 1)
    # MISTAKE: the same agent, in the main worktree (it forgot the cd): a tagged commit on the
    # base branch is refused, naming the worktree and the commands that move the change.
    work(os.path.join(root, "src/api/token.txt"), "token")
    rc, _, _ = s.mistake(
        "git add -A -- src/api && git commit -m '[CHECKPOINT] Add the token'", root)
    assert rc != 0, "a tagged commit on the base branch must be refused"
    _, _, w1 = s.take(r"stash push .*&& cd .*&& git stash pop", root, since=len(s.texts) - 1)
    # MISTAKE: [COMPLETE] with a new file in scope left out (no git add). Refused, listing it.
    # Before it, the prompt's verify command, as the prompt says.
    work(os.path.join(w1, "src/api/session.txt"), "session")
    rc, _, _ = s.take(r"^test -s src/api/user.txt$", w1, at=k1)
    assert rc == 0, "verify passes"
    rc, _, _ = s.mistake("git commit --allow-empty -m '[COMPLETE] User model done'", w1)
    assert rc != 0, "a [COMPLETE] leaving files out must be refused"
    s.take(r"^git .*add -- .*src/api/session.txt.* && git commit", w1, since=len(s.texts) - 1)

    # task-2's agent.
    k2 = kickoff["task-2"]
    _, _, w2 = s.take(r"^cd ", root, at=k2)
    work(os.path.join(w2, "web/index.html"), "<h1>users</h1>")
    # MISTAKE: it also edits a file outside its scope and stages everything. Refused by scope;
    # the refusal gives the exact unstage-and-commit command.
    work(os.path.join(w2, "docs/web.md"), "web notes")
    rc, _, _ = s.mistake("git add -A && git commit -m '[CHECKPOINT] Add the page'", w2)
    assert rc != 0, "a commit outside the scope must be refused"
    s.take(r"restore --staged -- .*docs/web.md.* && git commit -F ", w2,
           since=len(s.texts) - 1)
    os.remove(os.path.join(w2, "docs/web.md"))  # the agent takes its stray edit back
    s.take(r"^git .*commit .*\[COMPLETE\]", w2, at=k2, fill={"summary": "Web page done"})

    # The orchestrator: status says what to do next. QA rejects task-2 once; the relaunched
    # agent reads the reason in its resume prompt and fixes it.
    s.entry("git porch status", root)
    s.take(r"^git porch qa reject task-2 ", root, since=len(s.texts) - 1,
           fill={"what to fix": "the page needs a title"})
    s.take(r"^git porch resume task-2$", root, since=len(s.texts) - 1)
    resumed = len(s.texts) - 1
    assert "the page needs a title" in s.texts[resumed], "resume carries the rejection"
    _, _, w2 = s.take(r"^cd ", root, at=resumed)
    work(os.path.join(w2, "web/index.html"), "<title>Users</title>")
    s.take(r"^git .*commit .*\[COMPLETE\]", w2, at=resumed, fill={"summary": "Title added"})
    # QA approves; apply starts task-3.
    for worker in ("task-1", "task-2"):
        s.entry("git porch status", root)
        s.take(r"^git porch qa approve %s$" % worker, root, since=len(s.texts) - 1)
    s.take(r"^git porch plan apply$", root, since=len(s.texts) - 1)
    s.take(r"^git porch kickoff task-3$", root, since=len(s.texts) - 1)
    k3 = len(s.texts) - 1

    # task-3's agent: its prompt says to merge task-1's work first, without a fast-forward.
    _, _, w3 = s.take(r"^cd ", root, at=k3)
    s.take(r"^git merge --no-ff .*work/task-1-api$", w3, at=k3)
    work(os.path.join(w3, "docs/user.md"), "The user model")
    s.take(r"^git .*commit .*\[COMPLETE\]", w3, at=k3, fill={"summary": "User docs done"})

    # The orchestrator: QA, then the integration and its finish, each as status and integrate
    # print them.
    s.entry("git porch status", root)
    s.take(r"^git porch qa approve task-3$", root, since=len(s.texts) - 1)
    s.take(r"^git porch integrate ", root, since=len(s.texts) - 1, fill={"feature": "users"})
    s.take(r"^git porch integrate .*--finish", root, since=len(s.texts) - 1)


def main():
    root = os.path.realpath(sys.argv[1])
    s = Session(root)
    try:
        scenario(s, root)
    except (Stuck, AssertionError) as e:
        s.print_log()
        print("STUCK: %s" % e)
        return 1
    s.print_log()
    return 0


if __name__ == "__main__":
    sys.exit(main())
