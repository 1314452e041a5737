#!/usr/bin/env python3
"""`git porch status --json` against the seeds' monitoring loop and against `git for-each-ref`
(the floor), on generated repositories of W worker branches with C protocol commits each.

The seeds' loop: for every worker branch `git log <branch> --oneline -5`, then
`git log --all --grep` for "[BLOCKED:", "[NEEDS:" and "[COMPLETE]".
Targets: at 100 x 1,000 status >= 50x faster than the loop; from 1,000 to 10,000 commits per
worker status grows <= 1.5x; at 1,000 workers status under a second.

Workers on other machines, in the same run: a clone of the 100 x 1,000 repository where the
workers exist only as remote-tracking branches (origin/work/...) with the notes fetched to
refs/notes/remotes/origin/porch, and a mixed clone (half of them with a local branch too, 20 of
those behind or diverged). Target: both within 1.5x of the all-local figure.

usage: bench/status.py [path/to/git-porch] [--quick]
"""
import argparse

from common import Sandbox, find_binary, table, timed


def generate(box, path, workers, commits):
    """Worker branches made with fast-import: fast, deterministic, no hooks involved."""
    box.run(["git", "init", "-q", str(path)])
    out = ["commit refs/heads/main", "mark :1", "committer B <b@e.com> 1700000000 +0000",
           "data 4", "base", "M 644 inline README", "data 5", "base", ""]
    mark = 2
    for w in range(1, workers + 1):
        prev = ":1"
        for c in range(1, commits + 1):
            if c == commits:
                msg = ["[COMPLETE] done", "[BLOCKED:need-spec] waiting", f"[NEEDS:task-{w % workers + 1}/Api] x",
                       "[CHECKPOINT] more"][w % 4]
            else:
                msg = f"[CHECKPOINT] step {c}"
            data = msg.encode()
            out += [f"commit refs/heads/work/task-{w}-bench", f"mark :{mark}",
                    f"committer B <b@e.com> {1700000000 + c} +0000", f"data {len(data)}", msg,
                    f"from {prev}", ""]
            prev = f":{mark}"
            mark += 1
    box.run(["git", "fast-import", "--quiet", "--done"], cwd=path, input="\n".join(out) + "\ndone\n")
    box.run(["git", "checkout", "-q", "-f", "main"], cwd=path)


def seeds_loop(box, repo):
    branches = box.run(["git", "for-each-ref", "--format=%(refname:short)", "refs/heads/work/"],
                       cwd=repo).stdout.split()
    for b in branches:
        box.run(["git", "log", b, "--oneline", "-5"], cwd=repo)
    for pattern in ["\\[BLOCKED:", "\\[NEEDS:", "\\[COMPLETE\\]"]:
        box.run(["git", "log", "--all", "--oneline", f"--grep={pattern}"], cwd=repo)


def measure(box, workers, commits, rounds, with_loop=True):
    repo = box.dir / f"r{workers}x{commits}"
    generate(box, repo, workers, commits)
    box.run(["git", "porch", "reindex"], cwd=repo)
    porch = timed(lambda: box.run(["git", "porch", "status", "--json"], cwd=repo), rounds)
    floor = timed(lambda: box.run(["git", "for-each-ref", "refs/heads/work/"], cwd=repo), rounds)
    loop = timed(lambda: seeds_loop(box, repo), max(1, rounds // 3)) if with_loop else None
    return porch, loop, floor


def measure_remote(box, source, workers, rounds):
    """status in a clone where the workers are remote-tracking branches only, then mixed."""
    clone = box.dir / "remote-only"
    box.run(["git", "clone", "-q", "--no-local", str(source), str(clone)])
    box.run(["git", "fetch", "-q", "origin", "+refs/notes/porch*:refs/notes/remotes/origin/porch*"],
            cwd=clone)
    remote_only = timed(lambda: box.run(["git", "porch", "status", "--json"], cwd=clone), rounds)
    # Half the workers get a local branch: 10 of them one commit behind origin, 10 diverged.
    for w in range(1, workers // 2 + 1):
        branch = f"work/task-{w}-bench"
        tip = f"origin/{branch}"
        if w <= 10:
            target = box.run(["git", "rev-parse", tip + "~1"], cwd=clone).stdout.strip()
        elif w <= 20:
            tree = box.run(["git", "rev-parse", tip + "~1^{tree}"], cwd=clone).stdout.strip()
            target = box.run(["git", "commit-tree", tree, "-p", tip + "~1", "-m",
                              "[CHECKPOINT] local only"], cwd=clone).stdout.strip()
        else:
            target = box.run(["git", "rev-parse", tip], cwd=clone).stdout.strip()
        box.run(["git", "update-ref", f"refs/heads/{branch}", target], cwd=clone)
    mixed = timed(lambda: box.run(["git", "porch", "status", "--json"], cwd=clone), rounds)
    return remote_only, mixed


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("binary", nargs="?")
    ap.add_argument("--quick", action="store_true", help="smaller sizes, for a smoke run")
    args = ap.parse_args()
    box = Sandbox(find_binary(args.binary))
    try:
        w, c1, c2, big = (20, 100, 1000, 200) if args.quick else (100, 1000, 10000, 1000)
        rows = []
        p1, l1, f1 = measure(box, w, c1, 5)
        rows.append([f"{w} workers x {c1} commits", f"{p1:.1f} ms", f"{l1:.1f} ms", f"{l1 / p1:.1f}x",
                     f"{f1:.1f} ms"])
        p2, l2, f2 = measure(box, w, c2, 5)
        rows.append([f"{w} workers x {c2} commits", f"{p2:.1f} ms", f"{l2:.1f} ms", f"{l2 / p2:.1f}x",
                     f"{f2:.1f} ms"])
        r_only, r_mixed = measure_remote(box, box.dir / f"r{w}x{c1}", w, 5)
        p3, _, f3 = measure(box, big, 10, 3, with_loop=False)
        rows.append([f"{big} workers x 10 commits", f"{p3:.1f} ms", "-", "-", f"{f3:.1f} ms"])
        rows.append([f"{w} x {c1}, remote-tracking only", f"{r_only:.1f} ms", "-",
                     f"{l1 / r_only:.1f}x", "-"])
        rows.append([f"{w} x {c1}, mixed (20 behind/diverged)", f"{r_mixed:.1f} ms", "-",
                     f"{l1 / r_mixed:.1f}x", "-"])
        table(rows, ["repository", "porch status", "seeds' loop", "loop/porch", "for-each-ref"])
        print(f"remote-tracking only / all local: {r_only / p1:.2f}x; mixed / all local: "
              f"{r_mixed / p1:.2f}x (target <= 1.5x: "
              f"{'met' if max(r_only, r_mixed) / p1 <= 1.5 else 'NOT met'})")
        print(f"status growth from {c1} to {c2} commits per worker: {p2 / p1:.2f}x "
              f"(target <= 1.5x; the loop grows {l2 / l1:.1f}x)")
        print(f"targets: >= 50x faster than the loop at {w} x {c1}: "
              f"{'met' if l1 / p1 >= 50 else 'NOT met'}; growth <= 1.5x: "
              f"{'met' if p2 / p1 <= 1.5 else 'NOT met'}; {big} workers under 1 s: "
              f"{'met' if p3 < 1000 else 'NOT met'}")
    finally:
        box.close()


if __name__ == "__main__":
    main()
