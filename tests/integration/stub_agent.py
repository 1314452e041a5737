"""What the stub agents (claude_stub.py, gemini_stub.py) share: the commit step of $STUB_PLAN,
and the end of a run (the hook count to $STUB_LOG, failures on stderr, the exit status)."""
import os
import subprocess
import sys


def commit(here, n, subject):
    """Commits stub-<n>.txt with `subject` (underscores read as spaces)."""
    with open(os.path.join(here, "stub-%d.txt" % n), "w") as f:
        f.write("work %d\n" % n)
    subprocess.run(["git", "add", "stub-%d.txt" % n], check=True)
    subprocess.run(["git", "commit", "-q", "-m", subject.replace("_", " ")], check=True)


def finish(name, calls, failures):
    with open(os.path.join(os.environ.get("STUB_LOG", "/dev/null")), "a") as f:
        f.write("%d hook calls\n" % calls)
    for failure in failures:
        print("%s stub: %s" % (name, failure), file=sys.stderr)
    return 1 if failures else 0
