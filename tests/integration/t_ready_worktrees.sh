#!/usr/bin/env bash
# Ready worktrees: [worktree] copy (globs of files) and clone (folders) from the main worktree into
# every new worker worktree (spawn, pool acquire, checkout), copy-on-write where the filesystem
# can; entries leading outside the repository refused before anything is made.
source "$(dirname "$0")/lib.sh"
cd "$T"

# settings <toml...>: replaces .porch.toml (uncommitted: porch reads the main worktree's file).
settings() { printf '%s\n' "$@" >.porch.toml; }
mtime() { stat -c %Y "$1"; }
mode() { stat -c %a "$1"; }

porch_repo r
printf '.env\ncache/\nconf/*.local\n' >.gitignore
git add .gitignore && commit "Ignore local files"
printf 'SECRET=1\n' >.env
chmod 600 .env
touch -d @1700000000 .env
mkdir -p conf cache/deep/er
printf 'a\n' >conf/one.local
printf 'b\n' >conf/two.local
printf 'not local\n' >conf/other.txt
head -c $((50 * 1024 * 1024)) /dev/urandom >cache/big.bin
printf 'x\n' >cache/deep/er/leaf
touch -d @1600000000 cache/deep/er/leaf
ln -s deep/er/leaf cache/inner-link
ln -s /etc/hostname cache/outer-link # inside a cloned folder: copied as a link, never followed
printf 'changed in main\n' >>README
settings '[worktree]' 'copy = [".env", "conf/*.local", "README", "missing-*"]' \
    'clone = ["cache/", "no-such-folder"]'

# --- spawn copies and clones -----------------------------------------------------------------
start=$(date +%s%N)
run porch spawn 1 api
took_ms=$((($(date +%s%N) - start) / 1000000))
assert_eq 0 "$RC" "spawn with [worktree] copy and clone succeeds: $ERR"
wt=$T/r/worktrees/task-1-api
assert_match "$ERR" '^copying 5 files, 50 MB \((reflink|plain copy)\)$' \
    "the total is said up front, on stderr, with how it is copied"
assert_not_contains "$OUT" "copying" "stdout keeps the report alone"
assert_not_contains "$ERR" "%" "no progress line when stderr is not a terminal"
assert_file_eq .env "$wt/.env" "the ignored .env is copied"
assert_eq 600 "$(mode "$wt/.env")" "its mode is kept"
assert_eq 1700000000 "$(mtime "$wt/.env")" "its modification time is kept"
assert_file_eq conf/one.local "$wt/conf/one.local" "a glob's matches are copied"
assert_file_eq conf/two.local "$wt/conf/two.local" "every one of them"
assert_false "a file the glob does not match stays out" test -e "$wt/conf/other.txt"
assert_eq "# r" "$(cat "$wt/README")" "a file the checkout has is left as checked out"
assert_file_eq cache/big.bin "$wt/cache/big.bin" "the cloned folder's large file"
assert_file_eq cache/deep/er/leaf "$wt/cache/deep/er/leaf" "its nested files"
assert_eq 1600000000 "$(mtime "$wt/cache/deep/er/leaf")" "with their modification times"
assert_eq deep/er/leaf "$(readlink "$wt/cache/inner-link")" "a link inside is copied as a link"
assert_eq /etc/hostname "$(readlink "$wt/cache/outer-link")" "a link out is copied, not followed"
assert_eq "" "$(git -C "$wt" status --porcelain)" "the copies are ignored files: the worktree is clean"
echo "figure: spawn with a 50 MB folder to clone ($(sed 's/.*(\(.*\))/\1/' <<<"$ERR")): ${took_ms} ms"

# --- pool acquire and checkout get them too ----------------------------------------------------
expect_ok porch pool init 1
run porch pool acquire 2 web
assert_eq 0 "$RC" "pool acquire with [worktree] copy and clone succeeds: $ERR"
slot=$(cut -d'|' -f2 <<<"$OUT")
assert_file_eq .env "$slot/.env" "pool acquire copies .env into the slot"
assert_file_eq cache/big.bin "$slot/cache/big.bin" "and clones the folder"
assert_contains "$ERR" "copying 5 files" "and says so"

git worktree remove --force "$wt"
run porch checkout 1
assert_eq 0 "$RC" "checkout (take-over) with [worktree] copy and clone succeeds: $ERR"
assert_file_eq .env "$wt/.env" "checkout copies .env into the worktree it makes"
assert_file_eq cache/big.bin "$wt/cache/big.bin" "and clones the folder"

