# Integration test harness for git porch. Sourced by every tests/integration/t_*.sh script:
#
#   source "$(dirname "$0")/lib.sh"
#   new_repo r && cd r
#   expect_ok porch spawn 1 api
#   assert_contains "$OUT" "spawned task-1"
#   finish
#
# Real processes, real git: each script gets a fresh temporary folder ($T) and a deterministic
# environment (HOME, git config, time zone, locale, commit dates). PORCH_BIN (set by CTest) is the
# git-porch binary under test; its folder goes first on PATH so `git porch` runs it.
#
# Checks never stop the script: each failing check prints "<file>:<line>: <what differed>" and
# the script exits non-zero at the end (finish, or the EXIT trap). An unexpected failing command
# (set -e) aborts the script with its location. PORCH_KEEP_TMP=1 keeps the temporary folder.

set -euo pipefail
set -E # the ERR trap also fires inside functions

_LIB_FILE=${BASH_SOURCE[0]}
_TEST_FILE=$(basename "$0")
TESTS_DIR=$(cd "$(dirname "$0")" && pwd)   # tests/integration in the source tree
SOURCE_DIR=$(cd "$TESTS_DIR/../.." && pwd) # the project's source tree

# --- results ---------------------------------------------------------------------------------

CHECKS=0       # checks run
FAILS=0        # checks failed
KNOWN_BUGS=0   # known_bug checks that still show the bug
_FINISHED=0

