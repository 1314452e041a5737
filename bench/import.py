#!/usr/bin/env python3
"""How well `git porch plan import` reads real task documents: the corpus in
tests/fixtures/import (documents with the answer of a careful human orchestrator, see its
README.md), scored item by item; the import time of a generated ~1 MB document; and three hostile
inputs that must neither crash nor hang the importer.

Each document is imported in a fresh repository holding the corpus's tree.txt (empty files), so
bare file names resolve. A found item matches an expected one when its source line is one of the
expected item's lines; an expected item matches once, so a second item on its lines is a
duplicate and counts as false. Over the matched items: ready, scope (as sets), priority, size,
needs (as transitive closures) and grouping (pairwise: two items share a worker in both answers
or in neither) agree or not. Recall = matched / expected, precision = matched / found.

usage: bench/import.py [--porch path/to/git-porch] [--corpus DIR] [--floor F] [--json]
                       [--time-scale K] [--known-bug INPUT]...
--floor F fails (exit 1) when recall or precision is under F, or the 1 MB document takes over
1 s; a hostile input that crashes, fails or takes over 5 s always fails, unless it is named by
--known-bug (then it prints KNOWN BUG, and a note once it passes, like the integration tests'
known_bug). --time-scale multiplies both time limits (for sanitizer builds).
"""
import argparse
import resource
import itertools
import json
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

from common import ROOT, Sandbox, find_binary, table

MB_SECONDS = 1.0      # the ~1 MB document
HOSTILE_SECONDS = 5.0  # each hostile input


# --- running the importer ----------------------------------------------------------------------

class Repos:
    """A template repository with tree.txt's files; each import gets a fresh copy of it."""

    def __init__(self, porch, tree):
        self.porch = porch
        self.box = Sandbox(porch)
        self.template = self.box.dir / "template"
        self.box.run(["git", "init", "-q", str(self.template)])
        for path in tree:
            file = self.template / path
            file.parent.mkdir(parents=True, exist_ok=True)
            file.touch()
        self.box.run(["git", "add", "-A"], cwd=self.template)
        self.box.run(["git", "commit", "-q", "--allow-empty", "-m", "tree"], cwd=self.template)
        self.count = 0

    def fresh(self):
        self.count += 1
        repo = self.box.dir / f"r{self.count}"
        shutil.copytree(self.template, repo, symlinks=True)
        return repo

    def run_import(self, repo, name, timeout):
        """(exit code or None on timeout, stdout bytes, stderr bytes, seconds)."""
        argv = [self.porch, "plan", "import", "--force", "--json", name]
        start = time.perf_counter()
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        try:
            p = subprocess.run(argv, cwd=repo, env=self.box.env, stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, timeout=timeout)
        except subprocess.TimeoutExpired as e:
            return None, e.stdout or b"", e.stderr or b"", time.perf_counter() - start
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        # CPU time, user and system, of the import and the git it runs: what a loaded machine
        # (ctest running other tests beside this one) does not inflate as it does wall time.
        self.last_cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
        return p.returncode, p.stdout, p.stderr, time.perf_counter() - start

    def import_bytes(self, name, data, timeout):
        repo = self.fresh()
        (repo / name).write_bytes(data)
        return self.run_import(repo, name, timeout)

    def close(self):
        self.box.close()


# --- scoring one document ----------------------------------------------------------------------

def source_line(item):
    try:
        return int(str(item.get("source", "")).rsplit(":", 1)[1])
    except (IndexError, ValueError):
        return None


def match_items(expected, found):
    """{found item number: expected index (0-based)} and the number of false found items."""
    by_line = {}
    for index, item in enumerate(expected):
        for line in item["lines"]:
            by_line.setdefault(line, []).append(index)
    taken, matches = set(), {}
    for item in found:
        free = [i for i in by_line.get(source_line(item), []) if i not in taken]
        if free:
            taken.add(free[0])
            matches[str(item.get("number"))] = free[0]
    return matches, len(found) - len(matches)


def norm_paths(paths):
    return sorted({str(p).strip().removeprefix("./").rstrip("/") for p in paths or []})


def closure(graph):
    """{node: every node reachable from it} for a {node: [nodes]} graph."""
    def reach(node, seen):
        for nxt in graph.get(node, []):
            if nxt not in seen:
                seen.add(nxt)
                reach(nxt, seen)
        return seen
    return {node: reach(node, set()) for node in graph}


