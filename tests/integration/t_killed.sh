#!/usr/bin/env bash
# Killed at the worst moment: spawn, pool acquire, pool release, integrate, sync and a worker's
# hooked commit are killed with SIGKILL at random points, round after round, for about
# PORCH_KILL_SECONDS (default 70). Half the kills hit only the command's own process (its
# children, git's or porch's hooks, run on), half its whole process group. After each kill,
# `doctor --fix`, `pool health --fix` and, for a stopped integration, `--abort` must leave a
# state both report as healthy; no event recorded before the kill and no commit made before it
# may be lost; the same command run again must then succeed. PORCH_KILL_SEED=<n> repeats a run's
# choices (the timing of each kill still varies).
source "$(dirname "$0")/lib.sh"
cd "$T"

SEED=${PORCH_KILL_SEED:-$(date +%s)}
RANDOM=$SEED
printf 't_killed: seed %s (PORCH_KILL_SEED=%s repeats the choices)\n' "$SEED" "$SEED"
DEADLINE=$((SECONDS + ${PORCH_KILL_SECONDS:-70}))

git init -q --bare -b main origin.git
new_repo r
cd r
git remote add origin "file://$T/origin.git"
expect_ok porch init -q
git add .porch.toml && commit "Add porch settings"
git push -q origin main
git clone -q "file://$T/origin.git" "$T/mate"
git -C "$T/mate" config porch.name mate
in_dir "$T/mate" expect_ok porch init -q
expect_ok porch pool init 3
G=$(git rev-parse --git-common-dir)
G=$(cd "$G" && pwd -P)

