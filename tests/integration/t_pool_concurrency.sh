#!/usr/bin/env bash
# git porch pool under real concurrency: a pool of 8, 16 `pool acquire` processes started at
# once, round after round: exactly 8 win, on 8 distinct slots, the other 8 fail with the
# pool-exhausted message and leave nothing behind; then 8 concurrent releases leave 8 idle slots.
# Then the very first commands of fresh repositories, run concurrently.
# PORCH_POOL_ROUNDS overrides the number of rounds (50), PORCH_POOL_FRESH the number of fresh
# repositories tried at most (20), PORCH_POOL_BUDGET the seconds the rounds may take (85);
# PORCH_POOL_TRACE=1 prints the time at each round.
source "$(dirname "$0")/lib.sh"
cd "$T"

ROUNDS=${PORCH_POOL_ROUNDS:-50}
FRESH=${PORCH_POOL_FRESH:-20}
# A round takes about 0.4 s on an idle 2-core machine and 1-1.3 s on a loaded one; past this many
# seconds the rounds stop early (saying so), though never before 10 rounds, which the checks need.
BUDGET=${PORCH_POOL_BUDGET:-85}
SIZE=8
PROCS=16
EXHAUSTED="fatal: cannot acquire: the pool is exhausted, all $SIZE slots are busy"

anchor() { printf 'porch worker %s\n' "$1" | git hash-object --stdin; }
# Every event in refs/notes/porch, one line per worker: "<worker> <type>:<slot> ...".
all_events() {
    python3 - <<'PY'
import json, subprocess
if subprocess.run(["git", "rev-parse", "-q", "--verify", "refs/notes/porch"], capture_output=True).returncode:
    raise SystemExit(0)
tree = subprocess.run(["git", "ls-tree", "-r", "refs/notes/porch"], capture_output=True, text=True, check=True).stdout
blobs = [l.split()[2] for l in tree.splitlines()]
out = subprocess.run(["git", "cat-file", "--batch"], input=("\n".join(blobs) + "\n").encode(),
                     capture_output=True, check=True).stdout
by, pos = {}, 0
while pos < len(out):
    nl = out.index(b"\n", pos)
    size = int(out[pos:nl].split()[2])
    body = out[nl + 1:nl + 1 + size].decode()
    pos = nl + 1 + size + 1
    for line in body.splitlines():
        try:
            e = json.loads(line)
        except ValueError:
            continue
        by.setdefault(e["worker"], []).append((e["lc"], "%s:%s" % (e["type"], e.get("slot"))))
for w in sorted(by):  # in the order they happened (Lamport clock "lc")
    print(w, " ".join(x for _, x in sorted(by[w])))
PY
}

new_repo r
cd r
mkdir -p src
for i in $(seq 1 20); do printf 'file %s\n' "$i" >"src/f$i.txt"; done
git add src && tick && git commit -q -m "Add files"
expect_ok porch init -q
git add .porch.toml && commit "Add porch settings"
main_tip=$(git rev-parse main)
P=$T/r/worktrees
expect_ok porch pool init $SIZE
# One acquire and release first: the clone id and the notes ref exist before the rounds (the
# first commands of a fresh repository are tested at the end).
expect_ok porch pool acquire 0 warm-up
expect_ok porch pool release task-0

D=$T/runs
started=$SECONDS
bad_rounds=0    # rounds where a plain check failed
shared_rounds=() # rounds where two acquires got the same slot (known bug)
clean_winners=$T/clean-winners # "task-<w> <slot>" of the rounds without the known bug
losers_all=$T/losers           # workers that failed with the exhausted message
: >"$clean_winners"
: >"$losers_all"

