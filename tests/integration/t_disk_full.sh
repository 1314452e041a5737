#!/usr/bin/env bash
# Writes that fail because the disk is full: spawn, a hooked commit's post-commit recording, sync
# and pool acquire run under `ulimit -f` (a file-size limit). With SIGXFSZ ignored, write()
# returns EFBIG and every command must end in a clear error (or, for post-commit, a warning and a
# commit that reindex can record), never a crash. With SIGXFSZ at its default the kernel kills
# the writer: a signal exit is then acceptable (nothing can catch it), but the repository must
# still be consistent. Afterwards, with the limit lifted: doctor (--fix) leaves a consistent
# state, and no event recorded before is lost (log --json before and after). A small tmpfs is
# used too when one can be mounted (root, and a container that allows it); otherwise skipped.
# PORCH_DISK_FULL_KIB lists the limits tried (default "1 16 64"; fewer under the sanitizers).
source "$(dirname "$0")/lib.sh"
cd "$T"
read -ra LIMITS <<<"${PORCH_DISK_FULL_KIB:-1 16 64}"

# limited <kib> <ignore|default> <cmd...>: runs the command with files capped at <kib> KiB.
limited() {
    local kib=$1 mode=$2
    shift 2
    run bash -c 'if [[ $1 == ignore ]]; then trap "" XFSZ; fi; ulimit -f "$2"; shift 2; exec "$@"' \
        limited "$mode" "$kib" "$@"
}

# clean_end <what> <mode>: the last command failed cleanly or succeeded. Ignored SIGXFSZ: no
# signal, an error line when it failed. Default SIGXFSZ: a signal exit is allowed.
clean_end() {
    local what=$1 mode=$2
    if [[ $mode == ignore ]]; then
        assert_true "$what: exit $RC is not a signal ($ERR)" test "$RC" -lt 129 -o "$RC" -eq 129
        if ((RC != 0 && RC < 129)) && [[ $what != commit* ]]; then
            assert_match "$(head -n 1 "$ERR_FILE")" '^(fatal|error): ' "$what: a clear error line"
            assert_no_esc "$ERR" "$what: no raw ESC"
        fi
    else
        assert_true "$what: exit $RC is a clean code or SIGXFSZ (153)" \
            test "$RC" -lt 129 -o "$RC" -eq 129 -o "$RC" -eq 153
    fi
}

events_json() { git porch log --json; }

# lost_none <before-json>: every event id of before is still in log --json.
lost_none() {
    _check
    local now
    now=$(events_json)
    python3 - "$1" "$now" <<'EOF' || fail "an event recorded before the disk filled up is lost"
import json, sys
before = {e["id"] for e in json.loads(sys.argv[1])}
after = {e["id"] for e in json.loads(sys.argv[2])}
sys.exit(0 if before <= after else 1)
EOF
}

# recover <what>: with the limit lifted, doctor --fix repairs and doctor then finds nothing.
# A process killed by SIGXFSZ may leave a lock file (refs/notes/porch.lock, ...), or a branch
# and claim without the event that would finish them. doctor and pool health touch those only
# when older than their stale age, since a fresh one may belong to a live process: they are aged
# here as if that much time had passed, which is the documented way out.
recover() {
    local what=$1
    find "$(git rev-parse --git-common-dir)" \( -name '*.lock' -o -name locked -o -path '*/refs/*' \) \
        -exec touch -d '2 hours ago' {} +
    run porch pool health --fix
    assert_true "$what: pool health --fix runs (exit $RC; $ERR)" test "$RC" -le 1
    run porch doctor --fix
    assert_true "$what: doctor --fix runs (exit $RC; $ERR)" test "$RC" -le 1
    run porch reindex
    assert_eq 0 "$RC" "$what: reindex records what was missed ($ERR)"
    run porch doctor
    assert_eq 0 "$RC" "$what: doctor finds a consistent state afterwards ($OUT $ERR)"
    run porch status
    assert_eq 0 "$RC" "$what: status works afterwards ($ERR)"
}

