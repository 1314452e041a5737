#!/usr/bin/env bash
# An agent acts on porch's text alone: every refusal and alert names what is wrong and ends in
# commands that work as typed, with no terminal and no editor. Each command below is taken from
# porch's output and run exactly as printed (by sh, stdin /dev/null, GIT_EDITOR=false).
source "$(dirname "$0")/lib.sh"
cd "$T"

# line_after <text> <substring>: the line after the first line that contains <substring>, without
# its indentation.
line_after() {
    printf '%s\n' "$1" | awk -v want="$2" 'found { sub(/^ +/, ""); print; exit } index($0, want) { found = 1 }'
}
# typed <what> <command>: runs a printed command as an agent would; the check fails unless it
# succeeds. OUT/ERR/RC as with run.
typed() {
    local what=$1 cmd=$2
    _check
    if [[ -z $cmd ]]; then
        fail "$what: no command found in the output"
        return 0
    fi
    run sh -c "$cmd" </dev/null
    [[ $RC -eq 0 ]] || fail "$what: the printed command failed ($RC): $cmd" "    stderr:" "$(_show "$ERR")"
}
subject() { git -C "${1:-.}" log -1 --format=%s; }
refused_commit() { # <git commit args...>: a commit that porch must refuse
    tick
    run git commit -q "$@" </dev/null
    _check
    [[ $RC -ne 0 ]] || fail "expected porch to refuse: git commit $*"
}

porch_repo r
mkdir -p src/api src/web docs
printf 'a\n' >src/api/a.py
printf 'w\n' >src/web/w.js
printf '*.log\n' >.gitignore
git add . && commit "Add sources"
expect_ok porch spawn 1 api --scope src/api
expect_ok porch spawn 2 web --scope src/web
W1=$T/r/worktrees/task-1-api
W2=$T/r/worktrees/task-2-web

# --- 1. commit-msg refusal ------------------------------------------------------------------------
cd "$W1"
printf 'b\n' >src/api/b.py
git add src/api/b.py
refused_commit -m "Add b" -m "Body of b."
msg=$T/r/.git/worktrees/task-1-api/PORCH_COMMIT_MSG
assert_contains "$ERR" "Your message is kept, with a status tag, in $msg" \
    "commit-msg refusal: says where the message is kept"
assert_not_contains "$ERR" "git commit -e" "commit-msg refusal: no command that needs an editor"
assert_eq "[CHECKPOINT] Add b

Body of b." "$(cat "$msg")" "commit-msg refusal: the kept message has a valid tag and its body"
cmd=$(line_after "$ERR" "; commit it with:")
assert_eq "git commit -F $msg" "$cmd" "commit-msg refusal: git commit -F <kept file>, no -e"
(cd src/api && typed "commit-msg refusal: git commit -F, from a subfolder" "$cmd")
assert_eq "[CHECKPOINT] Add b" "$(subject)" "commit-msg refusal: the commit has the tagged subject"
assert_eq "Body of b." "$(git log -1 --format=%b | sed '/^$/d')" "commit-msg refusal: and the body"

printf 'c\n' >src/api/c.py
git add src/api/c.py
refused_commit -m "it's \$HOME \`x\`"
cmd=$(line_after "$ERR" "or, with its subject alone:")
assert_eq "git commit -m '[CHECKPOINT] it'\\''s \$HOME \`x\`'" "$cmd" \
    "commit-msg refusal: the -m form, quoted for sh"
typed "commit-msg refusal: the ready-to-paste git commit -m" "$cmd"
assert_eq "[CHECKPOINT] it's \$HOME \`x\`" "$(subject)" "commit-msg refusal: -m committed the subject as is"

# git commit -a: the redo takes the same paths.
printf 'more\n' >>src/api/a.py
refused_commit -a -m "[complete] Tweak a"
cmd=$(line_after "$ERR" "; commit it with:")
assert_eq "git -C $W1 commit -F $msg -- src/api/a.py" "$cmd" \
    "commit-msg refusal: after git commit -a, the paths it took (the tag's case mended)"
typed "commit-msg refusal: the redo of git commit -a" "$cmd"
assert_eq "[COMPLETE] Tweak a" "$(subject)" "commit-msg refusal: -a redone"
assert_eq "src/api/a.py" "$(git show --name-only --format= HEAD)" "commit-msg refusal: with a.py"