def needs_agree(expected, found, matches):
    """How many matched items need the same matched items, transitively, in both answers."""
    exp_graph = {i: [n - 1 for n in item.get("needs", [])] for i, item in enumerate(expected)}
    found_graph = {str(f.get("number")): [str(n) for n in f.get("needs", [])] for f in found}
    exp_reach, found_reach = closure(exp_graph), closure(found_graph)
    matched = set(matches.values())
    agree = 0
    for number, index in matches.items():
        want = exp_reach[index] & matched
        got = {matches[n] for n in found_reach.get(number, set()) if n in matches}
        agree += want == got
    return agree


def field_agreement(expected, found_by_number, matches):
    """Counts of agreeing fields over the matched items, as {field: (agree, compared)}."""
    counts = {key: [0, 0] for key in ("ready", "scope", "priority", "size")}
    for number, index in matches.items():
        want, got = expected[index], found_by_number[number]
        pairs = {
            "ready": (bool(want["ready"]), bool(got.get("ready"))),
            "scope": (norm_paths(want["scope"]), norm_paths(got.get("scope"))),
            "priority": (want.get("priority", "").lower(), str(got.get("priority") or "").lower()),
        }
        if "size" in want:
            pairs["size"] = (want["size"].upper(), str(got.get("size") or "").upper())
        for key, (a, b) in pairs.items():
            counts[key][0] += a == b
            counts[key][1] += 1
    return {key: tuple(value) for key, value in counts.items()}


def worker_of(groups):
    return {member: w for w, group in enumerate(groups) for member in group}


def grouping_agreement(answer, output, matches):
    """(agreeing pairs, pairs) over matched items the expected answer places; None without
    workers in the output."""
    if "workers" not in output:
        return None
    exp_worker = worker_of([[i - 1 for i in group] for group in answer["workers"]])
    found_worker = worker_of([[str(n) for n in w.get("items", [])] for w in output["workers"]])
    placed = sorted((index, number) for number, index in matches.items() if index in exp_worker)
    agree = pairs = 0
    for (i, a), (j, b) in itertools.combinations(placed, 2):
        same_found = a in found_worker and found_worker.get(a) == found_worker.get(b)
        agree += (exp_worker[i] == exp_worker[j]) == same_found
        pairs += 1
    return agree, pairs


def describe_grouping(output, matches):
    """The importer's grouping in the expected answer's item numbers (? for a false item)."""
    if "workers" not in output:
        return "no workers in the output"
    mode = output.get("recommendation", {}).get("mode", "?")
    groups = [",".join(str(matches[str(n)] + 1) if str(n) in matches else "?"
                       for n in w.get("items", [])) for w in output["workers"]]
    return f"{mode}: " + " | ".join(groups)


def score_document(repos, doc, answer):
    repo = repos.fresh()
    shutil.copyfile(doc, repo / doc.name)
    code, out, err, seconds = repos.run_import(repo, doc.name, 60)
    result = {"document": doc.name, "expected": len(answer["items"]), "seconds": round(seconds, 3)}
    try:
        output = json.loads(out.decode("utf-8", "replace")) if code == 0 else {}
    except json.JSONDecodeError:
        output = {}
    if code != 0 or not output:
        result["error"] = f"exit {code}: {err.decode('utf-8', 'replace').strip()[:200]}"
    found = output.get("items", [])
    matches, false = match_items(answer["items"], found)
    found_by_number = {str(f.get("number")): f for f in found}
    result.update(found=len(found), matched=len(matches), false=false,
                  fields=field_agreement(answer["items"], found_by_number, matches),
                  needs=(needs_agree(answer["items"], found, matches), len(matches)),
                  grouping=grouping_agreement(answer, output, matches),
                  mode=(answer["mode"], output.get("recommendation", {}).get("mode")),
                  found_grouping=describe_grouping(output, matches),
                  expected_grouping=f"{answer['mode']}: " + " | ".join(
                      ",".join(map(str, g)) for g in answer["workers"]),
                  missed=[i + 1 for i in range(len(answer["items"])) if i not in matches.values()])
    return result


def corpus_documents(corpus):
    for answer in sorted(corpus.glob("*.expected.json")):
        doc = corpus / answer.name.removesuffix(".expected.json")
        yield doc, json.loads(answer.read_text(encoding="utf-8"))


# --- the generated and the hostile documents ---------------------------------------------------

