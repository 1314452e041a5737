#!/usr/bin/env bash
# Where everyday git set-ups met porch and porch was wrong (issue 16, items 15 to 18): comment
# lines under commit.cleanup=scissors, sparse checkouts, the advice for a worker's worktree on a
# detached HEAD, and integrate --finish beside an untracked file.
source "$(dirname "$0")/lib.sh"
cd "$T"
# Commits dated in the future: no worker is stalled, so only the alerts under test show.
set_clock $(($(date +%s) + 86400 * 365))

# The subject porch recorded for a worker's newest commit event.
recorded_subject() {
    run porch log --json "$1"
    json_q "$OUT" '[e["subject"] for e in (d if isinstance(d, list) else d["events"]) if e["type"] == "commit"][-1]'
}

# --- item 15: commit.cleanup=scissors with an editor keeps '#' lines -----------------------------
# An editor that types the message above what git put in the file, as a person does.
cat >"$T/editor.sh" <<'EOF'
#!/bin/sh
{ printf '%b' "$MESSAGE"; cat "$1"; } >"$1.new" && mv "$1.new" "$1"
EOF
chmod +x "$T/editor.sh"

porch_repo r15
expect_ok porch spawn 1 api
cd worktrees/task-1-api
git config commit.cleanup scissors

# '#' lines above the scissors are the message to git: here, its subject.
before=$(git rev-parse HEAD)
tick
MESSAGE='# 12 is fixed\n\n[CHECKPOINT] Work\n' GIT_EDITOR=$T/editor.sh run git commit --allow-empty
assert_eq 1 "$RC" "item 15: cleanup=scissors, editor: a '#' first line is the subject git keeps, so the commit is refused ($ERR)"
assert_contains "$ERR" "must start with a status tag" "item 15: refused for its subject"
assert_eq "$before" "$(git rev-parse HEAD)" "item 15: nothing committed"

# A valid subject with a '#' line under it: accepted, and git, porch agree on the subject.
tick
MESSAGE='[CHECKPOINT] Scissors work\n\n#2 stays in the body\n' GIT_EDITOR=$T/editor.sh run git commit --allow-empty
assert_eq 0 "$RC" "item 15: cleanup=scissors, editor: a valid subject above a '#' line is accepted ($ERR)"
assert_eq "[CHECKPOINT] Scissors work" "$(git log -1 --format=%s)" "item 15: the subject git stored"
assert_eq "#2 stays in the body" "$(git log -1 --format=%b)" "item 15: git kept the '#' line"
assert_eq "$(git log -1 --format=%s)" "$(recorded_subject task-1)" "item 15: porch recorded git's subject"

# With -v the diff below the scissors line is cut, whatever it says.
printf 'x\n' >f.txt && git add f.txt
tick
MESSAGE='[COMPLETE] Verbose\n' GIT_EDITOR=$T/editor.sh run git commit -v
assert_eq 0 "$RC" "item 15: cleanup=scissors, editor, -v: accepted ($ERR)"
assert_eq "[COMPLETE] Verbose" "$(git log -1 --format=%s)" "item 15: -v: the subject git stored"
assert_eq "$(git log -1 --format=%s)" "$(recorded_subject task-1)" "item 15: -v: porch recorded git's subject"

# -m: no editor, so git keeps '#' lines and cuts nothing (cleanup=scissors is whitespace then).
before=$(git rev-parse HEAD)
tick
run git commit --allow-empty -m "# note" -m "[CHECKPOINT] y"
assert_eq 1 "$RC" "item 15: cleanup=scissors with -m: '# note' is git's subject, refused"
assert_eq "$before" "$(git rev-parse HEAD)" "item 15: -m: nothing committed"
tick
run git commit --allow-empty -m "[CHECKPOINT] Plain" -m "# kept"
assert_eq 0 "$RC" "item 15: cleanup=scissors with -m: a valid subject is accepted ($ERR)"
assert_eq "$(git log -1 --format=%s)" "$(recorded_subject task-1)" "item 15: -m: porch recorded git's subject"

# The default cleanup with an editor still strips '#' lines, as git does.
git config --unset commit.cleanup
tick
MESSAGE='# a comment\n[CHECKPOINT] Stripped\n' GIT_EDITOR=$T/editor.sh run git commit --allow-empty
assert_eq 0 "$RC" "item 15: default cleanup, editor: a '#' line is a comment ($ERR)"
assert_eq "[CHECKPOINT] Stripped" "$(git log -1 --format=%s)" "item 15: default cleanup: git's subject"
cd "$T"

# --- item 16: a sparse checkout is not an uncommitted change ------------------------------------
# sources_repo <dir>: a porch repository with src/api/ and docs/, entered.
sources_repo() {
    new_repo "$1"
    cd "$1"
    mkdir -p src/api docs
    printf 'api\n' >src/api/app.txt
    printf 'docs\n' >docs/guide.txt
    git add src docs && commit "Add sources"
    expect_ok porch init -q
    git add .porch.toml && commit "Add porch settings"
}
sources_repo r16
expect_ok porch spawn 1 api --scope src/api
expect_ok porch spawn 2 web
for worker in task-1-api task-2-web; do
    git -C "worktrees/$worker" sparse-checkout set src/api
done
# task-2 also keeps a sparse index (index.sparse), which git writes in its own format.
git -C worktrees/task-2-web sparse-checkout set --sparse-index src/api
assert_false "test setup: docs/ left the sparse checkouts" test -e worktrees/task-1-api/docs
for worker in task-1-api task-2-web; do
    printf 'more\n' >>"worktrees/$worker/src/api/app.txt"
    git -C "worktrees/$worker" add src/api/app.txt
    tick
    run git -C "worktrees/$worker" commit -q -m "[COMPLETE] Sparse work"
    assert_eq 0 "$RC" "item 16: $worker: a commit in a sparse checkout passes porch's hooks ($ERR)"
    assert_eq "" "$(git -C "worktrees/$worker" status --porcelain)" "item 16: $worker: git sees a clean worktree"