# An empty commit (a BLOCKED without its reason): --allow-empty.
refused_commit --allow-empty -m "[BLOCKED] need the spec"
cmd=$(line_after "$ERR" "or, with its subject alone:")
assert_eq "git commit --allow-empty -m '[CHECKPOINT] need the spec'" "$cmd" \
    "commit-msg refusal: an empty commit is redone with --allow-empty"
typed "commit-msg refusal: the empty redo" "$cmd"

# Many paths: a pathspec file.
for i in $(seq 12); do printf '%s\n' "$i" >"src/api/n$i.py"; done
git add src/api && git commit -q -m "[CHECKPOINT] n files"
for i in $(seq 12); do printf 'x\n' >>"src/api/n$i.py"; done
refused_commit -a -m "Touch them all"
cmd=$(line_after "$ERR" "; commit it with:")
assert_contains "$cmd" "--pathspec-from-file=" "commit-msg refusal: twelve paths go into a pathspec file"
typed "commit-msg refusal: the redo with a pathspec file" "$cmd"
assert_eq 12 "$(git show --name-only --format= HEAD | wc -l)" "commit-msg refusal: all twelve committed"

# --- 2. scope refusal ---------------------------------------------------------------------------
printf 'd\n' >src/api/d.py
mkdir -p docs && printf 'x\n' >docs/x.md
printf 'y\n' >"docs/my file[1].md"
git add src/api/d.py docs
refused_commit -m "[CHECKPOINT] Add d"
assert_contains "$ERR" "These staged paths are outside that scope:" "scope refusal: lists the paths"
assert_not_contains "$ERR" "<path>" "scope refusal: no placeholder"
cmd=$(line_after "$ERR" "Leave them out: unstage them, then commit the rest:")
assert_eq "git -C $W1 restore --staged -- ':(literal)docs/my file[1].md' docs/x.md && git commit -F $msg" \
    "$cmd" "scope refusal: the exact paths, quoted, after --, then the commit of the rest"
typed "scope refusal: unstage and commit the rest" "$cmd"
assert_eq "src/api/d.py" "$(git show --name-only --format= HEAD)" "scope refusal: only d.py committed"
assert_eq "[CHECKPOINT] Add d" "$(subject)" "scope refusal: with its message"
assert_eq "" "$(git diff --cached --name-only)" "scope refusal: the others are unstaged"
assert_true "scope refusal: and left in place" test -f "docs/my file[1].md" -a -f docs/x.md

git add docs
refused_commit -m "[CHECKPOINT] Docs"
cmd=$(line_after "$ERR" "ask for a wider scope:")
assert_eq "git commit --allow-empty --only -m '[BLOCKED:scope] need docs/my file[1].md, docs/x.md'" \
    "$cmd" "scope refusal: the [BLOCKED:scope] request names the paths"
typed "scope refusal: ask for a wider scope" "$cmd"
assert_eq "[BLOCKED:scope] need docs/my file[1].md, docs/x.md" "$(subject)" "scope refusal: BLOCKED committed"
assert_eq "" "$(git show --name-only --format= HEAD)" "scope refusal: the request is empty"
assert_json "$(porch status --json --worker 1)" '[d["workers"][0]["state"], d["workers"][0]["reason"]]' \
    '["blocked","scope"]' "scope refusal: task-1 is blocked on its scope"
git restore --staged docs

# Many paths outside: a pathspec file for the restore.
for i in $(seq 11); do printf '%s\n' "$i" >"docs/m$i.md"; done
git add docs
refused_commit -m "[CHECKPOINT] Many docs"
cmd=$(line_after "$ERR" "Leave them out: unstage them:")
assert_contains "$cmd" "restore --staged --pathspec-from-file=" "scope refusal: many paths in a file"
typed "scope refusal: unstage many paths" "$cmd"
assert_eq "" "$(git diff --cached --name-only)" "scope refusal: all of them unstaged"
rm -rf docs

# --- 6. [COMPLETE] with files of the scope left out ---------------------------------------------
printf 'e\n' >src/api/e.py
printf 'log\n' >src/api/debug.log
printf 'more\n' >>src/api/b.py
printf 'out\n' >outside.txt
printf 'f\n' >src/api/f.py
git add src/api/f.py
refused_commit -m "[COMPLETE] API done"
assert_contains "$ERR" "[COMPLETE] leaves out 2 files in task-1's scope (src/api)" \
    "complete guard: refused, counting the files"
