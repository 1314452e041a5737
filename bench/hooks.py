#!/usr/bin/env python3
"""`git commit` in a worker worktree with porch's hooks against the same commit with hooks off
(`-c core.hooksPath=/dev/null`), in repositories of 5, 100 and 1,000 workers, in one run:
medians, their ratio, and the time porch adds (hooked minus bare).

Targets: at most 2x a bare commit at every size, and what porch adds at the largest size within
1.2x of what it adds at the smallest: a worker's commit must not pay for the size of the team.

usage: bench/hooks.py [path/to/git-porch] [--commits N] [--workers 5,100,1000]
"""
import argparse
import sys

from common import Sandbox, find_binary, median_ms, table


def generate(box, repo, workers):
    """A repository with `workers` workers: task-1 spawned (its worktree is where we commit),
    the others one branch and one recorded commit each (fast-import, then reindex)."""
    box.run(["git", "init", "-q", str(repo)])
    box.run(["git", "commit", "-q", "--allow-empty", "-m", "init"], cwd=repo)
    box.run(["git", "porch", "init", "-q"], cwd=repo)
    if workers > 1:
        out = []
        for w in range(2, workers + 1):
            msg = b"[CHECKPOINT] step"
            out += [f"commit refs/heads/work/task-{w}-bench", "committer B <b@e.com> 1700000000 +0000",
                    f"data {len(msg)}", msg.decode(), "from refs/heads/main^0", ""]
        box.run(["git", "fast-import", "--quiet", "--done"], cwd=repo, input="\n".join(out) + "\ndone\n")
        box.run(["git", "porch", "reindex"], cwd=repo)
    box.run(["git", "porch", "spawn", "1", "bench", "--scope", "src"], cwd=repo)
    wt = repo / "worktrees" / "task-1-bench"
    box.run(["git", "commit", "-q", "--allow-empty", "-m", "[CHECKPOINT] warm"], cwd=wt)
    return wt


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("binary", nargs="?")
    ap.add_argument("--commits", type=int, default=40)
    ap.add_argument("--workers", default="5,100,1000")
    args = ap.parse_args()
    sizes = [int(n) for n in args.workers.split(",")]
    box = Sandbox(find_binary(args.binary))
    try:
        worktrees = {n: generate(box, box.dir / f"r{n}", n) for n in sizes}
        hooked = {n: [] for n in sizes}
        bare = {n: [] for n in sizes}
        # Interleaved, sizes and sides alike, so drift in machine load hits all of them.
        for i in range(args.commits):
            for n in sizes:
                wt = worktrees[n]
                hooked[n].append(box.time(["git", "commit", "-q", "--allow-empty", "-m",
                                           f"[CHECKPOINT] hooked {i}"], cwd=wt))
                bare[n].append(box.time(["git", "-c", "core.hooksPath=/dev/null", "commit", "-q",
                                         "--allow-empty", "-m", f"[CHECKPOINT] bare {i}"], cwd=wt))
        rows, added, ratios = [], {}, {}
        for n in sizes:
            log = box.run(["git", "porch", "log", "task-1", "--json"], cwd=worktrees[n]).stdout
            events = log.count("] hooked ")
            if events < args.commits:
                sys.exit(f"bench: {n} workers: only {events} of {args.commits} hooked commits recorded")
            h, b = median_ms(hooked[n]), median_ms(bare[n])
            added[n], ratios[n] = h - b, h / b
            rows.append([f"{n:,}", f"{b:.1f} ms", f"{h:.1f} ms", f"{h / b:.2f}x", f"{h - b:.1f} ms"])
        print(f"git commit in a worker worktree, {args.commits} commits each side and size, medians:")
        table(rows, ["workers", "bare", "hooked", "ratio", "added"])
        worst = max(ratios.values())
        print(f"target: hooked <= 2.00x bare at every size: worst {worst:.2f}x  ->  "
              f"{'met' if worst <= 2.0 else 'NOT met'}")
        small, large = min(sizes), max(sizes)
        growth = added[large] / added[small] if added[small] > 0 else float("inf")
        print(f"target: added at {large:,} <= 1.20x added at {small:,}: {growth:.2f}x  ->  "
              f"{'met' if growth <= 1.2 else 'NOT met'}")
    finally:
        box.close()


if __name__ == "__main__":
    main()
