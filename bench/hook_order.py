#!/usr/bin/env python3
"""Writes cmake/hook-order.ld: the code a commit's hooks run, gathered at the front of the static
git-porch so a hook faults in a few 64 KB windows of it instead of one for each scattered
function (a hook's time is mostly page faults: ~2 million instructions, ~140 faults).

It commits in a worker's worktree (an empty commit and one with a staged file in its scope)
with porch's hooks run under valgrind's callgrind, which names every function they run, and
finds each one's input section in the link map of the same build: a function section
(`.text.<name>`, the build compiles with -ffunction-sections) or, for C archives compiled
without them (libgit2, libc, PCRE2, zlib), the whole `.text` of the archive member.

A list that no longer matches the code costs speed only: a pattern that matches nothing is
ignored by the linker. Rerun after changes to the hook path; needs valgrind and a static build.

usage: bench/hook_order.py [path/to/git-porch] [--map path/to/git-porch.map] [--out FILE]
"""
import argparse
import bisect
import os
import re
import stat
import subprocess
import sys
from pathlib import Path

from common import ROOT, Sandbox, find_binary
from hooks import generate

HOOKS = ["commit-msg", "post-commit"]


def traced_hooks(box, binary):
    """A hooks folder whose hooks run porch's under callgrind, writing to box.dir/cg.<pid>."""
    links, hooks = box.dir / "as-hook", box.dir / "traced-hooks"
    links.mkdir()
    hooks.mkdir()
    for name in HOOKS:
        (links / name).symlink_to(binary)
        script = hooks / name
        script.write_text("#!/bin/sh\nexec valgrind -q --tool=callgrind --demangle=no "
                          f"--callgrind-out-file={box.dir}/cg.%p {links / name} \"$@\"\n")
        script.chmod(script.stat().st_mode | stat.S_IXUSR)
    return hooks


def functions_run(box):
    """The mangled names of the functions callgrind saw, in all its outputs."""
    names = set()
    for out in box.dir.glob("cg.*"):
        for line in out.read_text(errors="replace").splitlines():
            m = re.match(r"c?fn=\(\d+\) (.+)$", line)
            if m:
                names.add(re.sub(r"'\d+$", "", m.group(1)))  # 'N: a recursion level
    return names


# Run natively but not under valgrind, which gives a process no vDSO and a CPU without AVX-512:
# glibc's set-up of the vDSO, and every variant of a string function it picks at start.
NATIVE_ONLY = ["_dl_new_object", "_dl_lookup_symbol_x", "_dl_setup_hash", "_dl_add_to_namespace_list"]
CPU_VARIANT = re.compile(r"^(__\w+?)_(sse2|ssse3|sse4_1|sse4_2|avx2|avx512\w*|avx|evex\w*)(?:_|$)")


def with_natives(names, addresses):
    """`names` and what the hooks run outside valgrind in their place (NATIVE_ONLY, CPU_VARIANT)."""
    families = {m.group(1) for m in map(CPU_VARIANT.match, names) if m}
    variants = {n for n in addresses if (m := CPU_VARIANT.match(n)) and m.group(1) in families}
    return names | variants | set(NATIVE_ONLY)


def symbol_addresses(binary):
    """Each function's addresses: a local one can have a copy in each translation unit."""
    out = subprocess.run(["nm", "--defined-only", binary], check=True, capture_output=True,
                         text=True).stdout
    addresses = {}
    for line in out.splitlines():
        parts = line.split()
        if len(parts) == 3 and parts[1] in "tTwWiI":
            addresses.setdefault(parts[2], []).append(int(parts[0], 16))
    return addresses


def text_inputs(map_file):
    """(start, size, section, file) of each input section of the output's code, from an ld map:
    ` .text.name 0xADDR 0xSIZE file`, or the name alone on a line when it is long."""
    inputs, in_text, pending = [], False, None
    for line in Path(map_file).read_text(errors="replace").splitlines():
        if re.match(r"^\S", line):  # an output section: ours (once linked with it), .text, others
            in_text = re.match(r"^\.text(\.porch_hooks)?(\s|$)", line) is not None
            continue
        if not in_text:
            continue
        m = re.match(r"^ (\.text\S*)\s*$", line)
        if m:
            pending = m.group(1)
            continue
        m = re.match(r"^ (\.text\S*)?\s+0x([0-9a-f]+)\s+0x([0-9a-f]+)\s+(\S.*)$", line)
        if m and (m.group(1) or pending):
            inputs.append((int(m.group(2), 16), int(m.group(3), 16), m.group(1) or pending,
                           m.group(4).strip()))
        pending = None
    return sorted(inputs)


def pattern(section, file, addresses):
    """The linker script's input section description of `section` of `file`: by its name alone
    when it is a function's own section, else by the file (glibc names sections by the CPU a
    variant is for, `.text.evex`, in many files)."""
    m = re.match(r"^\.text\.(?:(?:unlikely|startup|hot|exit)\.)?(.+)$", section)
    if m and m.group(1) in addresses:
        return f"*({section})"
    m = re.match(r"^(.*)\((.+)\)$", file)
    if m:  # archive(member)
        return f"*{os.path.basename(m.group(1))}:{m.group(2)}({section})"
    return f"*{'/'.join(Path(file).parts[-2:])}({section})"


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("binary", nargs="?")
    ap.add_argument("--map", help="the link map (default: <binary>.map)")
    ap.add_argument("--out", default=str(ROOT / "cmake" / "hook-order.ld"))
    args = ap.parse_args()
    binary = find_binary(args.binary)
    map_file = args.map or binary + ".map"
    if not Path(map_file).is_file():
        sys.exit(f"hook_order: no link map at {map_file}; build the static git-porch first")
    box = Sandbox(binary)
    try:
        wt = generate(box, box.dir / "repo", 100)
        hooks = traced_hooks(box, binary)
        traced = ["git", "-c", f"core.hooksPath={hooks}", "commit", "-q"]
        box.run(traced + ["--allow-empty", "-m", "[CHECKPOINT] empty"], cwd=wt)
        (wt / "src").mkdir(exist_ok=True)
        (wt / "src" / "a.txt").write_text("a\n")
        box.run(["git", "add", "src/a.txt"], cwd=wt)
        box.run(traced + ["-m", "[CHECKPOINT] a file"], cwd=wt)
        box.run(["git", "gc", "-q"], cwd=wt)  # and with every object in a pack
        box.run(traced + ["--allow-empty", "-m", "[CHECKPOINT] packed"], cwd=wt)
        names = functions_run(box)
    finally:
        box.close()
    addresses = symbol_addresses(binary)
    inputs = text_inputs(map_file)
    starts = [i[0] for i in inputs]
    patterns = set()
    for name in with_natives(names, addresses):
        for address in addresses.get(name, []):
            i = bisect.bisect_right(starts, address) - 1
            if i >= 0 and address < inputs[i][0] + inputs[i][1]:
                patterns.add(pattern(inputs[i][2], inputs[i][3], addresses))
    if not patterns:
        sys.exit("hook_order: no function of the hooks found in the link map")
    body = "\n".join(f"    {p}" for p in sorted(patterns))
    Path(args.out).write_text(
        "/* Generated by bench/hook_order.py: the code a commit's hooks run, first in the static\n"
        "   git-porch (see that script). Rerun it rather than edit this. */\n"
        f"SECTIONS\n{{\n  .text.porch_hooks :\n  {{\n{body}\n  }}\n}}\nINSERT BEFORE .text;\n")
    print(f"hook_order: {len(patterns)} input sections of {len(names)} functions -> {args.out}")


if __name__ == "__main__":
    main()
