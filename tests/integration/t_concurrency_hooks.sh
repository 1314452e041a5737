#!/usr/bin/env bash
# Eight workers committing at the same time through the real hooks: every commit of every branch
# is recorded exactly once (the store's compare-and-swap retries lose nothing and duplicate
# nothing), and no commit fails or warns. Three rounds, each in a fresh repository.
source "$(dirname "$0")/lib.sh"
cd "$T"

WORKERS=8
COMMITS=${PORCH_CONCURRENCY_COMMITS:-50}
ROUNDS=${PORCH_CONCURRENCY_ROUNDS:-3}

# Checks one round's repository; prints one problem a line, nothing when all is well.
problems() {
    local lists=$T/lists
    mkdir -p "$lists"
    local i
    for ((i = 1; i <= WORKERS; i++)); do
        git rev-list "main..work/task-$i-w" >"$lists/task-$i"
    done
    git porch log --json >"$lists/log.json"
    python3 - "$lists" "$WORKERS" "$COMMITS" <<'EOF'
import collections, json, os, sys
lists, workers, commits = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
log = json.load(open(os.path.join(lists, "log.json")))
bad = []
seen = collections.Counter((e["worker"], e.get("commit")) for e in log if e["type"] == "commit")
for (w, c), n in seen.items():
    if n > 1:
        bad.append("%s %s recorded %d times" % (w, c, n))
want = set()
for i in range(1, workers + 1):
    w = "task-%d" % i
    ids = open(os.path.join(lists, w)).read().split()
    if len(ids) != commits:
        bad.append("%s has %d commits on its branch, not %d" % (w, len(ids), commits))
    want |= {(w, c) for c in ids}
got = set(seen)
for w, c in sorted(want - got):
    bad.append("%s %s is not recorded" % (w, c))
for w, c in sorted(got - want):
    bad.append("%s %s is recorded but not on the branch" % (w, c))
by_worker = collections.defaultdict(list)
for e in log:
    by_worker[e["worker"]].append(e)
if sorted(by_worker) != sorted("task-%d" % i for i in range(1, workers + 1)):
    bad.append("workers in the log: %s" % sorted(by_worker))
for w, events in by_worker.items():
    types = collections.Counter(e["type"] for e in events)
    if types != {"spawned": 1, "commit": commits}:
        bad.append("%s has events %s" % (w, dict(types)))
    lamports = sorted(e["lamport"] for e in events)
    if lamports != list(range(1, len(events) + 1)):
        bad.append("%s lamport clocks are not 1..%d" % (w, len(events)))
    for e in events:
        if e["type"] == "commit" and (e["source"], e["valid"], e["state"]) != ("hook", True, "checkpoint"):
            bad.append("%s %s: %s" % (w, e["commit"], (e["source"], e["valid"], e["state"])))
print("\n".join(bad[:40]))
EOF
}

total_start=$(date +%s%N)
for ((round = 1; round <= ROUNDS; round++)); do
    cd "$T"
    new_repo "round$round"
    cd "round$round"
    porch init -q
    git add .porch.toml && commit "Add porch settings"
    for ((i = 1; i <= WORKERS; i++)); do
        porch spawn "$i" w >/dev/null
    done
    start=$(date +%s%N)
    pids=()
    for ((i = 1; i <= WORKERS; i++)); do
        (
            set +e
            trap - ERR
            cd "worktrees/task-$i-w" || exit 1
            failed=0
            for ((n = 1; n <= COMMITS; n++)); do
                printf 'task-%s commit %s\n' "$i" "$n" >"work-$i.txt"
                git add "work-$i.txt" && git commit -q -m "[CHECKPOINT] task-$i commit $n" || failed=$((failed + 1))
            done
            exit "$failed"
        ) >"$T/out.$round.$i" 2>"$T/err.$round.$i" &
        pids+=($!)
    done
    for ((i = 1; i <= WORKERS; i++)); do
        rc=0
        wait "${pids[i - 1]}" || rc=$?
        assert_eq 0 "$rc" "round $round: every commit of task-$i succeeded (failures: $rc)"
        assert_eq "" "$(cat "$T/err.$round.$i")" "round $round: task-$i's commits printed no warning"
    done
    elapsed=$((($(date +%s%N) - start) / 1000000))
    printf 'round %d: %d workers x %d commits in %d ms\n' "$round" "$WORKERS" "$COMMITS" "$elapsed"

    assert_eq "" "$(problems)" "round $round: every commit of every branch is recorded exactly once"
    assert_eq "$WORKERS" "$(git porch status --json | python3 -c '
import json, sys
print(sum(1 for w in json.load(sys.stdin)["workers"]
          if w["state"] == "checkpoint" and w["commits"] == '"$COMMITS"' and w["unvalidated"] == 0))')" \
        "round $round: status shows every worker at checkpoint with all its commits"
    assert_eq "$(seq -f 'task-%g' 1 "$WORKERS" | sort)" \
        "$(git notes --ref porch show "$(printf 'porch workers\n' | git hash-object --stdin)")" \
        "round $round: the registry lists every worker once"
    assert_eq "" "$(find .git -name '*.lock' -o -name '*.porch-tmp' | sort)" "round $round: no lock or temporary file left"
    expect_ok porch reindex
    assert_eq "nothing to record: the notes know every commit of every worker" "$OUT" \
        "round $round: reindex finds nothing the hooks missed"
done
total=$((($(date +%s%N) - total_start) / 1000000))
printf 'total: %d rounds in %d ms\n' "$ROUNDS" "$total"

finish