run_tty porch spawn 3 tty
assert_eq 0 "$RC" "spawn on a terminal: $OUT"
assert_contains "$OUT" "copying: 100% (50 of 50 MB)" "on a terminal, a progress line for a large copy"

# --- entries leading outside the repository are refused, before anything is made ----------------
refused() { # <what> <stderr substring> <toml lines...>
    local what=$1 want=$2
    shift 2
    settings '[worktree]' "$@"
    snapshot_state refused
    expect_fail 128 "$want" -- porch spawn 9 refused
    assert_contains "$ERR" "hint: " "$what: the refusal has a hint"
    assert_state_unchanged refused . "$what: nothing was made"
    assert_false "$what: no worktree folder" test -e "$T/r/worktrees/task-9-refused"
}
refused "an absolute glob" "'worktree.copy': '/etc/passwd' names a path outside the repository" \
    'copy = ["/etc/passwd"]'
refused "a glob with .." "'../outside' names a path outside the repository" \
    'copy = ["../outside"]'
refused "an absolute folder" "'worktree.clone': '/etc' names a path outside" 'clone = ["/etc"]'
ln -s /etc/hostname envlink
ln -s /etc outdir
refused "a link to a file outside" \
    "'worktree.copy' entry 'envlink' is a symbolic link leading outside the repository" \
    'copy = ["envlink"]'
refused "a glob through a link outside" \
    "'worktree.copy' entry 'outdir/host*' leads outside the repository" \
    'copy = ["outdir/host*"]'
refused "a folder that is a link outside" \
    "'worktree.clone' entry 'outdir' is a symbolic link leading outside the repository" \
    'clone = ["outdir"]'
rm envlink outdir

# --- copy-on-write where the filesystem can: on a reflink-capable loop filesystem --------------
reflink_skip() { echo "skipped: reflink on a loop filesystem: $*"; }
if [[ $(id -u) != 0 ]]; then
    reflink_skip "not root"
elif ! command -v mkfs.xfs >/dev/null && ! command -v mkfs.btrfs >/dev/null; then
    reflink_skip "neither mkfs.xfs nor mkfs.btrfs"
else
    img=$T/reflink.img mnt=$T/reflink
    truncate -s 400M "$img"
    mkdir -p "$mnt"
    if command -v mkfs.xfs >/dev/null; then
        mkfs.xfs -q -m reflink=1 "$img" >/dev/null 2>&1 || true
    else
        mkfs.btrfs -q "$img" >/dev/null 2>&1 || true
    fi
    if ! mount -o loop "$img" "$mnt" 2>/dev/null; then
        reflink_skip "cannot mount a loop device here"
    else
        unmount_reflink() { cd "$T" && umount "$mnt" 2>/dev/null || true; }
        trap 'unmount_reflink; _on_exit' EXIT
        new_repo "$mnt/r" && cd "$mnt/r"
        expect_ok porch init -q
        printf '.env\ncache/\n' >.gitignore
        git add .gitignore .porch.toml && commit "Set up"
        printf 'SECRET=2\n' >.env
        mkdir cache && head -c $((50 * 1024 * 1024)) /dev/urandom >cache/big.bin
        settings '[worktree]' 'copy = [".env"]' 'clone = ["cache"]'
        start=$(date +%s%N)
        run porch spawn 1 api
        took_ms=$((($(date +%s%N) - start) / 1000000))
        assert_eq 0 "$RC" "spawn on a reflink filesystem: $ERR"
        assert_eq "copying 2 files, 50 MB (reflink)" "$ERR" "the copies are reflinks, said up front"
        assert_file_eq cache/big.bin worktrees/task-1-api/cache/big.bin "the cloned file's content"
        echo "figure: spawn with a 50 MB folder to clone (reflink): ${took_ms} ms"
        cd "$T"
        unmount_reflink
    fi
fi