# scenario <dir> <mode>: the whole round in a fresh repository.
scenario() {
    local dir=$1 mode=$2 kib
    new_repo "$dir"
    cd "$dir"
    expect_ok porch init -q
    # Big enough that a checkout or a pack cannot be written under a small limit.
    python3 -c 'import os; open("big.bin", "wb").write(os.urandom(256 * 1024))'
    git add .porch.toml big.bin && commit "Add porch settings and a big file"
    expect_ok porch spawn 1 api
    for k in $(seq 30); do commit -C worktrees/task-1-api "[CHECKPOINT] step $k of a long task"; done
    git init -q --bare "$T/$dir-remote.git"
    git remote add origin "$T/$dir-remote.git"
    git push -q origin main
    expect_ok porch init -q # the notes refspec of the new remote
    expect_ok porch pool init 1
    local before
    before=$(events_json)

    for kib in "${LIMITS[@]}"; do
        limited "$kib" "$mode" git porch spawn "2$kib" "full$kib"
        clean_end "spawn under $kib KiB ($mode)" "$mode"
        recover "spawn under $kib KiB ($mode)"
        lost_none "$before"

        tick
        limited "$kib" "$mode" git -C worktrees/task-1-api commit -q --allow-empty -m "[CHECKPOINT] full $kib"
        clean_end "commit under $kib KiB ($mode)" "$mode"
        recover "commit under $kib KiB ($mode)"
        lost_none "$before"

        limited "$kib" "$mode" git porch sync
        clean_end "sync under $kib KiB ($mode)" "$mode"
        recover "sync under $kib KiB ($mode)"
        lost_none "$before"

        limited "$kib" "$mode" git porch pool acquire "3$kib" "pool$kib"
        clean_end "pool acquire under $kib KiB ($mode)" "$mode"
        run porch pool health --fix
        assert_true "pool health --fix after a full disk (exit $RC; $ERR)" test "$RC" -le 1
        if ((RC == 0)) || git rev-parse -q --verify "refs/porch/pool/wt-1" >/dev/null; then
            run porch pool release wt-1 --force
        fi
        recover "pool acquire under $kib KiB ($mode)"
        lost_none "$before"
        before=$(events_json)
    done
    # With room again everything works.
    expect_ok porch spawn 9 after
    tick
    expect_ok git -C worktrees/task-1-api commit -q --allow-empty -m "[CHECKPOINT] room again"
    cd "$T"
}

scenario ignored ignore
scenario killed default

# --- a real full file system, when one can be mounted -------------------------------------------------
mkdir -p "$T/small"
if [[ $(id -u) -eq 0 ]] && mount -t tmpfs -o size=2m tmpfs "$T/small" 2>/dev/null; then
    trap 'rc=$?; umount "$T/small" 2>/dev/null || true; (exit $rc); _on_exit' EXIT
    cd "$T/small"
    new_repo r
    cd r
    expect_ok porch init -q
    git add .porch.toml && commit "Add porch settings"
    expect_ok porch spawn 1 api
    commit -C worktrees/task-1-api "[CHECKPOINT] before the disk fills"
    before=$(events_json)
    # Fill the file system, leaving a few KiB.
    dd if=/dev/zero of="$T/small/filler" bs=1k count=4096 2>/dev/null || true
    run porch spawn 2 web
    clean_end "spawn on a full tmpfs" ignore
    tick
    run git -C worktrees/task-1-api commit -q --allow-empty -m "[CHECKPOINT] on a full disk"
    clean_end "commit on a full tmpfs" ignore
    run porch pool init 1
    clean_end "pool init on a full tmpfs" ignore
    rm -f "$T/small/filler"
    recover "full tmpfs"
    lost_none "$before"
    cd "$T"
    umount "$T/small" 2>/dev/null || true
else
    echo "t_disk_full.sh: skipping the tmpfs part (cannot mount one here)" >&2
fi

finish
