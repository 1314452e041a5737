#!/usr/bin/env bash
# A broken .porch.toml in every way toml++ reports, wrong types for every key, unknown keys and
# tables: status, spawn and the commit-msg hook (a commit in a worker's worktree) each end in one
# "fatal: .porch.toml:<line>:<column>: ..." line (plus hints), exit non-zero, no crash, and leave
# nothing half-written: no ref, note, worktree, file or commit.
#
# Unknown keys: porch refuses them as errors with file, line and column (README, "Configuration";
# lib/config/config.cpp, Reader::unknown), like wrong types. A warning would let a misspelt key
# (`stal_after`) silently keep its default on every teammate's machine; the file is the team's
# shared contract, and git's own ignore-unknown-keys rule is for per-user config. So this script
# checks that an unknown key or table is a fatal error naming the key and its line.
source "$(dirname "$0")/lib.sh"
cd "$T"

porch_repo r
expect_ok porch spawn 1 api
WT=worktrees/task-1-api
commit -C "$WT" "[CHECKPOINT] before the breakage"
cp .porch.toml "$T/good.toml"

# broken <what> <line> [<message substring>]: .porch.toml (already written) makes status, spawn
# and a hooked commit in the worker's worktree fail at that line, changing nothing.
broken() {
    local what=$1 line=$2 want=${3:-}
    snapshot_state b
    expect_fail 128 ".porch.toml:$line:" -- porch status
    [[ -z $want ]] || assert_contains "$ERR" "$want" "$what: status names the problem"
    assert_contains "$ERR" "hint: fix .porch.toml" "$what: status hints at the file"
    expect_fail 128 ".porch.toml:$line:" -- porch spawn 2 web
    assert_state_unchanged b . "$what: spawn created something"
    run porch status --json
    assert_true "$what: status --json fails too (exit $RC)" test "$RC" -eq 128
    assert_eq "" "$OUT" "$what: status --json prints no half a document"
    # The hook refuses the commit: a broken team file must not let a worker's commit through
    # unchecked; git prints the hook's stderr and makes no commit.
    run git -C "$WT" commit -q --allow-empty -m "[CHECKPOINT] during the breakage"
    assert_true "$what: the hooked commit is refused (exit $RC)" test "$RC" -ne 0 -a "$RC" -lt 128
    assert_contains "$ERR" "fatal: .porch.toml:$line:" "$what: the hook names the file and line"
    assert_eq 1 "$(grep -c -E '^(fatal|error):' "$ERR_FILE" || true)" "$what: one error line from the hook"
    assert_no_esc "$ERR" "$what: no raw ESC from the hook"
    assert_state_unchanged b . "$what: the refused commit changed something"
    cp "$T/good.toml" .porch.toml
}

# write_toml <python bytes expression>: the exact bytes of .porch.toml.
write_toml() { python3 -c 'import sys; open(".porch.toml", "wb").write(eval(sys.argv[1]))' "$1"; }

# --- syntax that toml++ refuses -------------------------------------------------------------------
write_toml 'b"# team\nbase_branch = \"main\n"'
broken "unterminated string" 2
write_toml 'b"\n\nbase_branch = \"ma\\qin\"\n"'
broken "bad escape" 3
write_toml 'b"stall_after = \"1h\"\nstall_after = \"2h\"\n"'
broken "duplicate key" 2
write_toml 'b"[qa]\nrequired = true\n[qa]\nrequired = false\n"'
broken "duplicate table" 3
write_toml 'b"stall_after = 2024-13-45\n"'
broken "invalid date" 1
write_toml 'b"[parallelization]\nmax_agents = 1__2\n"'
broken "bad number" 2
write_toml 'b"[parallelization]\nmax_agents = 0x\n"'
broken "bad hex number" 2
write_toml 'b"base_branch \"main\"\n"'
broken "missing =" 1
write_toml 'b"# ok\nbase_branch = \"ma\xff\xfein\"\n"'
broken "invalid UTF-8 in a string" 2
write_toml 'b"# \xc3\x28 bad\n"'
broken "invalid UTF-8 in a comment" 1
write_toml 'b"base_branch = \"ma\x00in\"\n"'
broken "a NUL byte in a string" 1
write_toml 'b"\x00"'
broken "a NUL byte alone" 1
write_toml 'b"\xef\xbb\xbf[qa\n"'
broken "a BOM then an unclosed table" 1
write_toml 'b"[[naming]]\n"'
broken "naming as an array of tables" 1 "'naming' must be a table"
# 10,000 nested arrays: a recursive parser must stop at a depth limit, not overflow the stack.
write_toml 'b"x = " + b"[" * 10000 + b"]" * 10000 + b"\n"'
broken "arrays nested 10,000 deep" 1
write_toml 'b"x = " + b"{a = " * 10000 + b"1" + b"}" * 10000 + b"\n"'
broken "inline tables nested 10,000 deep" 1
# 10 MB: a long comment, then an error on the last line (line 2).
write_toml 'b"# " + b"a" * (10 * 1024 * 1024) + b"\nbase_branch = \n"'
start=$(date +%s)
broken "10 MB with an error at the end" 2
assert_true "a 10 MB file is judged in reasonable time" test $(($(date +%s) - start)) -lt 30
# 10 MB that is valid TOML: it works (a big comment is not an error), just slower.
write_toml 'b"# " + b"a" * (10 * 1024 * 1024) + b"\nbase_branch = \"main\"\n"'
run porch status
assert_eq 0 "$RC" "a valid 10 MB file works ($ERR)"
cp "$T/good.toml" .porch.toml

