#!/usr/bin/env bash
# git porch doctor [--fix] [--json]: what it finds (protocol commits on the base, branches without
# worktrees, missing hooks and config, stale locks), what --fix repairs (moving unpushed
# wrong-branch commits without switching the user's checkout), what it leaves to a person
# (pushed commits), exit codes.
source "$(dirname "$0")/lib.sh"
cd "$T"

# The findings of doctor --json as "kind|fixed" lines.
kinds() { json_q "$1" '"\n".join("%s|%s" % (f["kind"], str(f["fixed"]).lower()) for f in d["findings"])'; }

# Usage and "not a repository".
expect_fail 129 "--bogus" -- porch doctor --bogus
expect_fail 128 "" -- porch doctor

new_repo r
cd r
mkdir -p src/api src/web
printf 'api\n' >src/api/app.txt
printf 'web\n' >src/web/app.txt
git add src && tick && git commit -q -m "Add sources"
expect_ok porch init -q
git add .porch.toml && commit "Add porch settings"
expect_ok porch spawn 1 api --scope src/api
expect_ok porch spawn 2 web --scope src/web
W1=$T/r/worktrees/task-1-api
W2=$T/r/worktrees/task-2-web

# --- healthy -----------------------------------------------------------------------------------

expect_ok porch doctor
assert_contains "$OUT" "the repository is healthy" "a fresh set-up is healthy"
expect_ok porch doctor --json
assert_json "$OUT" 'd["findings"]' '[]' "no findings"
assert_json "$OUT" 'd["healthy"]' 'true' "healthy"

# --- a worker's commit made on main (the hook refuses it: --no-verify) -----------------------

main_before=$(git rev-parse main)
w1_before=$(git rev-parse work/task-1-api)
printf 'routes\n' >src/api/routes.txt
git add src/api/routes.txt && tick && git commit -q --no-verify -m "[CHECKPOINT] Add routes"
stray=$(git rev-parse --short main)

snapshot_state before
run porch doctor --json
assert_eq 1 "$RC" "a stray commit is a problem"
assert_eq "wrong-branch-commit|false" "$(kinds "$OUT")" "doctor finds the stray commit"
assert_json "$OUT" 'd["findings"][0]["message"]' \
    "commit $stray on 'main' carries a worker's status tag: [CHECKPOINT] Add routes" "the message names it"
assert_contains "$(json_q "$OUT" 'd["findings"][0]["action"]')" "git porch doctor --fix moves it onto work/task-1-api" \
    "the action says what --fix will do"
run porch doctor
assert_eq 1 "$RC" "text output: exit 1"
assert_contains "$OUT" "found  wrong-branch-commit: commit $stray" "text output names it"
assert_contains "$OUT" "next: git porch doctor --fix" "and says what to type next"
assert_state_unchanged before . "doctor without --fix changes nothing"

run porch doctor --fix --json
assert_eq 0 "$RC" "everything was fixed: exit 0"
assert_eq "wrong-branch-commit|true" "$(kinds "$OUT")" "the stray commit was moved"
assert_eq "$main_before" "$(git rev-parse main)" "main is back where it was"
assert_eq "refs/heads/main" "$(git symbolic-ref HEAD)" "the user's checkout is still main"
assert_eq "" "$(git status --porcelain)" "the main worktree is clean"
assert_false "the moved file left the main worktree" test -e src/api/routes.txt
assert_eq "$w1_before" "$(git rev-parse work/task-1-api~1)" "the commit sits on top of task-1's branch"
assert_eq "[CHECKPOINT] Add routes" "$(git log -1 --format=%s work/task-1-api)" "with its subject"
assert_eq "routes" "$(cat "$W1/src/api/routes.txt")" "task-1's worktree has the file"
assert_eq "" "$(git -C "$W1" status --porcelain)" "task-1's worktree is clean"
assert_eq "" "$(git worktree list --porcelain | grep porch-doctor || true)" "no temporary worktree is left"
run porch status --json
assert_json "$OUT" '[w["state"] for w in d["workers"] if w["id"] == "task-1"]' '["checkpoint"]' \
    "status sees task-1's moved checkpoint"
expect_ok porch doctor
assert_contains "$OUT" "the repository is healthy" "healthy again"

