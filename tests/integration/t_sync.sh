#!/usr/bin/env bash
# git porch sync against a real server: a git daemon on 127.0.0.1 serving a bare repository,
# three clones that each spawn and commit, then sync at the same moment, ten rounds
# (PORCH_SYNC_ROUNDS; fewer under the sanitizers, see CMakeLists.txt). Afterwards
# every clone sees every worker in the same state and every event exactly once; a second sync
# changes nothing; diverged clones converge in either order; a remote's malformed line and
# oversized note are skipped with a warning; status shows teammates and the fetch age.
source "$(dirname "$0")/lib.sh"
cd "$T"
ROUNDS=${PORCH_SYNC_ROUNDS:-10}

# --- the server -----------------------------------------------------------------------------------
serve_team # $T/srv/team.git, served at $URL

view() { git -C "$1" porch status --json | python3 -c '
import json, sys
d = json.load(sys.stdin)
print(" ".join("%s:%s:%s" % (w["id"], w["state"], w["clone"]) for w in d["workers"]))'; }
events() { git -C "$1" porch log --json | python3 -c '
import json, sys
d = json.load(sys.stdin)
ids = [e["id"] for e in d]
dup = len(ids) - len(set(ids))
print(len(ids), dup, sum(1 for e in d if e["type"] == "commit"))'; }

# team_scenario <url> <folder>: three clones of <url> in <folder> spawn, commit and sync at once.
team_scenario() {
    local URL=$1 n round c k wt pids p failed before tip_a
    mkdir "$T/$2"
    cd "$T/$2"
    new_repo seed
    git -C seed push -q "$URL" main
    for c in a b c; do
        git clone -q "$URL" "$c"
        git -C "$c" config porch.name "clone-$c"
        in_dir "$c" expect_ok porch init -q
    done
    assert_contains "$(git -C a config --get-all remote.origin.fetch)" "+refs/notes/porch*:refs/notes/remotes/origin/porch*" \
        "init set the notes refspec of the clone's remote"

    # Each clone spawns two workers and commits.
    n=0
    for c in a b c; do
        for k in 1 2; do
            n=$((n + 1))
            in_dir "$c" expect_ok porch spawn "$n" "w$n"
            wt=$(ls -d "$c"/worktrees/task-"$n"-*)
            commit -C "$wt" "[CHECKPOINT] first of $n"
        done
    done

    # Every round, every clone commits, then all three sync at the same moment.
    for round in $(seq "$ROUNDS"); do
        n=0
        for c in a b c; do
            for k in 1 2; do
                n=$((n + 1))
                wt=$(ls -d "$c"/worktrees/task-"$n"-*)
                if ((round == ROUNDS && n % 2 == 0)); then
                    commit -C "$wt" "[COMPLETE] done $n"
                else
                    commit -C "$wt" "[CHECKPOINT] round $round of $n"
                fi
            done
        done
        pids=()
        for c in a b c; do
            (cd "$c" && git porch sync >"$T/sync-$c-$round.out" 2>&1) &
            pids+=($!)
        done
        failed=0
        for p in "${pids[@]}"; do wait "$p" || failed=$((failed + 1)); done
        assert_eq 0 "$failed" "round $round: three simultaneous syncs all succeed ($(cat "$T"/sync-*-"$round".out | tr '\n' ' '))"
    done
    # One more pass so every clone has what the others pushed last.
    for c in a b c; do in_dir "$c" expect_ok porch sync; done

    # The same view everywhere: every worker, the same states; every event once.
    expected="task-1:checkpoint:clone-a task-2:complete:clone-a task-3:checkpoint:clone-b task-4:complete:clone-b task-5:checkpoint:clone-c task-6:complete:clone-c"
    for c in a b c; do
        assert_eq "$expected" "$(view "$c")" "clone $c sees every worker in the same state, with its clone"
    done
    # 6 spawns + 6 x (ROUNDS + 1) commits
    for c in a b c; do
        assert_eq "$((6 + 6 * (ROUNDS + 1))) 0 $((6 * (ROUNDS + 1)))" "$(events "$c")" \
            "clone $c: every event exactly once (events, doubles, commits)"
    done
    assert_eq "$(git -C a rev-parse refs/notes/porch^{tree})" "$(git -C b rev-parse refs/notes/porch^{tree})" \
        "a and b hold the same store"
    assert_eq "$(git -C a rev-parse refs/notes/porch^{tree})" "$(git -C c rev-parse refs/notes/porch^{tree})" \
        "a and c too"

    # Teammates in status: local vs theirs, where they run, the fetch age.
    in_dir a expect_ok porch status
    assert_contains "$OUT" "(on clone-b)" "a teammate's worker shows where it runs"
    assert_contains "$OUT" "teammates' events fetched" "status says how old the view is"
    in_dir a expect_ok porch status --local --json
    assert_json "$OUT" '[w["id"] for w in d["workers"]]' '["task-1","task-2"]' "--local narrows to this clone"
    assert_json "$OUT" 'd["last_fetch"] is not None' true "the JSON has the fetch time"

    # A second sync with nothing new changes nothing, anywhere.
    before=$(git ls-remote "$URL" | sort)
    tip_a=$(git -C a rev-parse refs/notes/porch)
    in_dir a expect_ok porch sync
    assert_contains "$OUT" "no new events from origin" "nothing new"
    assert_eq "$tip_a" "$(git -C a rev-parse refs/notes/porch)" "the local store did not move"
    assert_eq "$before" "$(git ls-remote "$URL" | sort)" "nor did the server"

}
git init -q --bare -b main srv/plain.git
team_scenario "file://$T/srv/plain.git" file
team_scenario "$URL" daemon # the rest goes on with the daemon's clones, in $T/daemon

# --- diverged offline, converged in either order ------------------------------------------------
for order in "a b" "b a"; do
    set -- $order
    commit -C "$(ls -d a/worktrees/task-1-*)" "[CHECKPOINT] offline in a ($order)"
    commit -C "$(ls -d b/worktrees/task-3-*)" "[CHECKPOINT] offline in b ($order)"
    in_dir "$1" expect_ok porch sync
    in_dir "$2" expect_ok porch sync
    in_dir "$1" expect_ok porch sync
    assert_eq "$(git -C a rev-parse refs/notes/porch^{tree})" "$(git -C b rev-parse refs/notes/porch^{tree})" \
        "diverged stores converge, $1 first"
    assert_eq "$(events a)" "$(events b)" "with the same events ($order)"
done

# --- --no-push, a bad remote ------------------------------------------------------------------------
commit -C "$(ls -d c/worktrees/task-5-*)" "[CHECKPOINT] kept home"
server=$(git ls-remote "$URL" refs/notes/porch)
in_dir c expect_ok porch sync --no-push
assert_eq "$server" "$(git ls-remote "$URL" refs/notes/porch)" "--no-push leaves the server alone"
in_dir a expect_ok porch sync --branches
pushed="work/task-1-w1: pushed to origin ($((ROUNDS + 3)) commits, new there)"
pushed+=$'\n'"work/task-2-w2: pushed to origin ($((ROUNDS + 1)) commits, new there)"
assert_contains "$OUT" "$pushed" "--branches pushes this clone's workers' branches"
assert_eq "refs/heads/main refs/heads/work/task-1-w1 refs/heads/work/task-2-w2" \
    "$(git ls-remote --heads "$URL" | awk '{print $2}' | sort | paste -sd' ')" "and no one else's"
in_dir c expect_fail 128 "no remote nowhere" -- porch sync nowhere
in_dir c expect_fail 129 "" -- porch sync --bogus

# --- hostile data from the remote: skipped with one warning, never fatal ---------------------------
git init -q --bare "$T/srv/evil.git"
new_repo evil
cd evil
live=$(printf 'porch worker task-1\n' | git hash-object -w --stdin)
good='{"clone":"0000","desc":"x","id":"feedfacefeedfacefeedfacefeedface","lc":999,"t":1700000000,"type":"note","v":1,"worker":"task-1"}'
printf '%s\nnot json at all\n{"v":1,"type":"spawned","worker":"../../etc"}\n\033]0;owned\007\n' "$good" >"$T/note.txt"
git notes --ref porch add -f -F "$T/note.txt" "$live"
big=$(printf 'porch worker task-2\n' | git hash-object -w --stdin)
python3 -c 'import sys; sys.stdout.write("x" * (2 * 1024 * 1024))' >"$T/big.txt"
git notes --ref porch add -f -F "$T/big.txt" "$big"
git push -q "$T/srv/evil.git" refs/notes/porch:refs/notes/porch
cd "$T/daemon/a"
git remote add evil "git://127.0.0.1:$PORT/evil.git"
run git porch sync evil --no-push
assert_eq 0 "$RC" "a remote's bad data is never fatal: $ERR"
assert_contains "$ERR" "warning: skipped 4 malformed, oversized or misplaced" \
    "one warning counts what was skipped (3 bad lines and the 2 MB note)"
expect_ok porch log task-1 --json
assert_contains "$OUT" '"id": "feedfacefeedfacefeedfacefeedface"' "the valid line was taken"
assert_not_contains "$OUT" "etc" "the bad ones were not"
expect_ok porch status
assert_not_contains "$OUT" $'\033' "no control character reaches the terminal"
cd "$T"

finish