event_ids() { git porch log --json | python3 -c 'import json, sys; print("\n".join(sorted(e["id"] for e in json.load(sys.stdin))))'; }
busy_workers() { git porch pool status --json | python3 -c '
import json, sys
print("\n".join(s["worker"] for s in json.load(sys.stdin)["slots"] if s["state"] == "busy" and s["worker"]))'; }
# Every branch tip, note commit and rescued work: what must still be reachable after a kill.
tips() { git for-each-ref --format='%(objecttype) %(objectname)' refs/heads refs/notes refs/porch | sed -n 's/^commit //p' | sort -u; }

# complete_new_workers: gives each worker without a commit of its own one [COMPLETE] commit, so
# that integrate always has work to merge.
complete_new_workers() {
    local wt
    for wt in worktrees/task-*; do
        [[ -d $wt ]] || continue
        [[ $(git -C "$wt" rev-list --count HEAD ^main) == 0 ]] || continue
        printf '%s\n' "$wt" >"$wt/$(basename "$wt").txt"
        git -C "$wt" add .
        commit -C "$wt" "[COMPLETE] $(basename "$wt")"
    done
}

# killed <op> <cmd...>: starts the command in its own process group and kills it after a random
# delay within the time the same command took when last run to the end (a first guess of 150
# ms), then waits until no process of the group is left. KILLED says whether the signal ended it.
declare -A took_ms=()
killed() {
    local op=$1 pid delay whole rc=0 i
    shift
    delay=$((RANDOM % ${took_ms[$op]:-150}))
    whole=$((RANDOM % 2))
    setsid "$@" >"$T/killed.out" 2>&1 &
    pid=$!
    sleep "$((delay / 1000)).$(printf '%03d' $((delay % 1000)))"
    if ((whole)); then
        kill -KILL -- "-$pid" 2>/dev/null || true
    else
        kill -KILL "$pid" 2>/dev/null || true
    fi
    wait "$pid" 2>/dev/null || rc=$?
    KILLED=0
    ((rc != 137)) || KILLED=1
    # Children of porch that outlived it (git worktree add, git fetch) finish on their own.
    for ((i = 0; i < 200; i++)); do
        pgrep -g "$pid" >/dev/null || break
        sleep 0.05
    done
}

# again <op> <cmd...>: runs the command to the end, timing it for the next kill.
again() {
    local op=$1 start
    shift
    start=$(date +%s%N)
    run "$@"
    took_ms[$op]=$(( ($(date +%s%N) - start) / 1000000 + 1 ))
    assert_eq 0 "$RC" "$what: run again ($ERR)"
}

# repair: what a user does after a crash, later on (lock files age as time passes: a fresh lock
# may belong to a live process and is never removed).
repair() {
    find "$G" \( -name '*.lock' -o -name locked -o -path "$G/refs/*" \) -exec touch -d '20 minutes ago' {} +
    run porch doctor --fix
    REPAIR_OUT=$OUT$ERR
    run porch pool health --fix
    REPAIR_OUT+=$OUT$ERR
    if git rev-parse -q --verify refs/porch/integrate/f >/dev/null; then
        run porch integrate f --abort
        assert_eq 0 "$RC" "round $round: integrate --abort after a killed integrate ($ERR)"
    fi
}

# A lock as young as a running command's is never taken away, whatever --fix is asked.
touch "$G/refs/heads/young.lock"
expect_ok porch doctor --fix
expect_ok porch pool health --fix
assert_true "a young lock is left alone" test -e "$G/refs/heads/young.lock"
rm "$G/refs/heads/young.lock"

ops=(spawn acquire release integrate sync commit)
round=0 kills=0 next_id=1
declare -A killed_ops=()
# Past the deadline, rounds go on until 20 rounds and 10 kills (a slow machine runs fewer rounds
# and kills fewer commands mid-way): the checks below count rounds and kills, never seconds.
while ((SECONDS < DEADLINE || ((kills < 10 || round < 20) && round < 150))); do
    round=$((round + 1))
    op=${ops[RANDOM % ${#ops[@]}]}
    # The teammate moves on now and then, so sync has something to merge.
    if ((round % 4 == 0)); then
        in_dir "$T/mate" expect_ok porch spawn "m$round" mate
        commit -C "$T/mate/worktrees/task-m$round-mate" "[CHECKPOINT] mate $round"
        in_dir "$T/mate" expect_ok porch sync
    fi
    before_events=$(event_ids)
    before_tips=$(tips)
    id=$next_id
    next_id=$((next_id + 1))
    case $op in
    spawn) cmd=(git-porch spawn "$id" kill) ;;
    acquire)
        # A full pool refuses, which is not what this tests.
        if (($(busy_workers | wc -l) == 3)); then
            git porch pool release "$(busy_workers | sed -n 1p)" >/dev/null
            before_events=$(event_ids)
            before_tips=$(tips)
        fi
        cmd=(git-porch pool acquire "$id" pool)
        ;;
    release)
        w=$(busy_workers | sed -n 1p)
        if [[ -z $w ]]; then
            git porch pool acquire "$id" pool >/dev/null
            w=task-$id
            before_events=$(event_ids)
            before_tips=$(tips)
        fi
        cmd=(git-porch pool release "$w")
        ;;
    integrate) cmd=(git-porch integrate f) ;;
    sync) cmd=(git-porch sync) ;;
    commit)
        # A worker's commit, killed in git or in porch's hooks.
        wt=$(compgen -G "worktrees/task-*-kill" | sed -n 1p || true)
        if [[ -z $wt ]]; then
            git porch spawn "$id" kill >/dev/null
            wt=worktrees/task-$id-kill
            before_events=$(event_ids)
            before_tips=$(tips)
        fi
        tick
        cmd=(git -C "$wt" commit -q --allow-empty -m "[CHECKPOINT] round $round")
        ;;
    esac
    killed "$op" "${cmd[@]}"
    if ((KILLED)); then
        kills=$((kills + 1))
        killed_ops[$op]=$((${killed_ops[$op]:-0} + 1))
    fi
    repair
    what="round $round: ${cmd[*]} (killed: $KILLED)"

    run porch doctor
    assert_eq 0 "$RC" "$what: doctor reports a healthy state after --fix ($OUT$ERR) [repair: $REPAIR_OUT]"
    run porch pool health
    assert_eq 0 "$RC" "$what: pool health reports a healthy pool after --fix ($OUT$ERR)"
    lost=$(comm -23 <(printf '%s\n' "$before_events") <(event_ids))
    assert_eq "" "$lost" "$what: no recorded event is lost"
    gone=$(comm -23 <(printf '%s\n' "$before_tips") <(git rev-list --all | sort -u))
    assert_eq "" "$gone" "$what: every commit from before is still reachable"
    run porch status --json
    assert_eq 0 "$RC" "$what: status works ($ERR)"
    if [[ $op == commit ]]; then
        # A commit whose post-commit hook was killed is recorded by reindex.
        expect_ok porch reindex
        if (($(git -C "$wt" rev-list --count HEAD ^main) > 0)); then
            tip=$(git -C "$wt" rev-parse HEAD)
            run porch log --json
            assert_contains "$OUT" "\"$tip\"" "$what: the worker's last commit is recorded"
        fi
    fi

    # The same command again, not killed, works (a worker that exists now is not an error).
    case $op in
    spawn | acquire)
        if ! git rev-parse -q --verify "refs/heads/work/task-$id-kill" >/dev/null &&
            ! git rev-parse -q --verify "refs/heads/work/task-$id-pool" >/dev/null; then
            again "$op" "${cmd[@]}"
        fi
        ;;
    release)
        if busy_workers | grep -x "$w" >/dev/null; then
            again "$op" "${cmd[@]}"
        fi
        ;;
    *)
        again "$op" "${cmd[@]}"
        ;;
    esac
    complete_new_workers
done

# Finally every clone agrees: the teammate sees all of this clone's events.
expect_ok porch sync
in_dir "$T/mate" expect_ok porch sync
mine=$(event_ids)
theirs=$(cd "$T/mate" && event_ids)
assert_eq "$mine" "$theirs" "after a last sync both clones hold the same events"
expect_ok porch doctor
printf 't_killed: %d rounds, %d kills (%s)\n' "$round" "$kills" "$(for k in "${!killed_ops[@]}"; do printf '%s:%s ' "$k" "${killed_ops[$k]}"; done)"
assert_true "at least 20 rounds ran ($round)" test "$round" -ge 20
assert_true "at least 10 commands were killed mid-way ($kills)" test "$kills" -ge 10
finish
