#!/usr/bin/env python3
"""On a checkout of 20,000 files: `git porch pool acquire` of an idle slot against a fresh
`git worktree add` of the same kind of branch; medians and ratio in one run. Target: <= 0.2x.

usage: bench/pool.py [path/to/git-porch] [--files N] [--rounds N]
"""
import argparse
import os

from common import Sandbox, find_binary, median_ms, table


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("binary", nargs="?")
    ap.add_argument("--files", type=int, default=20000)
    ap.add_argument("--rounds", type=int, default=7)
    args = ap.parse_args()
    box = Sandbox(find_binary(args.binary))
    try:
        repo = box.dir / "repo"
        box.run(["git", "init", "-q", str(repo)])
        # 20,000 files in 200 folders, ~100 bytes each, written through fast-import.
        lines = ["commit refs/heads/main", "committer Bench <b@e.com> 1700000000 +0000", "data 4",
                 "init"]
        for i in range(args.files):
            body = f"file {i}\n" + "x" * 90 + "\n"
            lines += [f"M 100644 inline src/d{i % 200:03d}/f{i:05d}.txt", f"data {len(body)}", body]
        box.run(["git", "fast-import", "--quiet"], cwd=repo, input="\n".join(lines) + "\n")
        box.run(["git", "checkout", "-q", "-f", "main"], cwd=repo)
        box.run(["git", "porch", "init", "-q"], cwd=repo)
        box.run(["git", "porch", "pool", "init", "2"], cwd=repo)

        acquire, add = [], []
        for r in range(args.rounds):
            acquire.append(box.time(["git", "porch", "pool", "acquire", f"a{r}", "bench"], cwd=repo))
            box.run(["git", "porch", "pool", "release", f"task-a{r}"], cwd=repo)
            path = box.dir / f"fresh-{r}"
            add.append(box.time(["git", "worktree", "add", "-q", "-b", f"fresh/{r}", str(path), "main"],
                                cwd=repo))
            box.run(["git", "worktree", "remove", "--force", str(path)], cwd=repo)
        a, w = median_ms(acquire), median_ms(add)
        print(f"checkout of {args.files} files, {args.rounds} rounds each, medians:")
        table([["git worktree add (fresh)", f"{w:.1f} ms", "1.00x"],
               ["git porch pool acquire", f"{a:.1f} ms", f"{a / w:.2f}x"]],
              ["", "median", "ratio"])
        print(f"target: <= 0.20x  ->  {'met' if a / w <= 0.2 else 'NOT met'}")
    finally:
        box.close()


if __name__ == "__main__":
    main()
