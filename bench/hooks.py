#!/usr/bin/env python3
"""`git commit` in a worker worktree with porch's hooks against the same commit with hooks off
(`-c core.hooksPath=/dev/null`): medians and their ratio from one run. Target: <= 2x.

usage: bench/hooks.py [path/to/git-porch] [--commits N]
"""
import argparse
import sys

from common import Sandbox, find_binary, median_ms, table


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("binary", nargs="?")
    ap.add_argument("--commits", type=int, default=60)
    args = ap.parse_args()
    box = Sandbox(find_binary(args.binary))
    try:
        repo = box.dir / "repo"
        box.run(["git", "init", "-q", str(repo)])
        box.run(["git", "commit", "-q", "--allow-empty", "-m", "init"], cwd=repo)
        box.run(["git", "porch", "init", "-q"], cwd=repo)
        box.run(["git", "porch", "spawn", "1", "bench", "--scope", "src"], cwd=repo)
        wt = repo / "worktrees" / "task-1-bench"
        hooked, bare = [], []
        # Interleaved, so drift in machine load hits both sides alike.
        for i in range(args.commits):
            hooked.append(box.time(["git", "commit", "-q", "--allow-empty", "-m",
                                    f"[CHECKPOINT] hooked {i}"], cwd=wt))
            bare.append(box.time(["git", "-c", "core.hooksPath=/dev/null", "commit", "-q",
                                  "--allow-empty", "-m", f"[CHECKPOINT] bare {i}"], cwd=wt))
        events = box.run(["git", "porch", "log", "task-1", "--json"], cwd=repo).stdout.count('"commit":')
        if events < args.commits:
            sys.exit(f"bench: only {events} of {args.commits} hooked commits were recorded")
        h, b = median_ms(hooked), median_ms(bare)
        print(f"git commit in a worker worktree, {args.commits} commits each, medians:")
        table([["bare git commit (hooks off)", f"{b:.1f} ms", "1.00x"],
               ["git commit + porch hooks", f"{h:.1f} ms", f"{h / b:.2f}x"]],
              ["", "median", "ratio"])
        print(f"target: <= 2.00x  ->  {'met' if h / b <= 2.0 else 'NOT met'}")
    finally:
        box.close()


if __name__ == "__main__":
    main()