done
run porch status --json
assert_json "$OUT" '[[w["id"], w["state"]] for w in d["workers"]]' '[["task-1","complete"],["task-2","complete"]]' \
    "item 16: both sparse workers are complete"
assert_json "$OUT" '[a["kind"] + " " + a["worker"] for a in d["alerts"]]' '[]' \
    "item 16: no uncommitted-changes alert (nor any other) for clean sparse workers"
cd "$T"

# A non-cone sparse main worktree, which `git worktree add` passes on to the workers it makes
# (.porch.toml is then outside the checkout), through doctor, integrate and cleanup.
sources_repo r16b
git sparse-checkout set --no-cone '/src/api/'
expect_ok porch spawn 1 api --scope src/api
assert_false "test setup: the worker inherited the sparse checkout" test -e worktrees/task-1-api/docs
printf 'more\n' >>worktrees/task-1-api/src/api/app.txt
tick
run git -C worktrees/task-1-api commit -q -am "[COMPLETE] Sparse work"
assert_eq 0 "$RC" "item 16: non-cone: a commit passes porch's hooks ($ERR)"
run porch status --json
assert_json "$OUT" '[[w["id"], w["state"]] for w in d["workers"]]' '[["task-1","complete"]]' \
    "item 16: non-cone: the worker is complete"
assert_json "$OUT" '[a["kind"] for a in d["alerts"]]' '[]' "item 16: non-cone: no alert"
run porch doctor
assert_eq 0 "$RC" "item 16: non-cone: doctor finds nothing ($OUT$ERR)"
run porch integrate feat
assert_eq 0 "$RC" "item 16: non-cone: integrate merges the sparse worker ($ERR)"
run porch integrate feat --finish
assert_eq 0 "$RC" "item 16: non-cone: integrate --finish into the sparse main worktree ($ERR)"
run porch cleanup
assert_eq 0 "$RC" "item 16: non-cone: cleanup ($ERR)"
assert_false "item 16: non-cone: cleanup removed the clean sparse worktree" test -e worktrees/task-1-api
cd "$T"

# --- item 17: a worker's worktree on a detached HEAD ---------------------------------------------
porch_repo r17
expect_ok porch spawn 1 api
commit -C worktrees/task-1-api "[CHECKPOINT] Work"
git -C worktrees/task-1-api switch -q --detach
run porch status --json
assert_json "$OUT" '[a["kind"] for a in d["alerts"] if a["worker"] == "task-1"]' '["worktree-wrong-branch"]' \
    "item 17: status: a detached HEAD in a worker's worktree"
status_action=$(json_q "$OUT" '[a["action"] for a in d["alerts"] if a["worker"] == "task-1"][0]')
run porch doctor --json
assert_json "$OUT" '[f["kind"] for f in d["findings"]]' '["branch-without-worktree"]' \
    "item 17: doctor: one finding"
doctor_action=$(json_q "$OUT" '[f["action"] for f in d["findings"]][0]')
assert_eq "$status_action" "$doctor_action" "item 17: doctor advises what status advises"
assert_not_contains "$doctor_action" "worktree add" "item 17: not a new worktree where one exists"
# Follow the printed fix literally.
cmd=${doctor_action#*: }
run sh -c "$cmd"
assert_eq 0 "$RC" "item 17: the printed fix works as typed: $cmd ($ERR)"
assert_eq "work/task-1-api" "$(git -C worktrees/task-1-api branch --show-current)" "item 17: the branch is back"
expect_ok porch doctor
assert_contains "$OUT" "healthy" "item 17: doctor is content after the fix"
cd "$T"

# --- item 18: integrate --finish beside untracked files -----------------------------------------
new_repo r18
cd r18
expect_ok porch init -q # .porch.toml stays untracked, as for a new user
expect_ok porch spawn 1 api
printf 'api\n' >worktrees/task-1-api/api.txt
git -C worktrees/task-1-api add api.txt
commit -C worktrees/task-1-api "[COMPLETE] API"
expect_ok porch integrate rel
printf 'scratch\n' >notes.txt
expect_ok porch integrate rel --finish
assert_eq "Merge integration/rel" "$(git log -1 --format=%s main)" "item 18: --finish merged beside untracked files it does not touch"
assert_eq "api" "$(cat api.txt)" "item 18: the merge reached the checkout"
assert_true "item 18: the untracked files are still there" test -f .porch.toml -a -f notes.txt

# An untracked file where the merge writes: refused, naming it, as git would refuse.
expect_ok porch spawn 2 web
printf 'web\n' >worktrees/task-2-web/web.txt
git -C worktrees/task-2-web add web.txt
commit -C worktrees/task-2-web "[COMPLETE] Web"
expect_ok porch integrate rel2
printf 'mine\n' >web.txt
expect_fail 128 "would overwrite untracked files: web.txt" -- porch integrate rel2 --finish
assert_not_contains "$ERR" ".porch.toml" "item 18: only the files in the way are named"
assert_eq "Merge integration/rel" "$(git log -1 --format=%s main)" "item 18: a refused --finish leaves main alone"
rm web.txt

# Changes to tracked files still refuse, and are named.
printf 'changed\n' >>README
expect_fail 128 "uncommitted changes to: README" -- porch integrate rel2 --finish
git checkout -q README
expect_ok porch integrate rel2 --finish
assert_eq "web" "$(cat web.txt)" "item 18: --finish merges once the way is clear"

finish