assert_contains "$ERR" "  src/api/b.py (changed)" "complete guard: lists the changed file"
assert_contains "$ERR" "  src/api/e.py (untracked)" "complete guard: lists the untracked file"
assert_not_contains "$ERR" "debug.log" "complete guard: ignored files do not count"
assert_not_contains "$ERR" "outside.txt" "complete guard: files outside the scope do not count"
assert_contains "$ERR" 'complete_with_uncommitted = "warn"' "complete guard: names the setting"
cmd=$(line_after "$ERR" "Include them and commit again:")
assert_eq "git -C $W1 add -- src/api/b.py src/api/e.py && git commit -F $msg" "$cmd" \
    "complete guard: the git add and the commit"
typed "complete guard: include them" "$cmd"
assert_eq "[COMPLETE] API done" "$(subject)" "complete guard: completed"
assert_eq "src/api/b.py
src/api/e.py
src/api/f.py" "$(git show --name-only --format= HEAD)" "complete guard: with every file"

# Under git commit -a an untracked file is still left out.
printf 'g\n' >src/api/g.py
printf 'again\n' >>src/api/b.py
refused_commit -a -m "[COMPLETE] API done again"
cmd=$(line_after "$ERR" "Include them and commit again:")
assert_eq "git -C $W1 add -- src/api/g.py && git -C $W1 commit -F $msg -- src/api/b.py src/api/g.py" \
    "$cmd" "complete guard: after -a, the add and the paths"
typed "complete guard: include them after -a" "$cmd"
assert_eq "src/api/b.py
src/api/g.py" "$(git show --name-only --format= HEAD)" "complete guard: -a redone with g.py"

# "warn": the commit passes, the warning gives the commands.
sed -i 's/^# complete_with_uncommitted = "refuse"$/complete_with_uncommitted = "warn"/' "$T/r/.porch.toml"
printf 'h\n' >src/api/h.py
tick
run git commit -q --allow-empty -m "[COMPLETE] With a warning"
assert_eq 0 "$RC" "complete guard: with \"warn\" the commit passes"
assert_contains "$ERR" "git porch: warning: [COMPLETE] leaves out 1 file" "complete guard: a warning"
cmd=$(line_after "$ERR" "Commit them too:")
typed "complete guard: the warning's commands" "$cmd"
assert_eq "[COMPLETE] With a warning" "$(subject)" "complete guard: a second [COMPLETE]"
assert_eq "src/api/h.py" "$(git show --name-only --format= HEAD)" "complete guard: with h.py"
git -C "$T/r" checkout -q -- .porch.toml

# A worker without scope: the whole tree is its scope.
expect_ok porch spawn 3 free
W3=$T/r/worktrees/task-3-free
cd "$W3"
printf 'top\n' >top.txt
refused_commit --allow-empty -m "[COMPLETE] Free"
assert_contains "$ERR" "in task-3's scope (the whole tree)" "complete guard: no scope means the whole tree"
typed "complete guard: include them (no scope)" "$(line_after "$ERR" "Include them and commit again:")"
assert_eq "top.txt" "$(git show --name-only --format= HEAD)" "complete guard: top.txt committed"

# --- 5. a protocol commit in the main worktree ----------------------------------------------------
cd "$T/r"
printf 'm\n' >src/web/m.js
git add src/web/m.js
main_head=$(git rev-parse HEAD)
refused_commit -m "[CHECKPOINT] Add m"
assert_contains "$ERR" "is a worker's protocol commit, and this is the base branch main (in $T/r)" "main guard: says where the commit is"
assert_contains "$ERR" "It belongs to task-2 (its scope covers the change)" "main guard: the worker whose scope covers the paths"
typed "main guard: commit without the tag (the command is checked, then undone)" \
    "$(line_after "$ERR" "commit it without the tag:")"
assert_eq "Add m" "$(subject)" "main guard: untagged commit made"
git reset -q --soft HEAD~1
refused_commit -m "[CHECKPOINT] Add m"
cmd=$(line_after "$ERR" "task-2 (scope: src/web), in $W2:")
assert_eq "git -C $T/r stash push -- src/web/m.js && cd $W2 && git stash pop && git add -- src/web/m.js && git commit -F $T/r/.git/PORCH_COMMIT_MSG" \
    "$cmd" "main guard: the commands that move the change"
typed "main guard: move the change to the worker's worktree" "$cmd"
assert_eq "$main_head" "$(git rev-parse HEAD)" "main guard: main is unchanged"
assert_eq "" "$(git status --porcelain -- src)" "main guard: the change left the main worktree"
assert_eq "[CHECKPOINT] Add m" "$(subject "$W2")" "main guard: committed in task-2's worktree"
assert_eq "src/web/m.js" "$(git -C "$W2" show --name-only --format= HEAD)" "main guard: with the file"

