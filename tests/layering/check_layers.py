#!/usr/bin/env python3
"""The direction of lib/'s layers (ARCHITECTURE.md), checked from the sources' #include lines.

  util <- git <- model <- ops/<family>      git-porch/ (the CLI) may include any of them.

Fails on an include that goes up a layer, or sideways from one command family (lib/ops/<family>)
into another; on <git2.h> anywhere but lib/git; and on a git program started anywhere but
lib/git (a "git" first argument). `--self-test` checks that each rule really fails.

usage: check_layers.py [SOURCE_DIR] | --self-test
"""
import pathlib
import re
import sys
import tempfile

RANK = {"util": 0, "git": 1, "model": 2, "ops": 3}
INCLUDE = re.compile(r'^\s*#\s*include\s*([<"])([^>"]+)[>"]', re.M)
# argv vectors and calls whose first argument is the git program.
GIT_ARGV = re.compile(r'(\{\s*"git"\s*[,}]|run\(\s*"git"|exec\w*\(\s*"git")')
SOURCES = (".cpp", ".hpp", ".h", ".cc", ".in")


def where(path: pathlib.Path, root: pathlib.Path):
    """(layer, family) of a file under lib/, or (None, None) outside lib/."""
    parts = path.relative_to(root).parts
    if parts[0] != "lib" or len(parts) < 3 or parts[1] not in RANK:
        return None, None
    family = parts[2] if parts[1] == "ops" and len(parts) > 3 else None
    return parts[1], family


def problems(root: pathlib.Path):
    out = []
    for path in sorted(p for d in ("lib", "git-porch") for p in (root / d).rglob("*")
                       if p.suffix in SOURCES and p.is_file()):
        rel = path.relative_to(root)
        layer, family = where(path, root)
        text = path.read_text(errors="replace")
        for kind, target in INCLUDE.findall(text):
            if kind == "<" and (target == "git2.h" or target.startswith("git2/")):
                if layer != "git":
                    out.append(f"{rel}: includes <{target}>; only lib/git may use libgit2")
                continue
            if kind != '"' or layer is None:
                continue
            tparts = target.split("/")
            tlayer = tparts[0] if tparts[0] in RANK else None
            if tlayer is None:
                continue  # generated or local headers
            if RANK[tlayer] > RANK[layer]:
                out.append(f"{rel}: includes {target}: {layer} may not include {tlayer} (a layer above)")
            elif tlayer == "ops" and layer == "ops":
                tfamily = tparts[1] if len(tparts) > 2 else None
                if tfamily != family:
                    out.append(f"{rel}: includes {target}: command family '{family}' may not "
                               f"include family '{tfamily}'; move what both need to lib/model")
        if layer != "git":
            for line_no, line in enumerate(text.splitlines(), 1):
                if GIT_ARGV.search(line) and not line.lstrip().startswith("//"):
                    out.append(f"{rel}:{line_no}: runs the git program; use lib/git/cli.hpp")
    return out


def self_test():
    cases = {
        "lib/util/a.cpp": ('#include "git/repo.hpp"\n', "a layer above"),
        "lib/git/b.cpp": ('#include "model/worker.hpp"\n', "a layer above"),
        "lib/model/c.cpp": ('#include "ops/spawn/spawn.hpp"\n', "a layer above"),
        "lib/ops/pool/d.cpp": ('#include "ops/spawn/spawn.hpp"\n', "may not include family"),
        "lib/model/e.cpp": ("#include <git2.h>\n", "only lib/git"),
        "git-porch/f.cpp": ("#include <git2/refs.h>\n", "only lib/git"),
        "lib/ops/sync/g.cpp": ('auto r = process::run({"git", "fetch"});\n', "runs the git program"),
    }
    fine = {
        "lib/ops/pool/ok.cpp": '#include "ops/pool/pool.hpp"\n#include "model/worker.hpp"\n',
        "lib/git/ok.cpp": '#include <git2.h>\n#include "util/text.hpp"\nrun({"git", "x"});\n',
        "git-porch/ok.cpp": '#include "ops/pool/pool.hpp"\n#include "util/text.hpp"\n',
    }
    failed = 0
    for name, (text, expect) in cases.items():
        with tempfile.TemporaryDirectory() as d:
            root = pathlib.Path(d)
            (root / name).parent.mkdir(parents=True)
            (root / name).write_text(text)
            (root / "git-porch").mkdir(exist_ok=True)
            found = problems(root)
            if not any(expect in p for p in found):
                print(f"self-test: {name} was not refused ({expect!r}); got {found}")
                failed += 1
    with tempfile.TemporaryDirectory() as d:
        root = pathlib.Path(d)
        for name, text in fine.items():
            (root / name).parent.mkdir(parents=True, exist_ok=True)
            (root / name).write_text(text)
        if problems(root):
            print(f"self-test: allowed includes were refused: {problems(root)}")
            failed += 1
    print(f"{len(cases) + 1 - failed} passed, {failed} failed")
    return 1 if failed else 0


def main():
    if sys.argv[1:] == ["--self-test"]:
        return self_test()
    root = pathlib.Path(sys.argv[1] if len(sys.argv) > 1 else ".").resolve()
    found = problems(root)
    for p in found:
        print(p)
    checked = sum(1 for d in ("lib", "git-porch") for p in (root / d).rglob("*")
                  if p.suffix in SOURCES)
    print(f"layering: {checked} files, {len(found)} problems")
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