# --- [worktree] setup: trusted commands only ---------------------------------------------------
cd "$T/r"
logs=$(cd "$(git rev-parse --git-common-dir)" && pwd)/porch/setup
alert_of() { # <worker>: that worker's setup-failed alert as "message|action", or nothing
    run porch status --json
    json_q "$OUT" "''.join(a['message'] + '|' + a['action'] for a in d['alerts'] if a['worker'] == '$1' and a['kind'] == 'setup-failed')"
}
events_of() { # <worker>: the types of its events
    git notes --ref=porch show "$(printf 'porch worker %s\n' "$1" | git hash-object --stdin)" |
        python3 -c 'import json, sys; print(" ".join(json.loads(l)["type"] for l in sys.stdin if l.strip()))'
}
settings '[worktree]' 'setup = ["echo hello from setup; touch made-by-setup"]'
run porch spawn 20 untrusted
assert_eq 0 "$RC" "an untrusted setup still spawns the worker: $ERR"
assert_true "the worktree is made" test -d worktrees/task-20-untrusted
assert_false "an untrusted setup does not run" test -e worktrees/task-20-untrusted/made-by-setup
assert_contains "$ERR" "setup: not run: the [worktree] setup in .porch.toml is not trusted here" \
    "an untrusted setup is refused, saying so"
assert_contains "$ERR" "git porch setup --trust && git porch setup task-20" \
    "with the exact commands to trust it and run it"
expect_fail 128 "not trusted here" -- porch setup task-20
assert_contains "$ERR" "hint: read it in .porch.toml, then: git porch setup --trust" \
    "git porch setup refuses an untrusted setup with the trust command"
expect_ok porch setup --trust
assert_contains "$OUT" "echo hello from setup; touch made-by-setup" "--trust shows what it trusts"
assert_eq 40 "$(git config porch.trustedSetup | tr -d '\n' | wc -c)" \
    "the trust is a hash in git config porch.trustedSetup"
run porch setup task-20
assert_eq 0 "$RC" "git porch setup runs a trusted setup: $ERR"
assert_contains "$OUT" "setup done (1 command)" "and says it is done"
assert_contains "$ERR" "setup: hello from setup" "its output is shown with a prefix"
assert_true "it ran in the worker's worktree" test -e worktrees/task-20-untrusted/made-by-setup
assert_contains "$(cat "$logs/task-20.log")" "hello from setup" "the log keeps its output"

settings '[worktree]' 'setup = ["echo changed; touch made-by-setup"]'
run porch spawn 21 changed
assert_contains "$ERR" "is not trusted here (new, or changed since)" "a changed setup needs trust again"
assert_false "a changed setup does not run" test -e worktrees/task-21-changed/made-by-setup
expect_ok porch setup --trust
run porch spawn 22 trusted
assert_eq 0 "$RC" "spawn with a trusted setup: $ERR"
assert_true "a trusted setup runs after spawn" test -e worktrees/task-22-trusted/made-by-setup
assert_contains "$ERR" "setup: changed" "spawn shows its output"
assert_contains "$ERR" "setup: done (1 command; log: $logs/task-22.log)" "and where the log is"
assert_contains "$(events_of task-22)" "setup-done" "a setup-done event is recorded"
run porch spawn 23 nosetup --no-setup
assert_eq 0 "$RC" "spawn --no-setup: $ERR"
assert_false "--no-setup skips the setup" test -e worktrees/task-23-nosetup/made-by-setup
assert_not_contains "$ERR" "setup:" "and says nothing of it"
run porch spawn 24 json --json
assert_eq done "$(json_q "$OUT" "d['setup']['outcome']")" "spawn --json reports the setup"
assert_eq "$logs/task-24.log" "$(json_q "$OUT" "d['setup']['log']")" "with its log"

expect_ok porch pool release task-2 --force
run porch pool acquire 25 pooled
assert_eq 0 "$RC" "pool acquire with a trusted setup: $ERR"
slot=$(cut -d'|' -f2 <<<"$OUT")
assert_true "pool acquire runs the setup in the slot" test -e "$slot/made-by-setup"
expect_ok porch pool release task-25 --force
rm -f "$slot/made-by-setup"
run porch pool acquire 26 pooled --no-setup
assert_false "pool acquire --no-setup skips it" test -e "$slot/made-by-setup"