# Two workers' strays at once. A tracked change in the main worktree blocks the move; an
# untracked file does not. A NEEDS commit goes to the worker whose scope it touches, not the
# worker it names.
w1_mid=$(git rev-parse work/task-1-api)
w2_before=$(git rev-parse work/task-2-web)
printf 'x\n' >src/api/x.txt
git add src/api/x.txt && tick && git commit -q --no-verify -m "[CHECKPOINT] Add x"
printf 'y\n' >src/web/y.txt
git add src/web/y.txt && tick && git commit -q --no-verify -m "[NEEDS:task-1/X] Need x"
main_two=$(git rev-parse main)
printf 'change\n' >>src/api/app.txt
run porch doctor --fix --json
assert_eq 1 "$RC" "a tracked change in the main worktree blocks the move"
assert_eq $'wrong-branch-commit|false\nwrong-branch-commit|false' "$(kinds "$OUT")" "both are reported"
assert_contains "$(json_q "$OUT" 'd["findings"][0]["action"]')" "uncommitted changes" "it says why"
assert_eq "$main_two" "$(git rev-parse main)" "main is untouched"
assert_eq "$w1_mid" "$(git rev-parse work/task-1-api)" "task-1's branch is untouched"
git checkout -q -- src/api/app.txt
printf 'scratch\n' >scratch.txt
run porch doctor --fix --json
assert_eq 0 "$RC" "an untracked file does not block it"
assert_eq $'wrong-branch-commit|true\nwrong-branch-commit|true' "$(kinds "$OUT")" "both were moved"
assert_eq "$main_before" "$(git rev-parse main)" "main is back"
assert_eq "[CHECKPOINT] Add x" "$(git log -1 --format=%s work/task-1-api)" "task-1 got its commit"
assert_eq "$w1_mid" "$(git rev-parse work/task-1-api~1)" "on top of its branch"
assert_eq "[NEEDS:task-1/X] Need x" "$(git log -1 --format=%s work/task-2-web)" \
    "the NEEDS commit went to task-2, whose scope it touches"
assert_eq "$w2_before" "$(git rev-parse work/task-2-web~1)" "on top of its branch"
assert_eq "y" "$(cat "$W2/src/web/y.txt")" "task-2's worktree has the file"
assert_eq "scratch" "$(cat scratch.txt)" "the untracked file is kept"
rm scratch.txt

# A stray under an ordinary commit cannot leave main by a reset: reported with the commands.
printf 'z\n' >src/api/z.txt
git add src/api/z.txt && tick && git commit -q --no-verify -m "[CHECKPOINT] Add z"
below=$(git rev-parse --short main)
commit "Ordinary work"
main_below=$(git rev-parse main)
run porch doctor --fix --json
assert_eq 1 "$RC" "a buried stray remains a problem"
assert_eq "wrong-branch-commit|false" "$(kinds "$OUT")" "it is reported, not fixed"
action=$(json_q "$OUT" 'd["findings"][0]["action"]')
assert_contains "$action" "newer commits on main are not" "it says why"
assert_contains "$action" "git -C $W1 cherry-pick $below" "how to copy it"
assert_contains "$action" "git rebase --onto $below^ $below main" "how to drop it"
assert_eq "$main_below" "$(git rev-parse main)" "main is untouched"
git reset -q --hard "$main_before"

# A stray no scope covers (README) is reported with the commands, never moved.
printf 'more\n' >>README
git add README && tick && git commit -q --no-verify -m "[COMPLETE] Everything"
amb=$(git rev-parse --short main)
main_amb=$(git rev-parse main)
run porch doctor --fix --json
assert_eq 1 "$RC" "an unattributable stray remains a problem"
assert_eq "wrong-branch-commit|false" "$(kinds "$OUT")" "it is reported, not fixed"
assert_contains "$(json_q "$OUT" 'd["findings"][0]["action"]')" "no worker's scope covers" "it says why"
assert_contains "$(json_q "$OUT" 'd["findings"][0]["action"]')" "git rebase --onto $amb^ $amb main" \
    "and how to drop it"
assert_eq "$main_amb" "$(git rev-parse main)" "main is untouched"
git reset -q --hard "$main_amb~1"

# --- config, hooks, locks ------------------------------------------------------------------------