for ((r = 1; r <= ROUNDS; r++)); do
    [[ -z ${PORCH_POOL_TRACE:-} ]] || printf 'round %d at %d s\n' "$r" "$((SECONDS - started))" >&2
    if ((SECONDS - started > BUDGET && r > 10)); then
        printf '\nNOTE %s: time budget of %d s used up: stopping after %d of %d rounds\n\n' \
            "$_TEST_FILE" "$BUDGET" "$((r - 1))" "$ROUNDS" >&2
        break
    fi
    rm -rf "$D" && mkdir -p "$D"
    # --- 16 acquires at once -------------------------------------------------------------------
    pids=()
    for ((i = 1; i <= PROCS; i++)); do
        git porch pool acquire "${r}x$i" "round-$r" >"$D/a$i.out" 2>"$D/a$i.err" &
        pids+=($!)
    done
    for ((i = 1; i <= PROCS; i++)); do
        if wait "${pids[i - 1]}"; then echo 0 >"$D/a$i.rc"; else echo $? >"$D/a$i.rc"; fi
    done
    winners=() losers=() others=() slots=() seen=() checkout_clash=()
    for ((i = 1; i <= PROCS; i++)); do
        rc=$(cat "$D/a$i.rc")
        if [[ $rc == 0 ]]; then
            winners+=("$i")
            IFS='|' read -r s p b <"$D/a$i.out"
            slots+=("$s")
            # The seed's format, the worker's branch, the slot's path.
            [[ $p == "$P/$s" && $b == "work/task-${r}x$i-round-$r" && $(wc -l <"$D/a$i.out") == 1 &&
                ! -s $D/a$i.err ]] || others+=("acquire $i printed: $(cat "$D/a$i.out" "$D/a$i.err")")
            seen+=("$s task-${r}x$i")
        elif [[ $rc == 128 && ! -s $D/a$i.out && $(head -n 1 "$D/a$i.err") == "$EXHAUSTED" ]]; then
            losers+=("$i")
            echo "task-${r}x$i" >>"$losers_all"
        elif [[ $(head -n 1 "$D/a$i.err") == "fatal: cannot check out work/task-${r}x$i-round-$r in wt-"* ]]; then
            checkout_clash+=("$i") # another acquire was switching the same slot: the known bug
        else
            others+=("acquire $i: exit $rc: $(cat "$D/a$i.out" "$D/a$i.err")")
        fi
    done
    distinct=$(printf '%s\n' "${slots[@]}" | sort -u | grep -c '^wt-[1-8]$' || true)
    fails_before=$FAILS
    if ((distinct != ${#winners[@]} || ${#checkout_clash[@]} > 0)); then
        # Two processes claimed one slot: refs/porch/pool/wt-<n> is not created atomically.
        shared_rounds+=("$r: ${#winners[@]} winners on $distinct slots (${slots[*]}), ${#checkout_clash[@]} checkout clashes")
        assert_eq "" "${others[*]}" "round $r: no acquire failed in another way"
        # Put the pool back: release whatever is claimed, saving any half-switched files.
        for s in $(git for-each-ref --format='%(refname:lstrip=3)' refs/porch/pool/); do
            run porch pool release "$s" --force
        done
        run porch pool health --fix
        expect_ok porch pool status --json
        assert_json "$OUT" '[d["busy"], sorted(set(s["state"] for s in d["slots"]))]' '[0,["idle"]]' \
            "round $r: after a shared slot, release --force and health --fix make every slot idle"
        ((FAILS == fails_before)) || break
        continue
    fi
    assert_eq "$SIZE" "${#winners[@]}" "round $r: exactly $SIZE of $PROCS concurrent acquires succeed"
    assert_eq "$SIZE" "$distinct" "round $r: the winners got $SIZE distinct slots wt-1..wt-$SIZE (${slots[*]})"
    assert_eq "$((PROCS - SIZE))" "${#losers[@]}" "round $r: the others fail with exit 128 and the pool-exhausted message"
    assert_eq "" "${others[*]}" "round $r: no acquire did anything else"
    # What git says: each winner's slot is claimed by it and on its branch; no loser left a trace.
    expect_ok porch pool status --json
    got=$(json_q "$OUT" '"\n".join(sorted("%s %s %s %s" % (s["slot"], s["state"], s["worker"], s["branch"]) for s in d["slots"]))')
    want=$(for e in "${seen[@]}"; do
        set -- $e
        printf '%s busy %s work/%s-round-%s\n' "$1" "$2" "$2" "$r"
    done | sort)
    assert_eq "$want" "$got" "round $r: pool status shows every winner busy in its slot"
    claims=$(git for-each-ref --format='%(refname:lstrip=3) %(objectname)' refs/porch/pool/ | sort)
    want=$(for e in "${seen[@]}"; do
        set -- $e
        printf '%s %s\n' "$1" "$(anchor "$2")"
    done | sort)
    assert_eq "$want" "$claims" "round $r: exactly the winners' claims exist"
    branches=$(git for-each-ref --format='%(refname:short)' "refs/heads/work/task-${r}x*" | sort)
    want=$(for i in "${winners[@]}"; do printf 'work/task-%sx%s-round-%s\n' "$r" "$i" "$r"; done | sort)
    assert_eq "$want" "$branches" "round $r: branches exist for the winners only"
    assert_eq "" "$(cd .git && find . -name '*.lock' | sort)" "round $r: no lock file is left behind"

    # --- 8 releases at once --------------------------------------------------------------------
    pids=()
    for ((k = 1; k <= SIZE; k++)); do
        git porch pool release "wt-$k" >"$D/r$k.out" 2>"$D/r$k.err" &
        pids+=($!)
    done
    rel_bad=()
    for ((k = 1; k <= SIZE; k++)); do
        if wait "${pids[k - 1]}"; then rc=0; else rc=$?; fi
        [[ $rc == 0 && ! -s $D/r$k.err && $(cat "$D/r$k.out") == "released wt-$k ("*"); its branch stays" ]] ||
            rel_bad+=("release wt-$k: exit $rc: $(cat "$D/r$k.out" "$D/r$k.err")")
    done
    assert_eq "" "${rel_bad[*]}" "round $r: $SIZE concurrent releases all succeed"
    expect_ok porch pool status --json
    assert_json "$OUT" '[d["size"], d["busy"], sorted(set((s["state"], s["worker"], s["branch"]) for s in d["slots"]))]' \
        "[$SIZE,0,[[\"idle\",null,null]]]" "round $r: after the releases all $SIZE slots are idle"
    heads=$(for ((k = 1; k <= SIZE; k++)); do
        git -C "$P/wt-$k" rev-parse HEAD
        git -C "$P/wt-$k" status --porcelain
    done | sort -u)
    assert_eq "$main_tip" "$heads" "round $r: every slot is clean and detached at the base"
    for e in "${seen[@]}"; do
        set -- $e
        echo "$2 $1" >>"$clean_winners"
    done
    if ((FAILS != fails_before)); then
        bad_rounds=$((bad_rounds + 1))
        printf 'round %d outputs:\n' "$r" >&2
        for ((i = 1; i <= PROCS; i++)); do
            printf '  acquire %d: exit %s: %s\n' "$i" "$(cat "$D/a$i.rc")" "$(cat "$D/a$i.out" "$D/a$i.err" | tr '\n' ' ')" >&2
        done
        ((bad_rounds < 3)) || break
    fi
done
rounds_done=$((r > ROUNDS ? ROUNDS : r - 1))
printf '%s: %d rounds of %d concurrent acquires (and %d concurrent releases) in %d s; %d with a shared slot\n' \
    "$_TEST_FILE" "$rounds_done" "$PROCS" "$SIZE" "$((SECONDS - started))" "${#shared_rounds[@]}"
assert_true "at least 10 rounds ran ($rounds_done)" test "$rounds_done" -ge "$((ROUNDS < 10 ? ROUNDS : 10))"
assert_true "concurrent acquires share a slot: refs/porch/pool/wt-<n> is created with git_reference_create(force=0), and libgit2 checks that the ref is absent BEFORE taking its lock, so a second process overwrites the first claim. ${#shared_rounds[@]} of $rounds_done rounds: $(printf '[round %s] ' "${shared_rounds[@]}")" \
    test "${#shared_rounds[@]}" -eq 0

# Events: each winner of a clean round has exactly one spawned and one released event, for the
# same slot; no process that failed with the exhausted message has any.
events=$(all_events)
want=$(sort "$clean_winners" | awk '{printf "%s spawned:%s released:%s\n", $1, $2, $2}')
got=$(awk 'NR == FNR { w[$1] = 1; next } ($1 in w)' "$clean_winners" <(printf '%s\n' "$events") | sort)
assert_eq "$want" "$got" "each winner has one spawned and one released event naming its slot"
assert_eq "" "$(awk 'NR == FNR { w[$1] = 1; next } ($1 in w)' "$losers_all" <(printf '%s\n' "$events") | head -5)" \
    "no event for an acquire refused as exhausted"
assert_true "test setup: the rounds had losers" test -s "$losers_all"
((${#shared_rounds[@]} > 0)) || {
    expect_ok porch pool health
    assert_eq "the pool is healthy" "$OUT" "the pool is healthy after all the rounds"
}
cd "$T"

# --- the first commands of a fresh repository, run concurrently -----------------------------------------
# 8 acquires on a new pool of 8 (no exhaustion possible) in a repository where porch has never
# recorded anything: no clone id, no refs/notes/porch yet. Several repositories are tried, as the
# races are a matter of timing; the loop stops once every known problem has shown.
config_race=() lost_event=() leftover_claim=() shared_fresh=() other_fresh=()
tried=0
fresh_started=$SECONDS
for ((n = 1; n <= FRESH; n++)); do
    ((SECONDS - fresh_started < 20)) || break
    tried=$n
    git init -q "f$n"
    cd "f$n"
    printf 'x\n' >README && git add README && git commit -q -m "Initial commit"
    git porch pool init $SIZE >/dev/null
    rm -rf "$D" && mkdir -p "$D"
    pids=()
    for ((i = 1; i <= SIZE; i++)); do
        git porch pool acquire "$i" fresh >"$D/a$i.out" 2>"$D/a$i.err" &
        pids+=($!)
    done
    ok=() okslots=()
    for ((i = 1; i <= SIZE; i++)); do
        if wait "${pids[i - 1]}"; then
            ok+=("task-$i")
            okslots+=("$(cut -d'|' -f1 "$D/a$i.out")")
        else
            err=$(head -n 1 "$D/a$i.err")
            case $err in
            "fatal: cannot write config porch.cloneId"*) config_race+=("f$n task-$i: $err") ;;
            "fatal: cannot check out work/task-$i-fresh in wt-"*) shared_fresh+=("f$n task-$i: $err") ;;
            *) other_fresh+=("f$n task-$i: $err") ;;
            esac
        fi
    done
    if (($(printf '%s\n' "${okslots[@]}" | sort -u | wc -l) != ${#ok[@]})); then
        shared_fresh+=("f$n: ${#ok[@]} winners on slots ${okslots[*]}")
    fi
    # Each winner's spawned event and registry entry must be there.
    ev=$(all_events)
    registry=$(git notes --ref=porch show "$(printf 'porch workers\n' | git hash-object --stdin)" 2>/dev/null || true)
    for w in "${ok[@]}"; do
        grep -q "^$w spawned:wt-" <<<"$ev" && grep -qx "$w" <<<"$registry" ||
            lost_event+=("f$n: $w succeeded but its spawned event or registry entry is missing")
    done
    # A claim must belong to a worker whose acquire succeeded.
    for c in $(git for-each-ref --format='%(refname:lstrip=3):%(objectname)' refs/porch/pool/); do
        owner=$(git cat-file -p "${c#*:}" | sed 's/^porch worker //')
        [[ " ${ok[*]} " == *" $owner "* ]] ||
            leftover_claim+=("f$n: ${c%%:*} stays claimed by $owner, whose acquire failed")
    done
    cd "$T"
    rm -rf "f$n"
    if ((${#config_race[@]} && ${#lost_event[@]} && ${#leftover_claim[@]} && ${#shared_fresh[@]})); then
        break
    fi
done
printf '%s: %d fresh repositories tried\n' "$_TEST_FILE" "$tried"
assert_eq "" "$(printf '%s\n' "${other_fresh[@]}" | sed '/^$/d')" \
    "fresh repositories: no acquire fails for a reason other than the known bugs"
assert_true "the first concurrent commands of a repository race to write porch.cloneId to .git/config; the losers fail: ${config_race[*]:0:2} (${#config_race[@]} in $tried repositories)" \
    test "${#config_race[@]}" -eq 0
assert_true "an acquire that fails while recording its event (after the claim, the branch and the switch) leaves its slot claimed and switched: ${leftover_claim[*]:0:2} (${#leftover_claim[@]} in $tried repositories)" \
    test "${#leftover_claim[@]}" -eq 0
if ((${#lost_event[@]})); then
    known_bug "events are lost when the first appends race: refs/notes/porch is created without an atomic 'must not exist' check, so one process overwrites the other's first notes commit: ${lost_event[*]:0:2} (${#lost_event[@]} in $tried repositories)" \
        false
else
    # The window is a few milliseconds: it shows in about one fresh repository in ten.
    printf '\nNOTE %s: the lost-first-event race (a known bug, rare) did not show in %d fresh repositories this run\n\n' \
        "$_TEST_FILE" "$tried" >&2
fi
assert_true "fresh repositories: concurrent acquires share a slot (the claim race): ${shared_fresh[*]:0:2} (${#shared_fresh[@]} in $tried repositories)" \
    test "${#shared_fresh[@]}" -eq 0

finish