def synthetic_document(target=1_000_000):
    """~1 MB of sections with task lists, heading-style findings with bodies, and tables."""
    parts, n = ["# Generated backlog\n\nMany sections, for timing.\n\n"], 0
    size = len(parts[0])
    while size < target:
        n += 1
        d = f"src/mod{n % 97}"
        section = (
            f"## Area {n} (`{d}/`)\n\n"
            f"- [ ] Fix the null check in `{d}/a{n}.py` (priority: high)\n"
            f"- [ ] Rename `old_{n}` to `new_{n}` in `{d}/b{n}.py`, after the null check\n"
            f"- [x] Document `{d}/c{n}.py`\n"
            f"- [ ] Step {n}: Extract the parser from `{d}/a{n}.py` into `{d}/parse{n}.py`\n"
            f"  - keep the old entry point\n\n"
            f"### {n}.1 Lock scope too wide in `{d}/lock{n}.py`\n\n"
            f"The lock is held while writing to the terminal; copy under the lock instead.\n\n"
            f"```python\nwith lock:\n    - not a list item {n}\n```\n\n"
            f"| ID | Finding | File | Est. time |\n|---|---|---|---|\n"
            f"| T{n} | Slow query in report {n} | `{d}/q{n}.sql` | 2h |\n"
            f"| U{n} | Missing index {n} | `{d}/i{n}.sql` | 30m |\n\n")
        parts.append(section)
        size += len(section)
    return "".join(parts).encode()


def hostile_documents():
    deep = ("> " * 10000 + "- [ ] Fix `a.py`\n" + "- " * 10000 + "[ ] Fix `b.py`\n"
            + "> - " * 5000 + "1. Fix `c.py`\n" + "[" * 10000 + "`" * 10000 + "\n")
    line = ("- [ ] " + "Fix the parser in `src/x.py` and **bold** _it_ " * 50000)[:2_000_000]
    invalid = (b"# Broken \xff\xfe encoding\n\n- [ ] Fix \xc3\x28 in `src/\xff.py`\n"
               b"- [ ] Rename \xed\xa0\x80 to \xf4\x90\x80\x80 in `src/\xc0\xaf.py`\n"
               b"### 1.1 Bad \xe2\x82 bytes in `src/dl.py`\n\nBody \x00 with a NUL.\n"
               b"| a | \xff | `src/x.py` |\n|---|---|---|\n| 1 | \xfe\xfe | 2h |\n" * 200)
    return [("deep-nesting.md", deep.encode()), ("one-2mb-line.md", line.encode()),
            ("invalid-utf8.md", invalid)]


def time_synthetic(repos, limit):
    data = synthetic_document()
    samples, walls = [], []
    for _ in range(3):
        code, _, err, seconds = repos.import_bytes("generated.md", data, max(60, 10 * limit))
        if code != 0:
            return {"bytes": len(data), "error": f"exit {code}: {err.decode('utf-8', 'replace')[:200]}"}
        samples.append(repos.last_cpu)
        walls.append(seconds)
    return {"bytes": len(data), "seconds": round(statistics.median(samples), 3),
            "wall_seconds": round(statistics.median(walls), 3), "limit": limit}


def run_hostile(repos, limit):
    results = []
    for name, data in hostile_documents():
        # A hang is judged on wall time with room for a loaded machine; slowness on CPU time.
        code, _, err, seconds = repos.import_bytes(name, data, 6 * limit)
        problem = None
        if code is None:
            problem = f"still running after {6 * limit:g} s"
        elif repos.last_cpu > limit:
            problem = f"took {repos.last_cpu:.3f} s of CPU (limit {limit:g} s)"
        elif code < 0:
            problem = f"crashed (signal {-code})"
        elif code != 0:
            problem = f"exit {code}: {err.decode('utf-8', 'replace').strip()[:200]}"
        results.append({"input": name, "bytes": len(data), "exit": code,
                        "seconds": round(seconds, 3), "problem": problem})
    return results


# --- reporting ---------------------------------------------------------------------------------

def ratio(pair):
    return "n/a" if pair is None or pair[1] == 0 else f"{pair[0]}/{pair[1]}"


def totals(results):
    expected = sum(r["expected"] for r in results)
    found = sum(r["found"] for r in results)
    matched = sum(r["matched"] for r in results)
    summed = lambda key: tuple(map(sum, zip(*[r["fields"][key] for r in results])))
    groupings = [r["grouping"] for r in results if r["grouping"] is not None]
    return {
        "expected": expected, "found": found, "matched": matched,
        "false": sum(r["false"] for r in results),
        "recall": matched / expected if expected else 1.0,
        "precision": matched / found if found else 0.0,
        "ready": summed("ready"), "scope": summed("scope"), "priority": summed("priority"),
        "size": summed("size"),
        "needs": tuple(map(sum, zip(*[r["needs"] for r in results]))),
        "grouping": tuple(map(sum, zip(*groupings))) if groupings else None,
    }