mkdir -p .porch
printf '[[task]]\nid = "50"\ndesc = "planned"\n' >.porch/plan.toml
run porch plan apply
assert_eq 0 "$RC" "plan apply with a trusted setup: $ERR"
assert_true "plan apply runs the setup" test -e worktrees/task-50-planned/made-by-setup
printf '[[task]]\nid = "51"\ndesc = "unset"\n' >.porch/plan.toml
run porch plan apply --no-setup
assert_eq 0 "$RC" "plan apply --no-setup: $ERR"
assert_true "plan apply --no-setup spawns" test -d worktrees/task-51-unset
assert_false "but skips the setup" test -e worktrees/task-51-unset/made-by-setup
printf '[[task]]\nid = "52"\ndesc = "reported"\n[[task]]\nid = "53"\ndesc = "reported"\n' >.porch/plan.toml
run porch plan apply --json
assert_eq 0 "$RC" "plan apply --json: $ERR"
started="d['started'][[s['worker'] for s in d['started']].index('task-52')]"
assert_eq done "$(json_q "$OUT" "$started['setup']['outcome']")" "plan apply --json reports each worker's setup"
assert_eq "$logs/task-52.log" "$(json_q "$OUT" "$started['setup']['log']")" "with its log"
assert_eq "git porch setup task-52" "$(json_q "$OUT" "$started['setup']['rerun']")" \
    "and the command that runs it again"
rm -rf .porch

git worktree remove --force worktrees/task-22-trusted
run porch checkout 22
assert_eq 0 "$RC" "checkout with a trusted setup: $ERR"
assert_true "checkout (take-over) runs the setup in the worktree it makes" \
    test -e worktrees/task-22-trusted/made-by-setup
git worktree remove --force worktrees/task-22-trusted
run porch checkout 22 --no-setup --json
assert_eq skipped "$(json_q "$OUT" "d['setup']['outcome']")" "checkout --no-setup --json says it skipped"
assert_false "checkout --no-setup skips it" test -e worktrees/task-22-trusted/made-by-setup

# --- a failing setup: the worker stays; event, alert with the log and the re-run command ------
settings '[worktree]' 'setup = ["echo about to fail", "exit 3", "touch never"]'
expect_ok porch setup --trust
run porch spawn 30 fails
assert_eq 0 "$RC" "a failed setup leaves the worker spawned (exit 0): $ERR"
assert_true "its worktree is there" test -d worktrees/task-30-fails
assert_contains "$ERR" "setup: failed (exit 3) at 'exit 3'; the output is in $logs/task-30.log" \
    "spawn says which command failed and where the log is"
assert_contains "$ERR" "fix it, then: git porch setup task-30" "and how to run it again"
assert_false "the commands after the failed one do not run" test -e worktrees/task-30-fails/never
assert_contains "$(events_of task-30)" "setup-failed" "a setup-failed event is recorded"
mkdir -p .porch
printf '[[task]]\nid = "54"\ndesc = "planfail"\n' >.porch/plan.toml
run porch plan apply --json
assert_eq 0 "$RC" "plan apply --json with a failing setup: $ERR"
assert_eq failed "$(json_q "$OUT" "d['started'][0]['setup']['outcome']")" "plan apply --json says it failed"
assert_eq 3 "$(json_q "$OUT" "d['started'][0]['setup']['exit']")" "with the exit status"
assert_eq "$logs/task-54.log" "$(json_q "$OUT" "d['started'][0]['setup']['log']")" "and the log"
assert_eq "git porch setup task-54" "$(json_q "$OUT" "d['started'][0]['setup']['rerun']")" \
    "and the command to re-run it"
printf '[[task]]\nid = "55"\ndesc = "planskip"\n' >.porch/plan.toml
run porch plan apply --json --no-setup
assert_eq skipped "$(json_q "$OUT" "d['started'][0]['setup']['outcome']")" "--no-setup: skipped"
rm -rf .porch
settings '[worktree]' 'setup = ["exit 3"]'
mkdir -p .porch
printf '[[task]]\nid = "56"\ndesc = "planuntrusted"\n' >.porch/plan.toml
run porch plan apply --json
assert_eq untrusted "$(json_q "$OUT" "d['started'][0]['setup']['outcome']")" "a changed setup: untrusted"
assert_eq "git porch setup --trust" "$(json_q "$OUT" "d['started'][0]['setup']['trust']")" \
    "with the command that trusts it"
rm -rf .porch
alert=$(alert_of task-30)
assert_contains "$alert" "task-30: its worktree's setup failed (exit 3) at 'exit 3'; the output is in $logs/task-30.log" \
    "status alerts with the log's path"
assert_contains "$alert" "|fix it, then run it again: git porch setup task-30" "and the command to re-run it"
run porch status
assert_contains "$OUT" "git porch setup task-30" "the text status shows the alert too"
settings '[worktree]' 'setup = ["true"]'
expect_ok porch setup --trust
run porch setup task-30
assert_eq 0 "$RC" "the fixed setup runs again: $ERR"
assert_eq "" "$(alert_of task-30)" "a setup that succeeds again clears the alert"

