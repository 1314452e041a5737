"""Shared helpers for porch's benchmarks: a deterministic sandbox and timing of real commands."""
import os
import shutil
import statistics
import subprocess
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def find_binary(arg=None):
    candidates = [arg] if arg else []
    candidates += [ROOT / "build" / "git-porch" / "git-porch", shutil.which("git-porch")]
    for c in candidates:
        if c and Path(c).is_file() and os.access(c, os.X_OK):
            return str(Path(c).resolve())
    raise SystemExit("bench: git-porch not found; build it first (./dev.sh build) or pass its path")


class Sandbox:
    """A temporary HOME and git config so nothing of the user's setup changes the figures."""

    def __init__(self, binary):
        self.dir = Path(tempfile.mkdtemp(prefix="porch-bench."))
        home = self.dir / "home"
        home.mkdir()
        self.env = dict(os.environ)
        self.env.update(
            HOME=str(home),
            GIT_CONFIG_NOSYSTEM="1",
            GIT_CONFIG_GLOBAL=str(home / ".gitconfig"),
            TZ="UTC",
            LC_ALL="C",
            PATH=str(Path(binary).parent) + os.pathsep + os.environ.get("PATH", ""),
        )
        self.env.pop("GIT_DIR", None)
        for key, value in [("user.name", "Bench"), ("user.email", "bench@example.com"),
                           ("init.defaultBranch", "main")]:
            self.run(["git", "config", "--global", key, value])

    def run(self, argv, cwd=None, check=True, input=None):
        return subprocess.run(argv, cwd=cwd or self.dir, env=self.env, check=check, input=input,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)

    def time(self, argv, cwd=None):
        start = time.perf_counter()
        self.run(argv, cwd=cwd)
        return time.perf_counter() - start

    def close(self):
        shutil.rmtree(self.dir, ignore_errors=True)


def median_ms(samples):
    return statistics.median(samples) * 1000.0


def timed(fn, rounds, warm=False):
    """Median milliseconds of `rounds` calls of fn; `warm`: one uncounted call first."""
    if warm:
        fn()
    samples = []
    for _ in range(rounds):
        start = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - start)
    return median_ms(samples)


def timed_side_by_side(fns, rounds):
    """Median milliseconds of each of `fns` (name -> callable), called in turn round after round
    after one uncounted call each: a drift of the machine's speed reaches all of them alike."""
    for fn in fns.values():
        fn()
    samples = {name: [] for name in fns}
    for _ in range(rounds):
        for name, fn in fns.items():
            start = time.perf_counter()
            fn()
            samples[name].append(time.perf_counter() - start)
    return {name: median_ms(s) for name, s in samples.items()}


def table(rows, header):
    widths = [max(len(str(r[i])) for r in rows + [header]) for i in range(len(header))]
    line = lambda r: "  ".join(str(c).rjust(w) if i else str(c).ljust(w) for i, (c, w) in enumerate(zip(r, widths)))
    print(line(header))
    for r in rows:
        print(line(r))