# Paths no scope covers: every worker's worktree, each with its commands.
printf 'readme\n' >>README
refused_commit -a -m "[COMPLETE] Readme"
assert_contains "$ERR" "for each of them:" "main guard: no single worker: all of them"
for w in "task-1 (scope: src/api), in $W1:" "task-2 (scope: src/web), in $W2:" "task-3 (scope: the whole tree), in $W3:"; do
    assert_contains "$ERR" "$w" "main guard: lists $w"
done
cmd=$(line_after "$ERR" "task-3 (scope: the whole tree), in $W3:")
typed "main guard: the commands for one of the listed workers" "$cmd"
assert_eq "[COMPLETE] Readme" "$(subject "$W3")" "main guard: committed in task-3's worktree"

# An empty protocol commit on main: cd and commit.
refused_commit --allow-empty -m "[BLOCKED:env] No database"
cmd=$(line_after "$ERR" "task-3 (scope: the whole tree), in $W3:")
assert_eq "cd $W3 && git commit --allow-empty -F $T/r/.git/PORCH_COMMIT_MSG" "$cmd" \
    "main guard: an empty commit needs no stash"
typed "main guard: the empty commit in the worktree" "$cmd"

# Untagged commits and merges on main pass.
tick
run git commit -q --allow-empty -m "Plain work on main"
assert_eq 0 "$RC" "main guard: untagged commits pass: $ERR"
tick
run git merge -q --no-ff --no-edit work/task-2-web
assert_eq 0 "$RC" "main guard: merging a worker's branch passes: $ERR"

# --- 3. dirty worktrees ---------------------------------------------------------------------------
cd "$W2"
for f in one two three four; do printf '%s\n' "$f" >"src/web/$f.js"; done
tick
run git commit -q --allow-empty -m "[COMPLETE] Web"
assert_ne 0 "$RC" "test setup: the complete guard refuses first"
sed -i 's/^# complete_with_uncommitted = "refuse"$/complete_with_uncommitted = "warn"/' "$T/r/.porch.toml"
run git commit -q --allow-empty -m "[COMPLETE] Web"
assert_eq 0 "$RC" "test setup: task-2 complete with untracked files ($ERR)"
cd "$T/r"
expect_ok porch status --json --worker 2
alert=$(json_q "$OUT" '[a for a in d["alerts"] if a["kind"] == "worktree-dirty"][0]')
assert_json "$alert" 'd["paths"]' '["src/web/four.js","src/web/one.js","src/web/three.js","src/web/two.js"]' \
    "dirty-worktree alerts: --json carries every path"
assert_json "$alert" 'd["message"]' \
    "task-2 is complete but its worktree has 4 uncommitted or untracked files (4 in its scope, which integrate would leave out): src/web/four.js, src/web/one.js, src/web/three.js and 1 more" \
    "dirty-worktree alerts: the first three files and a count"