git config --unset-all notes.rewriteRef
run porch doctor --json
assert_eq 1 "$RC" "missing config is a problem"
assert_eq "config-missing|false" "$(kinds "$OUT")" "notes.rewriteRef is missing"
run porch doctor --fix --json
assert_eq 0 "$RC" "and --fix sets it"
assert_eq "config-missing|true" "$(kinds "$OUT")" "fixed"
assert_eq "refs/notes/porch" "$(git config --get-all notes.rewriteRef)" "notes.rewriteRef is set"

# A remote added after init lacks the refspecs that fetch porch's notes.
git init -q --bare "$T/doctor-remote.git"
git remote add team "$T/doctor-remote.git"
run porch doctor --json
assert_eq 1 "$RC" "a remote without the notes refspecs is a problem"
assert_eq 'config-missing|false' "$(kinds "$OUT")" "the refspec is missing"
assert_contains "$(json_q "$OUT" 'd["findings"][0]["message"]')" \
    "remote.team.fetch does not include +refs/notes/porch*:refs/notes/remotes/team/porch*" "named"
run porch doctor --fix --json
assert_eq 0 "$RC" "--fix adds them"
assert_eq $'+refs/heads/*:refs/remotes/team/*\n+refs/notes/porch*:refs/notes/remotes/team/porch*' \
    "$(git config --get-all remote.team.fetch)" "beside the branch refspec"
git remote remove team

expect_ok porch hooks uninstall
run porch doctor --json
assert_eq 1 "$RC" "missing hooks are a problem"
assert_eq "hooks-missing|false" "$(kinds "$OUT")" "the hooks are missing"
assert_contains "$(json_q "$OUT" 'd["findings"][0]["action"]')" "git porch hooks install" "says how to install them"
run porch doctor --fix --json
assert_eq 0 "$RC" "--fix installs them"
assert_eq "hooks-missing|true" "$(kinds "$OUT")" "fixed"
assert_true "commit-msg is installed" test -x .git/hooks/commit-msg

# core.hooksPath pointing elsewhere shadows the installed hooks.
git config core.hooksPath "$T/otherhooks"
run porch doctor --json
assert_eq "hooks-shadowed|false" "$(kinds "$OUT")" "hooks shadowed by core.hooksPath"
assert_contains "$(json_q "$OUT" 'd["findings"][0]["action"]')" "git config --unset core.hooksPath" \
    "says how to stop the shadowing"
run porch doctor --fix --json
assert_eq "hooks-shadowed|false" "$(kinds "$OUT")" "--fix does not write into another hooks folder"
assert_false "nothing was written there" test -e "$T/otherhooks"
git config --unset core.hooksPath

touch -d '20 minutes ago' .git/refs/notes/porch.lock
touch .git/refs/heads/fresh.lock
run porch doctor --json
assert_eq 1 "$RC" "a stale lock is a problem"
assert_eq "stale-lock|false" "$(kinds "$OUT")" "the old lock is found, the fresh one is not"
run porch doctor --fix --json
assert_eq 0 "$RC" "--fix removes it"
assert_false "the stale lock is gone" test -e .git/refs/notes/porch.lock
assert_true "the fresh lock stays" test -e .git/refs/heads/fresh.lock
rm .git/refs/heads/fresh.lock

# --- a worker whose worktree folder was deleted ---------------------------------------------------

rm -rf "$W2"
run porch doctor --fix --json
assert_eq 1 "$RC" "a branch without its worktree is left to a person"
assert_eq "branch-without-worktree|false" "$(kinds "$OUT")" "it is reported"
assert_contains "$(json_q "$OUT" 'd["findings"][0]["action"]')" "git worktree prune" "with the commands"
assert_true "the branch stays" git show-ref -q --verify refs/heads/work/task-2-web
git worktree prune
git worktree add -q "$W2" work/task-2-web
expect_ok porch doctor

# A worker whose pool slot was released keeps its branch without a worktree on purpose.
expect_ok porch pool init 1
expect_ok porch pool acquire 3 db --scope src/db
commit -C "$T/r/worktrees/wt-1" "[CHECKPOINT] Schema"
expect_ok porch pool release task-3
expect_ok porch doctor