# --- a setup that hangs is killed at its timeout ------------------------------------------------
settings '[worktree]' 'setup = ["echo start; sleep 29.25; echo never"]' 'setup_timeout = 2'
expect_ok porch setup --trust
start=$(date +%s)
run porch spawn 31 hangs
took=$(($(date +%s) - start))
assert_eq 0 "$RC" "a setup past its timeout leaves the worker spawned: $ERR"
assert_true "it is killed at its timeout (took ${took} s)" test "$took" -lt 15
assert_contains "$ERR" "setup: ran out of time at" "spawn says it ran out of time"
assert_contains "$(cat "$logs/task-31.log")" "[porch: killed after 2 s]" "the log says it was killed"
assert_false "nothing after the kill" grep -qx never "$logs/task-31.log"
assert_false "no process of it is left" pgrep -f "sleep 29.25"
assert_contains "$(alert_of task-31)" "setup ran out of time" "status alerts"

# --- a setup that prints megabytes: the log holds it, the terminal gets the start ----------------
settings '[worktree]' 'setup = ["yes 0123456789abcdef0123456789abcdef0123456789abcdef | head -c 5000000"]'
expect_ok porch setup --trust
run porch spawn 32 loud
assert_eq 0 "$RC" "a loud setup: $(head -c 300 <<<"$ERR")"
assert_true "the log holds every byte ($(stat -c %s "$logs/task-32.log"))" \
    test "$(stat -c %s "$logs/task-32.log")" -ge 5000000
assert_true "the terminal output is bounded (${#ERR} bytes)" test "${#ERR}" -lt 20000
assert_contains "$ERR" "setup: ... (the rest is in $logs/task-32.log)" "and says where the rest is"

# --- setup logs go with the worker: cleanup removes them, doctor finds the ones left behind -----
settings '[worktree]' 'setup = ["true"]'
expect_ok porch setup --trust
run porch spawn 60 merged
assert_eq 0 "$RC" "spawn 60: $ERR"
assert_true "the setup leaves its log" test -e "$logs/task-60.log"
tick
printf 'x\n' >worktrees/task-60-merged/merged.txt
git -C worktrees/task-60-merged add merged.txt
git -C worktrees/task-60-merged commit -q -m "[COMPLETE] Merged"
tick && git merge -q --no-ff -m "Merge task-60" work/task-60-merged
run porch cleanup
assert_eq 0 "$RC" "cleanup: $ERR"
assert_false "cleanup removed the merged worker's worktree" test -d worktrees/task-60-merged
assert_false "and its setup log" test -e "$logs/task-60.log"

stale_logs() { json_q "$1" "[f['message'].split(' ')[0] for f in d['findings'] if f['kind'] == 'stale-setup-log']"; }
# task-25 was given back to the pool: its log is left. task-24 still has its worktree. task-61
# never existed, but its log is young (a spawn may be making its worktree right now).
touch -d '1 hour ago' "$logs/task-25.log" "$logs/task-24.log"
printf 'young\n' >"$logs/task-61.log"
printf 'not a log of porch\n' >"$logs/notes.txt"
run porch doctor --json
assert_eq '["task-25"]' "$(stale_logs "$OUT")" "doctor reports the setup log of a worker with no worktree"
assert_contains "$(json_q "$OUT" "[f['action'] for f in d['findings'] if f['kind'] == 'stale-setup-log'][0]")" \
    "git porch doctor --fix removes it (or: rm $logs/task-25.log)" "with the command that fixes it"
run porch doctor --fix --json
assert_eq '["task-25"]' "$(stale_logs "$OUT")" "doctor --fix: the same finding"
assert_eq true "$(json_q "$OUT" "[f['fixed'] for f in d['findings'] if f['kind'] == 'stale-setup-log'][0]")" "fixed"
assert_false "doctor --fix removed it" test -e "$logs/task-25.log"
assert_true "and kept the log of a worker with its worktree" test -e "$logs/task-24.log"
assert_true "a young one" test -e "$logs/task-61.log"
assert_true "and a file that is not porch's" test -e "$logs/notes.txt"
run porch doctor --json
assert_eq '[]' "$(stale_logs "$OUT")" "nothing left to report"

finish
