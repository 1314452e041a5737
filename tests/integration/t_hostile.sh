#!/usr/bin/env bash
# Broken places and hostile data: every command ends in a clear one-line error or a warning,
# never a crash: outside a repository, a bare repository, no commits, a detached HEAD, a shallow
# clone, a worktree folder deleted by hand, a read-only .git, and notes that are huge, binary,
# CRLF or invalid UTF-8.
source "$(dirname "$0")/lib.sh"
cd "$T"

# No crash: an exit status below 128 + signal numbers, and one line on stderr for an error.
no_crash() { # <what> <cmd...>
    local what=$1
    shift
    run "$@"
    assert_true "$what: exit $RC is not a crash" test "$RC" -lt 129 -o "$RC" -eq 129
    if ((RC != 0)); then
        assert_eq 1 "$(printf '%s\n' "$ERR" | grep -c -E '^(fatal|error):' || true)" \
            "$what: one error line ($ERR)"
    fi
}

# --- places ------------------------------------------------------------------------------------
mkdir nowhere
in_dir nowhere expect_fail 128 "not a git repository" -- porch status
git init -q --bare bare.git
in_dir bare.git no_crash "status in a bare repository" porch status
in_dir bare.git expect_fail 128 "bare repository" -- porch init
git init -q empty
in_dir empty no_crash "status without commits" porch status
in_dir empty no_crash "init without commits" porch init -q

porch_repo r
expect_ok porch spawn 1 api
commit -C worktrees/task-1-api "[CHECKPOINT] one"
git -C worktrees/task-1-api checkout -q --detach
no_crash "status with a worker's worktree detached" porch status
assert_contains "$OUT" "task-1" "the worker is still listed"
git -C worktrees/task-1-api checkout -q work/task-1-api
rm -rf worktrees/task-1-api
no_crash "status after a worktree folder was deleted by hand" porch status --json
assert_json "$OUT" '[w["worktree_missing"] for w in d["workers"]]' '[true]' "the folder is reported missing"
run porch doctor
assert_true "doctor reports it (exit $RC: 1 means problems found)" test "$RC" -le 1
git worktree prune
cd "$T"

git clone -q --depth 1 "file://$T/r" shallow
in_dir shallow no_crash "status in a shallow clone" porch status
in_dir shallow no_crash "init in a shallow clone" porch init -q

# A read-only .git: reads work, writes fail cleanly.
porch_repo ro
expect_ok porch spawn 2 web
if [[ $(id -u) -ne 0 ]]; then
    chmod -R a-w .git
    no_crash "status with a read-only .git" porch status
    no_crash "spawn with a read-only .git" porch spawn 3 more
    chmod -R u+w .git
elif command -v setpriv >/dev/null; then
    # Root can write anywhere: the repository is read-only to another user (nobody), who also
    # sees it as owned by someone else, as git's safe.directory rule has it.
    chmod 755 "$T" # mktemp made it private
    mkdir "$T/nobody"
    chown 65534:65534 "$T/nobody"
    as_nobody() { setpriv --reuid=65534 --regid=65534 --clear-groups env HOME="$T/nobody" GIT_CONFIG_GLOBAL="$T/nobody/.gitconfig" "$@"; }
    if as_nobody test -x "$PORCH_BIN"; then
        snapshot_state ro_before
        no_crash "status in another user's repository" as_nobody git porch status
        assert_eq 128 "$RC" "another user's repository is refused"
        assert_contains "$ERR" "detected dubious ownership in repository at '$T/ro'" "says why, as git does"
        assert_contains "$ERR" "git config --global --add safe.directory $T/ro" "and what to type"
        as_nobody git config --global safe.directory '*' # git's wildcard, which libgit2 1.5 ignores
        no_crash "status with a read-only .git" as_nobody git porch status
        assert_eq 0 "$RC" "reads work where safe.directory allows them"
        assert_contains "$OUT" "task-2" "the worker is listed"
        no_crash "spawn with a read-only .git" as_nobody git porch spawn 3 more
        assert_eq 128 "$RC" "a write fails"
        assert_contains "$ERR" "Permission denied" "saying why"
        no_crash "a hooked commit with a read-only .git" as_nobody git -C worktrees/task-2-web commit -q --allow-empty -m "[CHECKPOINT] x"
        no_crash "doctor with a read-only .git" as_nobody git porch doctor
        assert_state_unchanged ro_before . "nothing changed"
    else
        printf 'SKIP read-only .git: user nobody cannot run %s\n' "$PORCH_BIN"
    fi
fi
cd "$T"

# --- hostile notes in the local store -----------------------------------------------------------
porch_repo n
expect_ok porch spawn 4 data
live=$(printf 'porch worker task-4\n' | git hash-object -w --stdin)
good=$(git notes --ref porch show "$live")
{
    printf '%s\r\n' "$good"
    printf 'not json\r\n\xff\xfe\x00binary\n{"v":1,"lc":1,"t":1,"clone":"x","id":"y","type":"commit","worker":"task-4","subject":"\xc3\x28"}\n'
} >"$T/hostile.txt"
git notes --ref porch add -f -F "$T/hostile.txt" "$live" 2>/dev/null
no_crash "status with a CRLF, binary, invalid UTF-8 note" porch status
assert_contains "$OUT" "task-4" "the worker is still listed"
no_crash "log with it" porch log task-4 --json
no_crash "a commit with it" git -C worktrees/task-4-data commit -q --allow-empty -m "[CHECKPOINT] after"
python3 -c 'import sys; sys.stdout.write(("{\"x\":\"" + "a" * 100 + "\"}\n") * 100000)' >"$T/huge.txt"
git notes --ref porch add -f -F "$T/huge.txt" "$live" 2>/dev/null
no_crash "status with a 10 MB note" porch status
no_crash "log with it" porch log
no_crash "a hooked commit with it" git -C worktrees/task-4-data commit -q --allow-empty -m "[CHECKPOINT] huge"
cd "$T"

finish