def print_report(results, total, synthetic, hostile):
    header = ["document", "expected", "found", "matched", "false", "ready", "scope", "priority",
              "size", "needs", "grouping", "mode"]
    rows = []
    for r in results:
        mode = "n/a" if r["mode"][1] is None else ("ok" if r["mode"][0] == r["mode"][1] else r["mode"][1])
        rows.append([r["document"], r["expected"], r["found"], r["matched"], r["false"],
                     ratio(r["fields"]["ready"]), ratio(r["fields"]["scope"]),
                     ratio(r["fields"]["priority"]), ratio(r["fields"]["size"]),
                     ratio(r["needs"]), ratio(r["grouping"]), mode])
    rows.append(["TOTAL", total["expected"], total["found"], total["matched"], total["false"],
                 ratio(total["ready"]), ratio(total["scope"]), ratio(total["priority"]),
                 ratio(total["size"]), ratio(total["needs"]), ratio(total["grouping"]), ""])
    table(rows, header)
    print(f"\nrecall {total['recall']:.3f} ({total['matched']}/{total['expected']}), "
          f"precision {total['precision']:.3f} ({total['matched']}/{total['found']})\n")
    for r in results:
        print(f"{r['document']}: expected {r['expected_grouping']}")
        print(f"{' ' * len(r['document'])}  found    {r['found_grouping']}")
        if r["missed"]:
            print(f"{' ' * len(r['document'])}  missed   items {', '.join(map(str, r['missed']))}")
        if "error" in r:
            print(f"{' ' * len(r['document'])}  ERROR    {r['error']}")
    if "error" in synthetic:
        print(f"\ngenerated {synthetic['bytes']:,} bytes: ERROR {synthetic['error']}")
    else:
        print(f"\ngenerated {synthetic['bytes']:,} bytes: import {synthetic['seconds']:.3f} s CPU, "
              f"{synthetic['wall_seconds']:.3f} s wall (median of 3; limit {synthetic['limit']:g} s "
              f"CPU)")
    for h in hostile:
        verdict = h["problem"] or "ok"
        print(f"hostile {h['input']} ({h['bytes']:,} bytes): exit {h['exit']}, "
              f"{h['seconds']:.3f} s: {verdict}")


def failures(total, synthetic, hostile, floor, known_bugs):
    problems = [f"hostile input {h['input']}: {h['problem']}" for h in hostile
                if h["problem"] and h["input"] not in known_bugs]
    if floor is not None:
        for key in ("recall", "precision"):
            if total[key] < floor:
                problems.append(f"{key} {total[key]:.3f} is under the floor {floor:g}")
        if "error" in synthetic:
            problems.append(f"the generated document failed: {synthetic['error']}")
        elif synthetic["seconds"] > synthetic["limit"]:
            problems.append(f"the generated document took {synthetic['seconds']:.3f} s CPU "
                            f"(limit {synthetic['limit']:g} s)")
    return problems


def print_known_bugs(hostile, known_bugs):
    for h in hostile:
        if h["input"] not in known_bugs:
            continue
        if h["problem"]:
            print(f"KNOWN BUG: hostile input {h['input']}: {h['problem']}", file=sys.stderr)
        else:
            print(f"NOTE: known bug looks FIXED now, drop --known-bug {h['input']}",
                  file=sys.stderr)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--porch", help="the git-porch binary (default: build/'s)")
    parser.add_argument("--corpus", default=str(ROOT / "tests" / "fixtures" / "import"))
    parser.add_argument("--floor", type=float, help="fail under this recall or precision")
    parser.add_argument("--json", action="store_true", help="print the report as JSON")
    parser.add_argument("--time-scale", type=float, default=1.0,
                        help="multiply the time limits (sanitizer builds are slower)")
    parser.add_argument("--known-bug", action="append", default=[], metavar="INPUT",
                        help="a hostile input that may fail for now (reported, not failing)")
    args = parser.parse_args()
    unknown = set(args.known_bug) - {name for name, _ in hostile_documents()}
    if unknown:
        parser.error(f"--known-bug: no hostile input {', '.join(sorted(unknown))}")
    corpus = Path(args.corpus)
    tree = [line.strip() for line in (corpus / "tree.txt").read_text().splitlines() if line.strip()]
    repos = Repos(find_binary(args.porch), tree)
    try:
        results = [score_document(repos, doc, answer) for doc, answer in corpus_documents(corpus)]
        synthetic = time_synthetic(repos, MB_SECONDS * args.time_scale)
        hostile = run_hostile(repos, HOSTILE_SECONDS * args.time_scale)
    finally:
        repos.close()
    total = totals(results)
    problems = failures(total, synthetic, hostile, args.floor, set(args.known_bug))
    if args.json:
        json.dump({"documents": results, "total": total, "generated": synthetic,
                   "hostile": hostile, "failures": problems}, sys.stdout, indent=1)
        print()
    else:
        print_report(results, total, synthetic, hostile)
    print_known_bugs(hostile, set(args.known_bug))
    for problem in problems:
        print(f"FAIL: {problem}", file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