action=$(json_q "$alert" 'd["action"]')
commit_cmd=${action#commit them: }
commit_cmd=${commit_cmd%%, or put them aside: *}
stash_cmd=${action##*, or put them aside: }
typed "dirty-worktree alerts: the commit command" "$commit_cmd"
assert_eq "" "$(git -C "$W2" status --porcelain)" "dirty-worktree alerts: committed, clean"
assert_eq "[COMPLETE] Add the files left out" "$(subject "$W2")" "dirty-worktree alerts: still complete"
printf 'five\n' >"$W2/src/web/five.js"
printf 'more\n' >>"$W2/src/web/one.js"
typed "dirty-worktree alerts: the stash command" "$stash_cmd"
assert_eq "" "$(git -C "$W2" status --porcelain)" "dirty-worktree alerts: stashed, clean"
git -C "$W2" stash drop -q 2>/dev/null || true
git checkout -q -- .porch.toml

# doctor: a stray commit on main that the base worktree's changes keep from moving.
cd "$T"
porch_repo d
expect_ok porch spawn 1 api --scope src
mkdir -p src && printf 'stray\n' >src/stray.py
git add src
tick
git commit -q --no-verify -m "[CHECKPOINT] Stray on main"
printf 'dirty\n' >>README
run porch doctor
assert_contains "$OUT" "has uncommitted changes to README" "doctor: names the files"
cmd=$(printf '%s\n' "$OUT" | grep -o "put them aside, move, and take them back: [^;]*" | head -n 1 || true)
cmd=${cmd#put them aside, move, and take them back: }
assert_eq "git -C '$T/d' stash push && git porch doctor --fix && git -C '$T/d' stash pop" "$cmd" \
    "doctor: the stash, the fix and the pop"
typed "doctor: the printed commands" "$cmd"
assert_eq "[CHECKPOINT] Stray on main" "$(subject worktrees/task-1-api)" "doctor: the stray moved to task-1"
assert_eq "README" "$(git diff --name-only)" "doctor: the change is back"

# --- 4. planning and advice texts -----------------------------------------------------------------
cd "$T"
porch_repo p
mkdir -p .porch
cat >.porch/plan.toml <<'TOML'
[[task]]
id = "1"
desc = "models"
scope = ["models/"]

[[task]]
id = "2"
desc = "api"
scope = ["api/"]
needs = ["1"]
TOML
git add .porch && commit "Add the plan"
sed -i 's/^# required = false$/required = true/' .porch.toml
git add .porch.toml && commit "QA required"
expect_ok porch plan apply
expect_fail 128 "no worker task-2: it is in the plan (.porch/plan.toml) but not spawned yet" -- porch kickoff 2
assert_contains "$ERR" "hint: start it with: git porch plan apply" "planning texts: planned task: plan apply"
expect_fail 128 "it is in the plan" -- porch resume 2
expect_fail 128 "no worker task-9" -- porch kickoff 9
assert_contains "$ERR" "git porch spawn 9 <description>" "planning texts: unknown task: spawn"
W=$T/p/worktrees/task-1-models
commit -C "$W" "[NEEDS:task-2/Schema] need the schema"
expect_ok porch status --json
assert_json "$OUT" '[[a["message"], a["action"]] for a in d["alerts"] if a["kind"] == "needs"]' \
    '[["task-1 needs Schema from task-2 (planned, not spawned yet)","start it: git porch plan apply"]]' \
    "planning texts: a NEEDS on a planned task says it is planned"
mkdir -p "$W/models" && printf 'm\n' >"$W/models/m.py" && git -C "$W" add models
commit -C "$W" "[COMPLETE] Models"
run porch plan apply
assert_contains "$OUT" "task-2 waits for task-1 to be complete and approved (qa)" \
    "planning texts: with qa.required a need is done once approved"
expect_ok porch qa approve 1
assert_contains "$OUT" "next: task-2 is ready now; start with: git porch plan apply" \
    "planning texts: qa approve points at plan apply"
typed "planning texts: the plan apply qa approve gives" "${OUT##*start with: }"
assert_contains "$OUT" "spawned task-2" "planning texts: task-2 started"

# plan check with no task; handoff without a remote.
cd "$T"
porch_repo e
mkdir -p .porch && : >.porch/plan.toml
expect_ok porch plan check
assert_not_contains "$OUT" "plan apply" "planning texts: plan check with no task does not suggest apply"
assert_contains "$OUT" "next: add [[task]] tables" "planning texts: it says how to add tasks"
expect_ok porch handoff
assert_not_contains "$OUT" "git porch sync" "planning texts: handoff without a remote does not advise sync"
git remote add origin "$T/nowhere.git"
expect_ok porch handoff
assert_contains "$OUT" "git porch sync" "planning texts: handoff with a remote advises sync"

# SEQUENTIAL: one task at a time.
cat >.porch/plan.toml <<'TOML'
[[task]]
id = "1"
desc = "a"
scope = ["a/"]

[[task]]
id = "2"
desc = "b"
scope = ["b/"]
TOML
git add .porch && commit "Two independent tasks"
expect_ok porch plan check
assert_contains "$OUT" "Execution Mode: SEQUENTIAL" "test setup: two tasks are sequential (min_tasks 3)"
expect_ok porch plan apply --json
assert_json "$OUT" '[s["worker"] for s in d["started"]]' '["task-1"]' \
    "planning texts: SEQUENTIAL: plan apply starts one task"
run porch plan apply
assert_eq 1 "$RC" "planning texts: SEQUENTIAL: nothing else until task-1 is complete"
assert_contains "$OUT" "task-2 waits for task-1 to be complete" "planning texts: SEQUENTIAL: task-2 waits"
commit -C worktrees/task-1-a "[COMPLETE] A"
expect_ok porch plan apply --json
assert_json "$OUT" '[s["worker"] for s in d["started"]]' '["task-2"]' \
    "planning texts: SEQUENTIAL: then the next one"

finish