# --- wrong types and values for every key ---------------------------------------------------------
printf 'base_branch = 1\n' >.porch.toml
broken "base_branch = 1" 1 "'base_branch' must be a string, not an integer"
printf '\nbase_branch = "a..b"\n' >.porch.toml
broken "base_branch not a branch name" 2 "'base_branch' is not a valid branch name"
printf 'base_branch = "\033[31mred"\n' >.porch.toml
broken "base_branch with a raw escape" 1 "unescaped control characters"
printf 'base_branch = "\\u001b[31mred"\n' >.porch.toml
broken "base_branch with an escaped escape" 1 "not a valid branch name"
printf 'stall_after = "x"\n' >.porch.toml
broken "stall_after = x" 1 "'stall_after' must be a positive duration"
printf 'stall_after = -5\n' >.porch.toml
broken "stall_after negative" 1 "positive duration"
printf 'stall_after = true\n' >.porch.toml
broken "stall_after boolean" 1 "'stall_after' must be a duration"
printf 'stall_after = "99999999999999w"\n' >.porch.toml
broken "stall_after overflowing" 1 "stall_after"
for v in -1 0 1000000000000 '"many"' 1.5 true '[]'; do
    printf '[parallelization]\nmax_agents = %s\n' "$v" >.porch.toml
    broken "max_agents = $v" 2 "'parallelization.max_agents' must be"
done
printf '[parallelization]\nmin_tasks = 99999999999999999999\n' >.porch.toml
broken "min_tasks beyond 64 bits" 2
printf '[parallelization]\nretry_on_failure = 101\n' >.porch.toml
broken "retry_on_failure too large" 2 "from 0 to 100"
printf '[parallelization]\nenabled = "yes"\n' >.porch.toml
broken "enabled = yes" 2 "'parallelization.enabled' must be a boolean, not a string"
printf '[parallelization]\nauto_cleanup = 1\n' >.porch.toml
broken "auto_cleanup = 1" 2 "'parallelization.auto_cleanup' must be a boolean"
printf '[qa]\nrequired = "yes"\n' >.porch.toml
broken "qa.required = yes" 2 "'qa.required' must be a boolean, not a string"
printf 'qa = 1\n' >.porch.toml
broken "qa not a table" 1 "'qa' must be a table"
printf '[integrate]\nverify = 3\n' >.porch.toml
broken "integrate.verify = 3" 2 "'integrate.verify' must be a string, not an integer"
printf '[integrate]\nverify = ["make", "test"]\n' >.porch.toml
broken "integrate.verify an array" 2 "must be a string, not an array"
printf 'naming = "x"\n' >.porch.toml
broken "naming not a table" 1 "'naming' must be a table"
printf '[naming]\nworktree = 5\n' >.porch.toml
broken "naming.worktree = 5" 2 "'naming.worktree' must be a string"
printf '[naming]\nworktree = "wt/{desc}"\n' >.porch.toml
broken "naming.worktree without {id}" 2 "must contain {id}"
printf '[naming]\nbranch = "work/{id}/{nope}"\n' >.porch.toml
broken "naming.branch unknown placeholder" 2 "unknown placeholder"
printf '[naming]\nbranch = "work..{id}"\n' >.porch.toml
broken "naming.branch not a branch name" 2 "does not make a valid branch name"
printf '[naming]\nbranch = "{id}{desc}"\n' >.porch.toml
broken "naming.branch ambiguous" 2 "must separate {id} from {desc}"
printf '[naming]\nintegration = "int/{id}"\n' >.porch.toml
broken "naming.integration without {feature}" 2 "must contain {feature}"
printf '[naming]\nintegration = "int/{feature}.lock"\n' >.porch.toml
broken "naming.integration ending in .lock" 2 "does not make a valid branch name"

# --- unknown keys and tables: an error naming the key, where it is written ------------------------
printf 'base_branch = "main"\nstal_after = "2h"\n' >.porch.toml
broken "a misspelt top-level key" 2 "unknown key 'stal_after'"
printf '[parallelization]\nmax_agent = 3\n' >.porch.toml
broken "a misspelt key in a table" 2 "unknown key 'parallelization.max_agent'"
printf '# c\n[colours]\nui = "auto"\n' >.porch.toml
broken "an unknown table" 2 "unknown key 'colours'"
printf '[qa]\nrequired = true\nreviewers = ["ann"]\n' >.porch.toml
broken "an unknown key in [qa]" 3 "unknown key 'qa.reviewers'"
printf '[integrate]\n"\\u001b[31mverify" = "x"\n' >.porch.toml
broken "an unknown key holding an escape" 2 "unknown key 'integrate.?[31mverify'"

# After all of that the repository works as before: nothing was left behind.
expect_ok porch status
expect_ok git -C "$WT" commit -q --allow-empty -m "[CHECKPOINT] after the breakage"
run porch doctor
assert_eq 0 "$RC" "doctor finds nothing wrong afterwards ($OUT $ERR)"

finish