# The "<file>:<line>" of the first caller outside this file.
_where() {
    local i
    for ((i = 1; i < ${#BASH_SOURCE[@]}; i++)); do
        if [[ ${BASH_SOURCE[i]} != "$_LIB_FILE" ]]; then
            printf '%s:%s' "$(basename "${BASH_SOURCE[i]}")" "${BASH_LINENO[i - 1]}"
            return
        fi
    done
    printf '%s:?' "$_TEST_FILE"
}

# Shows text with control characters made visible and long text cut, indented under a message.
_show() {
    local text=$1 limit=${2:-4000}
    if ((${#text} > limit)); then
        text="${text:0:limit}... [${#text} chars]"
    fi
    printf '%s' "$text" | cat -v | sed 's/^/      | /'
    printf '\n'
}

# fail <message> [detail...]: records one failed check.
fail() {
    FAILS=$((FAILS + 1))
    {
        printf 'FAIL %s: %s\n' "$(_where)" "$1"
        shift
        local d
        for d in "$@"; do
            printf '%s\n' "$d"
        done
    } >&2
}

# Counts one check; every assertion calls it once.
_check() { CHECKS=$((CHECKS + 1)); }

# known_bug <description> <condition-command...>: a check for a bug that is reported but not
# fixed yet. When the command fails (the bug is still there) it prints a loud message and does
# NOT fail the script; when the command succeeds it says the bug looks fixed, so the check can
# become a plain assertion.
known_bug() {
    local what=$1
    shift
    _check
    if "$@"; then
        printf 'NOTE %s: known bug looks FIXED now, turn this into a plain check: %s\n' \
            "$(_where)" "$what" >&2
    else
        KNOWN_BUGS=$((KNOWN_BUGS + 1))
        printf '\n!!!!!!!! KNOWN BUG %s: %s\n\n' "$(_where)" "$what" >&2
    fi
}

finish() {
    _FINISHED=1
    local status=0
    ((FAILS == 0)) || status=1
    printf '%s: %d checks, %d failed, %d known bugs\n' "$_TEST_FILE" "$CHECKS" "$FAILS" \
        "$KNOWN_BUGS"
    exit "$status"
}

_on_exit() {
    local rc=$?
    if ((_FINISHED == 0)); then
        printf 'ABORTED %s after %d checks (%d failed), exit %d\n' "$_TEST_FILE" "$CHECKS" \
            "$FAILS" "$rc" >&2
        ((rc != 0)) || rc=1
    fi
    if [[ ${PORCH_KEEP_TMP:-0} == 1 ]]; then
        printf 'kept temporary folder %s\n' "${T:-}" >&2
    elif [[ -n ${T:-} && -d $T ]]; then
        chmod -R u+rwx "$T" 2>/dev/null || true
        rm -rf "$T"
    fi
    exit "$rc"
}

_on_err() {
    printf 'ERROR %s: command failed (exit %s): %s\n' "$(_where)" "$1" "$BASH_COMMAND" >&2
}
trap '_on_err $?' ERR

# --- environment -----------------------------------------------------------------------------

: "${PORCH_BIN:?PORCH_BIN must be the path of the git-porch binary under test}"
if [[ ! -x $PORCH_BIN ]]; then
    printf 'PORCH_BIN=%s is not an executable file\n' "$PORCH_BIN" >&2
    exit 1
fi
PORCH_BIN=$(cd "$(dirname "$PORCH_BIN")" && pwd)/$(basename "$PORCH_BIN")
command -v python3 >/dev/null || {
    echo "python3 is required by the integration tests" >&2
    exit 1
}
# The interpreter itself, not a version manager's shim: tests start it often.
PYTHON=$(python3 -c 'import sys; print(sys.executable)')
python3() { "$PYTHON" "$@"; }

T=$(mktemp -d "${TMPDIR:-/tmp}/porch-it.XXXXXX")
T=$(cd "$T" && pwd -P) # physical path: git and porch print resolved paths
trap _on_exit EXIT

# Nothing from the caller's git environment leaks in (tests may run from a git hook).
while IFS= read -r _var; do
    unset "$_var"
done < <(compgen -e | grep -E '^(GIT_|EMAIL$|XDG_)' || true)
unset NO_COLOR CLICOLOR CLICOLOR_FORCE PAGER LESS _var
export HOME=$T/home
mkdir -p "$HOME"
export GIT_CONFIG_NOSYSTEM=1
export GIT_CONFIG_GLOBAL=$HOME/.gitconfig # also where libgit2 looks: $HOME/.gitconfig
export TZ=UTC LC_ALL=C LANG=C
export TERM=xterm # colour is decided by isatty and NO_COLOR, not by a dumb terminal
export PATH="$(dirname "$PORCH_BIN"):$PATH"
export GIT_EDITOR=false # nothing may wait for an editor

git config --global user.name "Porch Tester"
git config --global user.email "tester@example.com"
git config --global init.defaultBranch main
git config --global advice.detachedHead false
git config --global advice.defaultBranchName false
git config --global core.autocrlf false
git config --global commit.gpgSign false
git config --global protocol.file.allow always
# git looks for git-porch in its exec path before PATH: an installed one would be tested instead.
if [[ -e "$(git --exec-path)/git-porch" ]]; then
    echo "$(git --exec-path)/git-porch would shadow PORCH_BIN=$PORCH_BIN" >&2
    exit 1
fi
if [[ $(command -v git-porch) != "$PORCH_BIN" ]]; then
    echo "git-porch on PATH is $(command -v git-porch), not PORCH_BIN=$PORCH_BIN" >&2
    exit 1
fi
# Tests of "outside a repository" need a temporary folder that no repository contains.
if git -C "$T" rev-parse --git-dir >/dev/null 2>&1; then
    echo "the temporary folder $T is inside a git repository: set TMPDIR elsewhere" >&2
    exit 1
fi

# Commit dates: fixed, and one minute later for every commit made through tick/commit, so
# history order and every printed date are deterministic.
BASE_EPOCH=1735689600 # 2025-01-01T00:00:00Z
NOW_EPOCH=$BASE_EPOCH
_set_dates() {
    export GIT_AUTHOR_DATE="@$NOW_EPOCH +0000" GIT_COMMITTER_DATE="@$NOW_EPOCH +0000"
}
_set_dates

# tick [seconds]: moves the commit clock forward (default 60 s).
tick() {
    NOW_EPOCH=$((NOW_EPOCH + ${1:-60}))
    _set_dates
}

# set_clock <epoch>: sets the commit clock (e.g. ahead of the real clock, where every age is 0).
set_clock() {
    NOW_EPOCH=$1
    _set_dates
}

# iso <epoch>: 2025-01-01T00:00:00Z
iso() { date -u -d "@$1" +%Y-%m-%dT%H:%M:%SZ; }

# --- repositories ----------------------------------------------------------------------------

# porch_repo <dir>: new_repo, then cd into it, git porch init and commit .porch.toml.
porch_repo() {
    new_repo "$1"
    cd "$1"
    expect_ok porch init -q
    git add .porch.toml && commit "Add porch settings"
}

# new_repo <dir>: git init + a first commit of README (at the current commit clock).
new_repo() {
    git init -q "$1"
    printf '# %s\n' "$(basename "$1")" >"$1/README"
    git -C "$1" add README
    git -C "$1" commit -q -m "Initial commit"
}

# commit [-C dir] <subject> [body]: an empty commit one tick later; prints nothing.
commit() {
    local dir=.
    if [[ $1 == -C ]]; then
        dir=$2
        shift 2
    fi
    tick
    if [[ $# -ge 2 ]]; then
        git -C "$dir" commit -q --allow-empty -m "$1" -m "$2"
    else
        git -C "$dir" commit -q --allow-empty -m "$1"
    fi
}

porch() { git porch "$@"; }

# recorded <worker>: the subjects of the worker's recorded commit events, one a line, log order.
recorded() { git porch log --json "$1" | python3 -c '
import json, sys
for e in json.load(sys.stdin):
    if e["type"] == "commit":
        print(e["subject"])'; }

# try_commit <subject>: a real commit of a new file (so it has content); result in RC/OUT/ERR.
# A refused commit leaves the file unstaged.
N=0
try_commit() {
    N=$((N + 1))
    printf '%s\n' "$N" >"file-$N.txt"
    git add "file-$N.txt"
    tick
    run git commit -q -m "$1"
    [[ $RC -eq 0 ]] || git rm -q --cached "file-$N.txt"
}

# in_dir <dir> <cmd...>: runs a command (an assertion, typically) in another folder, in this
# shell: a subshell would lose OUT/ERR/RC and the check counts.
in_dir() {
    local dir=$1 rc
    shift
    pushd "$dir" >/dev/null
    "$@" && rc=0 || rc=$?
    popd >/dev/null
    return "$rc"
}

# --- a real server --------------------------------------------------------------------------

# start_daemon <base-path>: a git daemon on 127.0.0.1 (a free port) serving the bare repositories
# under <base-path>, push allowed; sets PORT, stops it when the script exits, waits until it
# answers. git://127.0.0.1:$PORT/<name>.git is then a real network remote.
# serve_team: a bare repository $T/srv/team.git (branch main) served by a git daemon at $URL.
serve_team() {
    mkdir -p "$T/srv"
    git init -q --bare -b main "$T/srv/team.git"
    start_daemon "$T/srv"
    URL=git://127.0.0.1:$PORT/team.git
    assert_true "test setup: the daemon answers" git ls-remote "$URL"
}

start_daemon() {
    PORT=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
    git daemon --reuseaddr --listen=127.0.0.1 --port="$PORT" --base-path="$1" --export-all \
        --enable=receive-pack --pid-file="$T/daemon.pid" --detach "$1"
    trap 'rc=$?; kill "$(cat "$T/daemon.pid" 2>/dev/null)" 2>/dev/null || true; (exit $rc); _on_exit' EXIT
    for _ in $(seq 50); do
        python3 -c 'import socket, sys; socket.create_connection(("127.0.0.1", int(sys.argv[1])), 0.2)' \
            "$PORT" 2>/dev/null && break
        sleep 0.1
    done
}

# --- running commands ------------------------------------------------------------------------

OUT= ERR= RC=0
OUT_FILE=$T/.out
ERR_FILE=$T/.err

# run <cmd...>: runs a command, keeping stdout in OUT (and OUT_FILE, byte-exact), stderr in ERR
# (and ERR_FILE) and the exit code in RC. Never fails. Stdin is the caller's.
run() {
    "$@" >"$OUT_FILE" 2>"$ERR_FILE" && RC=0 || RC=$?
    OUT=$(cat "$OUT_FILE")
    ERR=$(cat "$ERR_FILE")
}

# run_tty <cmd...>: like run, but stdout and stderr are a pseudo-terminal (both land in OUT;
# lines end in \r\n there). `porch` may be the command, as with run.
run_tty() {
    [[ $1 != porch ]] || set -- git porch "${@:2}"
    python3 - "$@" >"$OUT_FILE" 2>"$ERR_FILE" <<'EOF' && RC=0 || RC=$?
import os, pty, sys
pid, fd = pty.fork()
if pid == 0:
    os.execvp(sys.argv[1], sys.argv[1:])
chunks = []
while True:
    try:
        data = os.read(fd, 65536)
    except OSError:
        break
    if not data:
        break
    chunks.append(data)
_, status = os.waitpid(pid, 0)
sys.stdout.buffer.write(b"".join(chunks))
sys.exit(os.waitstatus_to_exitcode(status))
EOF
    OUT=$(cat "$OUT_FILE")
    ERR=$(cat "$ERR_FILE")
}

# expect_ok <cmd...>: runs the command; the check fails unless it exits 0 with an empty stderr.
expect_ok() {
    _check
    run "$@"
    if [[ $RC -ne 0 ]]; then
        fail "expected exit 0 from: $*  (got $RC)" "    stderr:" "$(_show "$ERR")" \
            "    stdout:" "$(_show "$OUT")"
    elif [[ -n $ERR ]]; then
        fail "expected no stderr from: $*" "    stderr:" "$(_show "$ERR")"
    fi
}

# expect_fail <code> <stderr-substring> -- <cmd...>: the command must exit <code>, print
# nothing on stdout, and print exactly one "fatal:"/"error:" line on stderr (the first line)
# containing <stderr-substring>, every other stderr line being a "hint:"; no raw ESC anywhere.
expect_fail() {
    local code=$1 want=$2
    [[ $3 == -- ]] || {
        fail "expect_fail: usage: expect_fail <code> <substring> -- <cmd...>"
        return 0
    }
    shift 3
    _check
    run "$@"
    local problems=()
    [[ $RC -eq $code ]] || problems+=("exit code $RC, expected $code")
    [[ -z $OUT ]] || problems+=("stdout is not empty")
    [[ $ERR == *"$want"* ]] || problems+=("stderr lacks: $want")
    local first rest
    first=$(head -n 1 "$ERR_FILE")
    [[ $first =~ ^(fatal|error):\ . ]] || problems+=("first stderr line is not 'fatal: ...' or 'error: ...'")
    rest=$(tail -n +2 "$ERR_FILE" | grep -v '^hint: ' || true)
    [[ -z $rest ]] || problems+=("stderr has lines besides the message and hints")
    if grep -q $'\x1b' "$ERR_FILE"; then problems+=("stderr contains a raw ESC byte"); fi
    if ((${#problems[@]})); then
        local IFS=';'
        fail "$(printf '%q ' "$@"): ${problems[*]}" "    stderr:" "$(_show "$ERR")" \
            "    stdout:" "$(_show "$OUT" 400)"
    fi
}

# --- assertions ------------------------------------------------------------------------------

assert_eq() { # <expected> <actual> [what]
    _check
    if [[ $1 != "$2" ]]; then
        fail "${3:-values differ}" "    expected:" "$(_show "$1")" "    actual:" "$(_show "$2")"
    fi
}

assert_ne() { # <unexpected> <actual> [what]
    _check
    [[ $1 != "$2" ]] || fail "${3:-value should differ}: both are" "$(_show "$1")"
}

assert_contains() { # <haystack> <needle> [what]
    _check
    [[ $1 == *"$2"* ]] || fail "${3:-text lacks a substring}: missing $(printf '%q' "$2")" \
        "    in:" "$(_show "$1")"
}

assert_not_contains() { # <haystack> <needle> [what]
    _check
    [[ $1 != *"$2"* ]] || fail "${3:-text has an unwanted substring}: found $(printf '%q' "$2")" \
        "    in:" "$(_show "$1")"
}

assert_match() { # <text> <extended-regex> [what]
    _check
    [[ $1 =~ $2 ]] || fail "${3:-text does not match} /$2/" "    text:" "$(_show "$1")"
}

assert_true() { # <what> <cmd...>: the command must succeed
    local what=$1
    shift
    _check
    "$@" || fail "$what" "    command: $(printf '%q ' "$@")"
}

assert_false() { # <what> <cmd...>: the command must fail
    local what=$1
    shift
    _check
    ! "$@" || fail "$what" "    command: $(printf '%q ' "$@")"
}

assert_file_eq() { # <file-a> <file-b> [what]: byte-identical
    _check
    cmp -s "$1" "$2" || fail "${3:-files differ}: $1 vs $2" \
        "$(diff <(cat -v "$1") <(cat -v "$2") | head -20 | sed 's/^/      /' || true)"
}

assert_no_esc() { # <text> [what]
    _check
    [[ $1 != *$'\x1b'* ]] || fail "${2:-output contains a raw ESC byte}" "$(_show "$1")"
}

# --- JSON ------------------------------------------------------------------------------------

# json_q <json-text> <python-expression over d>: prints the value (strings raw, everything else
# as compact JSON with sorted keys). Fails the script if the text is not JSON.
json_q() {
    python3 -c '
import json, sys
try:
    d = json.loads(sys.argv[1])
except ValueError as e:
    sys.exit("not JSON (%s)" % e)
try:
    v = eval(sys.argv[2])
except Exception as e:
    sys.exit("%s: %s" % (type(e).__name__, e))
print(v if isinstance(v, str) else json.dumps(v, sort_keys=True, separators=(",", ":")))
' "$1" "$2"
}

# assert_json <json-text> <python-expression over d> <expected> [what]
assert_json() {
    local got
    if ! got=$(json_q "$1" "$2" 2>&1); then
        _check
        fail "${4:-JSON query failed}: $2" "$(_show "$got")" "    json:" "$(_show "$1" 1500)"
        return 0
    fi
    assert_eq "$3" "$got" "${4:-JSON $2}"
}

# --- state snapshots -------------------------------------------------------------------------

# The state of a repository (or any folder): every ref including refs/notes, the worktree
# list, the local config, info/exclude, the names of the files in the git folder (objects
# aside) and every file of the working tree (outside .git) with its content hash. Comparing two snapshots proves a command created nothing.
_state() {
    local dir=$1
    (
        cd "$dir"
        if git rev-parse --git-dir >/dev/null 2>&1; then
            echo "== refs"
            git for-each-ref --format='%(objectname) %(refname)'
            echo "== HEAD"
            git symbolic-ref -q HEAD || git rev-parse -q --verify HEAD || true
            echo "== worktrees"
            git worktree list --porcelain
            echo "== config"
            git config --local --list
            echo "== exclude"
            local common
            common=$(git rev-parse --git-common-dir)
            cat "$common/info/exclude" 2>/dev/null || echo "(none)"
            echo "== git files" # lock files, reflogs, worktree admin folders left behind
            (cd "$common" && find . -path ./objects -prune -o -type f -print | sort)
            echo "== hooks"
            (cd "$common" && find hooks -type f -print0 2>/dev/null | sort -z | xargs -0 -r sha1sum)
        fi
        echo "== files"
        find . -path ./.git -prune -o -type l -printf '%y %p -> %l\n' -o -printf '%y %p\n' | sort
        echo "== contents"
        find . -path ./.git -prune -o -type f -print0 | sort -z | xargs -0 -r sha1sum
    )
}

# snapshot_state <name> [dir]
snapshot_state() {
    _state "${2:-.}" >"$T/.snap.$1"
}

# assert_state_unchanged <name> [dir] [what]
assert_state_unchanged() {
    _check
    local now=$T/.snap.now
    _state "${2:-.}" >"$now"
    if ! cmp -s "$T/.snap.$1" "$now"; then
        fail "${3:-state changed}" "$(diff "$T/.snap.$1" "$now" | head -30 | sed 's/^/      /' || true)"
    fi
}
