#!/usr/bin/env python3
"""Writes cmake/hook-order.ld: the code and data a commit's hooks use, gathered at the front of
their sections of the static git-porch, so a hook faults in a few 64 KB windows of each instead
of one per scattered function or variable (a hook's time is mostly page faults: commit-msg runs
~2 million instructions and took ~140 faults, half of them in code).

It commits in a worker's worktree (an empty commit, one with a staged file in its scope, one
after gc) twice, with porch's hooks run under valgrind: callgrind names every function they run,
lackey every address they read or write. The link map of the same build gives the input section
of each: a function's or variable's own (the build compiles with -ffunction-sections and
-fdata-sections) or, for C archives compiled without them (libgit2, libc, PCRE2, zlib), the
archive member's whole `.text`, `.rodata`, `.data` or `.bss`.

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
# The output sections reordered, each with what the hooks use in a section of its own before it.
OUTPUTS = [".text", ".rodata", ".data.rel.ro", ".data", ".bss"]
SUFFIX = ".porch_hooks"

# Run natively but not under valgrind, which gives a process no vDSO and a CPU without AVX-512:
# glibc's set-up of the vDSO, and every variant of a string function it picks at start.
NATIVE_ONLY = ["_dl_new_object", "_dl_lookup_symbol_x", "_dl_setup_hash", "_dl_add_to_namespace_list"]
CPU_VARIANT = re.compile(r"^(__\w+?)_(sse2|ssse3|sse4_1|sse4_2|avx2|avx512\w*|avx|evex\w*)(?:_|$)")


def traced_commits(binary, tool, each):
    """Runs the commits with porch's hooks under valgrind `tool` (its options; `{out}` is where
    a run writes), then calls `each` with the contents of each file they wrote."""
    box = Sandbox(binary)
    try:
        wt = generate(box, box.dir / "repo", 100)
        links, hooks = box.dir / "as-hook", box.dir / "traced-hooks"
        links.mkdir()
        hooks.mkdir()
        for name in HOOKS:
            (links / name).symlink_to(binary)
            script = hooks / name
            options = tool.format(out=f"{box.dir}/trace.%p")
            script.write_text(f"#!/bin/sh\nexec valgrind -q {options} {links / name} \"$@\"\n")
            script.chmod(script.stat().st_mode | stat.S_IXUSR)
        traced = ["git", "-c", f"core.hooksPath={hooks}", "commit", "-q"]
        box.run(traced + ["--allow-empty", "-m", "[CHECKPOINT] empty"], cwd=wt)
        (wt / "src").mkdir(exist_ok=True)
        (wt / "src" / "a.txt").write_text("a\n")
        box.run(["git", "add", "src/a.txt"], cwd=wt)
        box.run(traced + ["-m", "[CHECKPOINT] a file"], cwd=wt)
        box.run(["git", "gc", "-q"], cwd=wt)  # and with every object in a pack
        box.run(traced + ["--allow-empty", "-m", "[CHECKPOINT] packed"], cwd=wt)
        for out in sorted(box.dir.glob("trace.*")):
            each(out.read_bytes())
    finally:
        box.close()


def functions_run(binary):
    """The mangled names of the functions the hooks run (callgrind's `fn=(id) name` lines)."""
    names = set()

    def each(text):
        for m in re.finditer(rb"^c?fn=\(\d+\) (.+)$", text, re.M):
            names.add(re.sub(r"'\d+$", "", m.group(1).decode()))  # 'N: a recursion level

    traced_commits(binary, "--tool=callgrind --demangle=no --callgrind-out-file={out}", each)
    return names


def data_used(binary, low, high):
    """The addresses in [low, high) the hooks load or store (lackey's ` L addr,size` lines)."""
    used = set()

    def each(text):
        for m in re.finditer(rb"^ [LSM] ([0-9a-f]+),", text, re.M):
            address = int(m.group(1), 16)
            if low <= address < high:
                used.add(address)

    traced_commits(binary, "--tool=lackey --trace-mem=yes --log-file={out}", each)
    return used


def symbols(binary):
    """Each defined symbol's addresses: a local one can have a copy in each translation unit."""
    out = subprocess.run(["nm", "--defined-only", binary], check=True, capture_output=True,
                         text=True).stdout
    found = {}
    for line in out.splitlines():
        parts = line.split()
        if len(parts) == 3:
            found.setdefault(parts[2], []).append((parts[1], int(parts[0], 16)))
    return found


def with_natives(names, found):
    """`names` and what the hooks run outside valgrind in their place (NATIVE_ONLY, CPU_VARIANT)."""
    families = {m.group(1) for m in map(CPU_VARIANT.match, names) if m}
    variants = {n for n in found if (m := CPU_VARIANT.match(n)) and m.group(1) in families}
    return names | variants | set(NATIVE_ONLY)


def map_inputs(map_file):
    """{output: sorted (start, size, section, file)} of OUTPUTS' input sections, from an ld map:
    ` .text.name 0xADDR 0xSIZE file`, or the name alone on a line when it is long. An output's
    SUFFIX section (once linked with this script) counts as the output."""
    inputs, current, pending = {o: [] for o in OUTPUTS}, None, None
    for line in Path(map_file).read_text(errors="replace").splitlines():
        if re.match(r"^\S", line):  # an output section
            name = line.split()[0].removesuffix(SUFFIX)
            current = name if name in OUTPUTS else None
            continue
        if current is None:
            continue
        m = re.match(r"^ (\.\S+|COMMON)\s*$", line)
        if m:
            pending = m.group(1)
            continue
        m = re.match(r"^ (\.\S+|COMMON)?\s+0x([0-9a-f]+)\s+0x([0-9a-f]+)\s+(\S.*)$", line)
        if m and (m.group(1) or pending) and int(m.group(3), 16) > 0:
            inputs[current].append((int(m.group(2), 16), int(m.group(3), 16),
                                    m.group(1) or pending, m.group(4).strip()))
        pending = None
    return {o: sorted(v) for o, v in inputs.items()}


def pattern(section, file, found):
    """The linker script's input section description of `section` of `file`: by its name alone
    when it is one function's or variable's own section, else by the file (glibc names sections
    by the CPU a variant is for, `.text.evex`, in many files; strings share `.rodata.str1.1`)."""
    m = re.match(r"^\.(?:text|rodata|data\.rel\.ro|data|bss)\."
                 r"(?:(?:unlikely|startup|hot|exit|local)\.)?(.+)$", section)
    if m and m.group(1) in found:
        return f"*({section})"
    m = re.match(r"^(.*)\((.+)\)$", file)
    if m:  # archive(member)
        return f"*{os.path.basename(m.group(1))}:{m.group(2)}({section})"
    return f"*{'/'.join(Path(file).parts[-2:])}({section})"


def containing(inputs, addresses):
    """The input sections that hold any of `addresses`."""
    starts = [i[0] for i in inputs]
    held = set()
    for address in addresses:
        i = bisect.bisect_right(starts, address) - 1
        if i >= 0 and address < inputs[i][0] + inputs[i][1]:
            held.add(inputs[i])
    return held


# Strings and constants, which the link merges across files: the map gives their sizes before
# merging, so an address says nothing about which file's they were. They are small (~55 KB for
# all the files the hooks run code of), and taken whole for those files.
MERGED = re.compile(r"^\.rodata\.(?:.+\.)?(?:str|cst)\d")  # .rodata.<comdat>.str1.1 too


def hot_inputs(inputs, code, used):
    """{output: the input sections the hooks use}."""
    hot = {".text": containing(inputs[".text"], code)}
    files = {i[3] for i in hot[".text"]}
    for output in OUTPUTS[1:]:
        plain = [i for i in inputs[output] if not MERGED.match(i[2])]
        hot[output] = containing(plain, used) | {
            i for i in inputs[output] if MERGED.match(i[2]) and i[3] in files}
    return hot


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
    inputs, found = map_inputs(map_file), symbols(binary)
    code = [a for n in with_natives(functions_run(binary), found)
            for kind, a in found.get(n, []) if kind in "tTwWiI"]
    data = [i for o in OUTPUTS[1:] for i in inputs[o]]
    used = data_used(binary, min(i[0] for i in data), max(i[0] + i[1] for i in data))
    blocks, counts = [], []
    for output, held in hot_inputs(inputs, code, used).items():
        patterns = {pattern(section, file, found) for _, _, section, file in held}
        if not patterns:
            sys.exit(f"hook_order: nothing the hooks use found in {output} of the link map")
        body = "\n".join(f"    {p}" for p in sorted(patterns))
        blocks.append(f"SECTIONS\n{{\n  {output}{SUFFIX} :\n  {{\n{body}\n  }}\n}}\n"
                      f"INSERT BEFORE {output};\n")
        counts.append(f"{len(patterns)} {output}")
    Path(args.out).write_text(
        "/* Generated by bench/hook_order.py: the code and data a commit's hooks use, first in\n"
        "   their sections of the static git-porch (see that script). Rerun it, do not edit. */\n"
        + "\n".join(blocks))
    print(f"hook_order: input sections {', '.join(counts)} -> {args.out}")


if __name__ == "__main__":
    main()