# A worktree whose branch was deleted.
git worktree add -q "$T/r/worktrees/task-4-gone" -b work/task-4-gone
git -C "$T/r/worktrees/task-4-gone" checkout -q --detach
git branch -q -D work/task-4-gone
run porch doctor --json
assert_eq 1 "$RC" "a worktree without its branch is a problem"
assert_eq "worktree-without-branch|false" "$(kinds "$OUT")" "it is reported"
assert_contains "$(json_q "$OUT" 'd["findings"][0]["action"]')" "switch -c work/task-4-gone" "with the commands"
git worktree remove --force "$T/r/worktrees/task-4-gone"
expect_ok porch doctor

# --- what a killed spawn leaves -------------------------------------------------------------------
# Time passes in these cases by dating files back: a young branch or lock may belong to a command
# that is running now, and is never touched.
aged() { find "$(git rev-parse --git-common-dir)" \( -path '*/refs/*' -o -name locked \) -exec touch -d '20 minutes ago' {} +; }
base_before=$(git rev-parse main)
git branch work/task-30-killed main # killed after the branch, before the worktree
git branch work/task-31-killed main
git worktree add -q worktrees/task-31-killed work/task-31-killed # killed before the event
git branch work/task-32-killed main
git worktree add -q worktrees/task-32-killed work/task-32-killed
commit -C worktrees/task-32-killed "[CHECKPOINT] work in an unrecorded worker"
run porch doctor --fix --json
assert_eq "" "$(kinds "$OUT" | grep unfinished-spawn || true)" "young branches are left alone: a spawn may be running"
aged
run porch doctor --json
assert_contains "$(kinds "$OUT")" "unfinished-spawn|false" "an unfinished spawn is found"
run porch doctor --fix --json
assert_eq 1 "$RC" "one with work remains a problem"
assert_eq "unfinished-spawn|true
unfinished-spawn|true
unfinished-spawn|false" "$(kinds "$OUT" | grep unfinished-spawn)" "the two without work are undone"
assert_contains "$OUT" "spawn it again: git porch spawn 30 killed" "says how to spawn again"
assert_contains "$OUT" "record it with git porch reindex" "the one with work is left to reindex"
assert_false "the branch is gone" git rev-parse -q --verify work/task-30-killed
assert_false "the worktree is gone" test -e worktrees/task-31-killed
assert_eq "$base_before" "$(git rev-parse main)" "the base is untouched"
expect_ok porch spawn 30 killed
expect_ok porch reindex
expect_ok porch doctor

# A `git worktree add` killed before its checkout: locked, HEAD naming no commit.
git worktree add -q --detach worktrees/task-33-half main
admin=$(git rev-parse --git-common-dir)/worktrees/task-33-half
printf 'initializing\n' >"$admin/locked"
printf '%040d\n' 0 >"$admin/HEAD"
assert_false "test setup: git itself is broken by it" bash -c "git rev-list --all >/dev/null 2>&1"
run porch doctor --json
assert_eq "" "$(kinds "$OUT" | grep half-made || true)" "a young one may be git at work"
aged
run porch doctor --fix --json
assert_contains "$(kinds "$OUT")" "half-made-worktree|true" "an old one is removed"
assert_false "its folder is gone" test -e worktrees/task-33-half
assert_true "git works again" bash -c "git rev-list --all >/dev/null 2>&1"
expect_ok porch doctor

# --- a stray that was pushed ------------------------------------------------------------------------

git clone -q --bare . "$T/remote.git"
git remote add origin "$T/remote.git"
porch init -q # the notes refspecs for the new remote
printf 'page\n' >src/web/page.txt
git add src/web/page.txt && tick && git commit -q --no-verify -m "[CHECKPOINT] Add page"
pushed=$(git rev-parse --short main)
git push -q origin main
main_pushed=$(git rev-parse main)
w2_pushed=$(git rev-parse work/task-2-web)
run porch doctor --fix --json
assert_eq 1 "$RC" "a pushed stray remains a problem"
assert_eq "wrong-branch-commit|false" "$(kinds "$OUT")" "it is reported, not fixed"
action=$(json_q "$OUT" 'd["findings"][0]["action"]')
assert_contains "$action" "already pushed (origin/main)" "it says why"
assert_contains "$action" "git -C $W2 cherry-pick $pushed" "how to copy it"
assert_contains "$action" "git revert $pushed" "and how to undo it on main"
assert_eq "$main_pushed" "$(git rev-parse main)" "main is not rewritten"
assert_eq "$w2_pushed" "$(git rev-parse work/task-2-web)" "the worker's branch is untouched"

finish
