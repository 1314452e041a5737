#!/usr/bin/env python3
"""`git porch status` with its worktree columns, on a checkout of 20,000 files and a few thousand
commits with W workers (20 and 100) spawned by `git porch spawn`, some of them dirty, all of them
behind the base: side by side `status`, `status --no-worktrees`, `status --no-alerts`, and
`git status --porcelain` run in every worktree, 8 at once (the floor for reading them all).

Targets: status (worktree columns) <= the parallel git status; status --no-worktrees <= 1.5x
status --no-alerts --no-worktrees (what status cost before it read worktrees).

usage: bench/status_worktrees.py [path/to/git-porch] [--files N] [--commits N]
       [--workers 20,100] [--rounds N]
"""
import argparse
from concurrent.futures import ThreadPoolExecutor

from common import Sandbox, find_binary, table, timed_side_by_side

JOBS = 8  # git status processes at once, as status itself runs them
FLOOR = f"git status --porcelain in every worktree, {JOBS} at once"


def generate(box, repo, files, commits):
    """One commit of `files` files in 200 folders, then `commits` commits of one file each."""
    box.run(["git", "init", "-q", str(repo)])
    out = ["commit refs/heads/main", "mark :1", "committer B <b@e.com> 1700000000 +0000", "data 4",
           "init"]
    for i in range(files):
        body = f"file {i}\n" + "x" * 90 + "\n"
        out += [f"M 100644 inline src/d{i % 200:03d}/f{i:05d}.txt", f"data {len(body)}", body]
    out += history(2, commits, files, ":1")
    box.run(["git", "fast-import", "--quiet"], cwd=repo, input="\n".join(out) + "\n")
    box.run(["git", "checkout", "-q", "-f", "main"], cwd=repo)


def history(first, count, files, parent):
    """fast-import lines of `count` commits on main, each changing one file."""
    out = []
    for c in range(first, first + count):
        body = f"change {c}\n"
        i = (c * 7919) % files
        out += ["commit refs/heads/main", f"committer B <b@e.com> {1700000000 + c} +0000",
                f"data {len(f'change {c}')}", f"change {c}"]
        out += [f"from {parent}"] if parent else []  # later ones follow the branch
        out += [f"M 100644 inline src/d{i % 200:03d}/f{i:05d}.txt", f"data {len(body)}", body, ""]
        parent = None
    return out


def spawn_workers(box, repo, first, last):
    for w in range(first, last + 1):
        box.run(["git", "porch", "spawn", str(w), "bench", "--scope", f"src/d{w % 200:03d}"],
                cwd=repo)
        if w % 5 == 0:  # a dirty one: three changed files, two untracked
            wt = repo / "worktrees" / f"task-{w}-bench"
            for i in range(3):
                path = wt / f"src/d{w % 200:03d}/f{(w % 200) + 200 * i:05d}.txt"
                path.write_text("dirty\n")
            (wt / "notes.txt").write_text("new\n")
            (wt / f"src/d{w % 200:03d}/new.txt").write_text("new\n")


def worktrees(box, repo):
    out = box.run(["git", "worktree", "list", "--porcelain"], cwd=repo).stdout
    paths = [line[9:] for line in out.splitlines() if line.startswith("worktree ")]
    return paths[1:]  # the main worktree is no worker's


def git_status_all(box, paths):
    with ThreadPoolExecutor(JOBS) as pool:
        list(pool.map(lambda p: box.run(["git", "status", "--porcelain"], cwd=p), paths))


def measure(box, repo, rounds):
    porch = lambda *flags: (lambda: box.run(["git", "porch", "status", *flags], cwd=repo))
    paths = worktrees(box, repo)
    return timed_side_by_side({
        "status": porch(),
        "status --no-worktrees": porch("--no-worktrees"),
        "status --no-alerts": porch("--no-alerts"),
        "status --no-alerts --no-worktrees": porch("--no-alerts", "--no-worktrees"),
        FLOOR: lambda: git_status_all(box, paths),
    }, rounds)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("binary", nargs="?")
    ap.add_argument("--files", type=int, default=20000)
    ap.add_argument("--commits", type=int, default=3000)
    ap.add_argument("--workers", default="20,100")
    ap.add_argument("--rounds", type=int, default=5)
    args = ap.parse_args()
    counts = sorted(int(n) for n in args.workers.split(","))
    box = Sandbox(find_binary(args.binary))
    try:
        repo = box.dir / "repo"
        generate(box, repo, args.files, args.commits)
        box.run(["git", "porch", "init", "-q"], cwd=repo)
        spawned, results = 0, []
        for n in counts:
            spawn_workers(box, repo, spawned + 1, n)
            if spawned == 0:  # the base moves on: every worker is 300 commits behind
                lines = history(args.commits + 2, 300, args.files, "refs/heads/main^0")
                box.run(["git", "fast-import", "--quiet"], cwd=repo, input="\n".join(lines) + "\n")
                box.run(["git", "reset", "-q", "--hard", "main"], cwd=repo)
            spawned = n
            results.append((n, measure(box, repo, args.rounds)))
            print(f"{n} workers: " + "; ".join(f"{k}: {v:.1f} ms" for k, v in results[-1][1].items()),
                  flush=True)
        print(f"{args.files} files, {args.commits} commits; every 5th worker dirty; medians of "
              f"{args.rounds} rounds:")
        rows = []
        for name in results[0][1]:
            rows.append([name] + [f"{r[name]:.1f} ms" for _, r in results])
        table(rows, ["command"] + [f"{n} workers" for n, _ in results])
        for n, r in results:
            ratio_wt = r["status"] / r[FLOOR]
            ratio_no = r["status --no-worktrees"] / r["status --no-alerts --no-worktrees"]
            print(f"{n} workers: status / parallel git status = {ratio_wt:.2f}x (target <= 1: "
                  f"{'met' if ratio_wt <= 1 else 'NOT met'}); --no-worktrees / --no-alerts "
                  f"--no-worktrees = {ratio_no:.2f}x (target <= 1.5: "
                  f"{'met' if ratio_no <= 1.5 else 'NOT met'}); --no-worktrees / --no-alerts = "
                  f"{r['status --no-worktrees'] / r['status --no-alerts']:.2f}x")
    finally:
        box.close()


if __name__ == "__main__":
    main()
