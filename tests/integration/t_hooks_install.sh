#!/usr/bin/env bash
# git porch hooks install|uninstall|status and the shims themselves: where they go (the common
# hooks folder, core.hooksPath absolute or relative), chaining a foreign hook and restoring the
# folder byte for byte, idempotence, hook managers (husky, lefthook, pre-commit), the shim's text,
# its fallback to the absolute path of git-porch, and hooks that never need a terminal.
source "$(dirname "$0")/lib.sh"
cd "$T"

HOOKS=(commit-msg post-commit post-merge)

hooks_dir() { git rev-parse --path-format=absolute --git-path hooks; }
# Every entry of a folder with its type, mode and link target, then the hash of every file.
listing() {
    (
        cd "$1"
        find . -mindepth 1 -printf '%y %m %p -> %l\n' | sort
        find . -type f -print0 | sort -z | xargs -0 -r sha1sum
    )
}
notes_tip() { git rev-parse -q --verify refs/notes/porch || echo none; }
# A PATH without git-porch's folder, with git (and everything else) still on it.
PORCH_DIR=$(dirname "$PORCH_BIN")
NOPORCH_PATH=$(printf '%s' "$PATH" | tr ':' '\n' | grep -vxF "$PORCH_DIR" | paste -sd:)

# --- init installs the three shims into the hooks folder git reads -------------------------------
new_repo r
cd r
common=$T/r/.git/hooks
assert_eq "$common" "$(hooks_dir)" "test setup: the hooks folder of a plain repository"
listing "$common" >"$T/r.hooks.before"
expect_ok porch init
for h in "${HOOKS[@]}"; do
    assert_contains "$OUT" "hooks: installed $h in $common" "init reports installing $h"
    f=$common/$h
    assert_true "$h is a regular executable file" test -f "$f" -a -x "$f"
    assert_eq 755 "$(stat -c %a "$f")" "$h has mode 755"
    assert_eq '#!/bin/sh' "$(head -n 1 "$f")" "$h starts with #!/bin/sh"
    assert_eq 0 "$(tr -cd '\r' <"$f" | wc -c)" "$h has LF line ends only"
    assert_eq 0a "$(tail -c 1 "$f" | od -An -tx1 | tr -d ' ')" "$h ends with a newline"
    assert_contains "$(sed -n 2p "$f")" "# git-porch hook shim v1 ($h)" "$h carries the shim marker"
    assert_contains "$(cat "$f")" "'$PORCH_BIN' hook $h" "$h has the absolute path of git-porch baked in"
    assert_true "$h is valid sh" sh -n "$f"
done
assert_false "no temporary file is left in the hooks folder" \
    compgen -G "$common/*.porch-tmp"
assert_eq "" "$(git status --porcelain --untracked-files=all | grep -v '^?? .porch.toml$' || true)" \
    "installing hooks changes nothing in the working tree"
git add .porch.toml && commit "Add porch settings"

# status, text and JSON
expect_ok porch hooks status
assert_eq "hooks folder: $common
  commit-msg   installed
  post-commit  installed
  post-merge   installed" "$OUT" "hooks status lists the three hooks as installed"
expect_ok porch hooks
assert_contains "$OUT" "  commit-msg   installed" "status is the default action"
expect_ok porch hooks status --json
assert_json "$OUT" 'd["dir"]' "$common" "hooks --json names the folder"
assert_json "$OUT" 'd["actions"]' '[]' "status changes nothing"
assert_json "$OUT" '[h["name"] for h in d["hooks"]]' '["commit-msg","post-commit","post-merge"]' \
    "hooks --json lists the three hooks in order"
assert_json "$OUT" '[h["state"] for h in d["hooks"]]' '["installed","installed","installed"]'
assert_json "$OUT" '[h["outdated"] for h in d["hooks"]]' '[false,false,false]'
assert_json "$OUT" '[h["path"] for h in d["hooks"]]' \
    "[\"$common/commit-msg\",\"$common/post-commit\",\"$common/post-merge\"]"
assert_false "no pre-commit shim: commit-msg makes its checks" test -e "$common/pre-commit"

# The shims really run: a worker's bad message is refused, a good one recorded.
expect_ok porch spawn 1 api
cd worktrees/task-1-api
try_commit "no tag here"
assert_ne 0 "$RC" "the installed commit-msg hook refuses a worker's bad message"
assert_contains "$ERR" "commit rejected (task-1)" "the refusal comes from porch"
try_commit "[CHECKPOINT] hooks work"
assert_eq 0 "$RC" "a good message passes: $ERR"
assert_eq "[CHECKPOINT] hooks work" "$(recorded task-1)" "post-commit recorded the commit"
cd "$T/r"

# --- the pre-commit shim of earlier versions goes: commit-msg makes its checks -------------------
sed 's/commit-msg/pre-commit/g' "$common/commit-msg" >"$common/pre-commit"
chmod 755 "$common/pre-commit"
expect_ok porch hooks install
assert_eq "removed pre-commit" "$OUT" "install takes away porch's old pre-commit shim"
assert_false "the old shim is gone" test -e "$common/pre-commit"

# --- idempotent --------------------------------------------------------------------------------
snapshot_state twice
listing "$common" >"$T/r.hooks.installed"
expect_ok porch hooks install
assert_eq "nothing to do" "$OUT" "a second install says there is nothing to do"
expect_ok porch hooks install --json
assert_json "$OUT" 'd["actions"]' '[]' "a second install --json has no actions"
assert_json "$OUT" '[h["state"] for h in d["hooks"]]' '["installed","installed","installed"]'
expect_ok porch init
assert_not_contains "$OUT" "hooks:" "a second init installs no hook"
assert_state_unchanged twice . "installing again changes nothing"
listing "$common" >"$T/r.hooks.again"
assert_file_eq "$T/r.hooks.installed" "$T/r.hooks.again" "installing again leaves the hooks byte-identical"

# --- an outdated shim is reported and updated ----------------------------------------------------
cp "$common/commit-msg" "$T/commit-msg.shim"
printf '# edited by hand\n' >>"$common/commit-msg"
expect_ok porch hooks status
assert_contains "$OUT" "  commit-msg   installed (outdated: run git porch hooks install)" \
    "status flags a shim that differs from this version's"
expect_ok porch hooks status --json
assert_json "$OUT" '[h["outdated"] for h in d["hooks"]]' '[true,false,false]' "only commit-msg is outdated"
expect_ok porch hooks install
assert_eq "updated commit-msg" "$OUT" "install updates the outdated shim only"
assert_file_eq "$T/commit-msg.shim" "$common/commit-msg" "the updated shim is the current text"
assert_eq 755 "$(stat -c %a "$common/commit-msg")" "the updated shim is executable"

# --- uninstall removes the shims and leaves the folder as it was ---------------------------------
expect_ok porch hooks uninstall
for h in "${HOOKS[@]}"; do
    assert_contains "$OUT" "removed $h" "uninstall reports removing $h"
done
listing "$common" >"$T/r.hooks.after"
assert_file_eq "$T/r.hooks.before" "$T/r.hooks.after" "uninstall leaves the hooks folder as before init"
expect_ok porch hooks status
assert_contains "$OUT" "  commit-msg   absent" "status shows absent hooks"
assert_contains "$OUT" "next: git porch hooks install" "status says how to install"
expect_ok porch hooks uninstall
assert_eq "nothing to do" "$OUT" "uninstall twice: nothing to do"
cd worktrees/task-1-api
try_commit "no tag, hooks gone"
assert_eq 0 "$RC" "without the hooks a bad message is committed: $ERR"
cd "$T"

# --- a foreign hook is chained, keeps working, and comes back byte for byte ----------------------
new_repo f
cd f
fh=$T/f/.git/hooks
# A commit-msg hook with a side effect (a log line) that rejects messages containing NOPE.
cat >"$fh/commit-msg" <<EOF
#!/bin/sh
# the team's own commit-msg hook
printf 'foreign commit-msg: %s\n' "\$(head -n 1 "\$1")" >>"$T/foreign.log"
if grep -q NOPE "\$1"; then
    echo "foreign hook: NOPE is not allowed" >&2
    exit 3
fi
exit 0
EOF
chmod 700 "$fh/commit-msg"
# A post-commit hook that is a symbolic link to a script elsewhere (a common set-up).
mkdir -p "$T/tools"
printf '#!/bin/sh\necho "foreign post-commit $(git rev-parse HEAD)" >>"%s/foreign.log"\n' "$T" \
    >"$T/tools/post-commit"
chmod 755 "$T/tools/post-commit"
ln -s "$T/tools/post-commit" "$fh/post-commit"
# Other files that belong to nobody: a non-executable pre-commit, a helper folder.
printf '#!/bin/sh\nexit 1\n' >"$fh/pre-commit"
chmod 644 "$fh/pre-commit"
mkdir -p "$fh/lib"
printf 'helper\n' >"$fh/lib/helper.sh"
chmod 600 "$fh/lib/helper.sh"
cp "$fh/commit-msg" "$T/commit-msg.foreign"
listing "$fh" >"$T/f.before"

expect_ok porch init
assert_contains "$OUT" "hooks: installed commit-msg (your hook is kept as commit-msg.porch-chained and still runs first) in $fh" \
    "init says the foreign commit-msg is kept"
assert_contains "$OUT" "hooks: installed post-commit (your hook is kept as post-commit.porch-chained" \
    "init says the foreign post-commit is kept"
assert_not_contains "$OUT" "pre-commit" "a pre-commit hook of yours is not touched"
assert_contains "$OUT" "hooks: installed post-merge in $fh" "post-merge is plainly installed"
assert_true "the foreign commit-msg is kept byte for byte" cmp -s "$T/commit-msg.foreign" "$fh/commit-msg.porch-chained"
assert_eq 700 "$(stat -c %a "$fh/commit-msg.porch-chained")" "the foreign hook keeps its mode"
assert_eq "$T/tools/post-commit" "$(readlink "$fh/post-commit.porch-chained")" "a symlinked hook stays a symlink"
assert_contains "$(sed -n 2p "$fh/commit-msg")" "git-porch hook shim" "commit-msg is now porch's shim"
expect_ok porch hooks status
assert_contains "$OUT" "  commit-msg   installed (chains your hook)" "status shows the chain"
expect_ok porch hooks status --json
assert_json "$OUT" '[h["state"] for h in d["hooks"]]' '["chained","chained","installed"]' \
    "hooks --json: two chained, post-merge installed"
git add .porch.toml && commit "Add porch settings"
expect_ok porch spawn 2 chain
: >"$T/foreign.log"

cd worktrees/task-2-chain
try_commit "[CHECKPOINT] both hooks agree"
assert_eq 0 "$RC" "a valid message passes both hooks: $ERR"
assert_contains "$(cat "$T/foreign.log")" "foreign commit-msg: [CHECKPOINT] both hooks agree" \
    "the foreign commit-msg ran (its side effect happened)"
assert_contains "$(cat "$T/foreign.log")" "foreign post-commit $(git rev-parse HEAD)" \
    "the foreign post-commit (a symlink) ran"
assert_eq "[CHECKPOINT] both hooks agree" "$(recorded task-2)" "porch recorded the commit too"
head=$(git rev-parse HEAD)

: >"$T/foreign.log"
try_commit "[CHECKPOINT] but NOPE"
assert_ne 0 "$RC" "the foreign hook's rejection still rejects"
assert_contains "$ERR" "foreign hook: NOPE is not allowed" "the foreign hook's message is shown"
assert_not_contains "$ERR" "git porch" "porch does not run after the foreign hook rejected"
assert_eq "$head" "$(git rev-parse HEAD)" "nothing was committed"
assert_eq "foreign commit-msg: [CHECKPOINT] but NOPE" "$(cat "$T/foreign.log")" \
    "the foreign hook ran once, no post-commit"

: >"$T/foreign.log"
try_commit "no tag"
assert_ne 0 "$RC" "porch still rejects after the foreign hook passed"
assert_contains "$ERR" "commit rejected (task-2)" "porch's rejection"
assert_eq "foreign commit-msg: no tag" "$(cat "$T/foreign.log")" "the foreign hook ran first"
assert_eq "$head" "$(git rev-parse HEAD)" "nothing was committed"
cd "$T/f"

# Outside workers the foreign hook still decides.
try_commit "main NOPE"
assert_ne 0 "$RC" "the foreign hook rejects on main too"
try_commit "plain main commit"
assert_eq 0 "$RC" "porch does not touch main: $ERR"

# Installing again changes nothing.
listing "$fh" >"$T/f.installed"
expect_ok porch hooks install
assert_eq "nothing to do" "$OUT" "install over installed chained hooks: nothing to do"
listing "$fh" >"$T/f.installed2"
assert_file_eq "$T/f.installed" "$T/f.installed2" "install twice leaves the folder identical"

expect_ok porch hooks uninstall
assert_contains "$OUT" "restored your commit-msg" "uninstall restores commit-msg"
assert_contains "$OUT" "restored your post-commit" "uninstall restores post-commit"
assert_contains "$OUT" "removed post-merge" "uninstall removes post-merge"
listing "$fh" >"$T/f.after"
assert_file_eq "$T/f.before" "$T/f.after" "after uninstall the hooks folder is byte for byte as before"
try_commit "again NOPE"
assert_ne 0 "$RC" "the restored foreign hook still works"

# A tool that overwrote porch's shim while the chained copy is still there: install refuses.
expect_ok porch hooks install
printf '#!/bin/sh\necho another tool\n' >"$fh/commit-msg"
chmod 755 "$fh/commit-msg"
expect_ok porch hooks status
assert_contains "$OUT" "  commit-msg   not ours (porch inactive)" "status sees the foreign hook"
assert_contains "$OUT" "next: git porch hooks install" "status suggests installing"
listing "$fh" >"$T/f.clash"
expect_fail 128 "both $fh/commit-msg and $fh/commit-msg.porch-chained exist" -- porch hooks install
listing "$fh" >"$T/f.clash2"
assert_file_eq "$T/f.clash" "$T/f.clash2" "a refused install changes nothing"
run porch hooks uninstall
assert_eq 0 "$RC" "uninstall with a foreign commit-msg still works"
assert_contains "$ERR" "note: $fh/commit-msg is not porch's shim, so commit-msg.porch-chained was left alone" \
    "uninstall says what it left alone"
assert_true "the chained copy is left in place" cmp -s "$T/commit-msg.foreign" "$fh/commit-msg.porch-chained"
cd "$T"

# --- a chained post-commit that fails: git ignores post-commit's exit status, so must porch ----
new_repo pc
cd pc
printf '#!/bin/sh\necho "notification failed" >&2\nexit 1\n' >.git/hooks/post-commit
chmod 755 .git/hooks/post-commit
porch init -q
git add .porch.toml && commit "Add porch settings" 2>/dev/null # the failing hook says so
expect_ok porch spawn 1 pc
cd worktrees/task-1-pc
try_commit "[CHECKPOINT] after a failing post-commit of yours"
assert_eq 0 "$RC" "git ignores a failing post-commit"
assert_contains "$ERR" "notification failed" "the chained post-commit ran"
recorded_after_failing_hook() { [[ $(recorded task-1) == "[CHECKPOINT] after a failing post-commit of yours" ]]; }
assert_true "a chained post-commit that exits non-zero stops porch from recording the commit (the shim does '|| exit \$?' for post-commit too)" \
    recorded_after_failing_hook
cd "$T"

# --- from a linked worktree: the common hooks folder, for every worktree --------------------------
new_repo w
cd w
expect_ok porch spawn 1 one # spawn before any hook is installed
cd worktrees/task-1-one
assert_eq "$T/w/.git/hooks" "$(hooks_dir)" "test setup: a linked worktree reads the common hooks"
expect_ok porch hooks install
for h in "${HOOKS[@]}"; do
    assert_contains "$OUT" "installed $h" "install from a worktree installs $h"
    assert_true "$h lands in the common hooks folder" test -x "$T/w/.git/hooks/$h"
done
assert_false "nothing in the worktree's private git folder" test -e "$T/w/.git/worktrees/task-1-one/hooks"
assert_eq "" "$(git status --porcelain --untracked-files=all)" "nothing lands in the worktree"
expect_ok porch hooks status --json
assert_json "$OUT" 'd["dir"]' "$T/w/.git/hooks" "status from the worktree names the common folder"
try_commit "bad in worker one"
assert_ne 0 "$RC" "the hooks work in the worktree they were installed from"
try_commit "[CHECKPOINT] good in worker one"
assert_eq 0 "$RC" "good message in worker one: $ERR"
cd "$T/w"
expect_ok porch hooks status --json
assert_json "$OUT" '[d["dir"], [h["state"] for h in d["hooks"]]]' \
    "[\"$T/w/.git/hooks\",[\"installed\",\"installed\",\"installed\"]]" \
    "the main checkout sees the hooks installed"
expect_ok porch spawn 2 two
cd worktrees/task-2-two
try_commit "bad in worker two"
assert_ne 0 "$RC" "the hooks work in a worktree made afterwards"
try_commit "[CHECKPOINT] good in worker two"
assert_eq 0 "$RC" "good message in worker two: $ERR"
assert_eq "[CHECKPOINT] good in worker two" "$(recorded task-2)" "worker two's commit is recorded"
assert_eq "[CHECKPOINT] good in worker one" "$(recorded task-1)" "worker one's commit is recorded"
cd "$T/w"
tip=$(notes_tip)
try_commit "not a protocol message on main"
assert_eq 0 "$RC" "the main checkout is not a worker: $ERR"
assert_eq "$tip" "$(notes_tip)" "a main commit records nothing"
in_dir worktrees/task-2-two expect_ok porch hooks uninstall
assert_false "uninstall from a worktree removes from the common folder" test -e .git/hooks/commit-msg
cd "$T"

# --- core.hooksPath, absolute -----------------------------------------------------------------
new_repo ha
cd ha
git config core.hooksPath "$T/shared hooks" # does not exist yet; a space in the name
expect_ok porch init
for h in "${HOOKS[@]}"; do
    assert_contains "$OUT" "hooks: installed $h in $T/shared hooks" "init installs $h into core.hooksPath"
    assert_true "$h is in core.hooksPath" test -x "$T/shared hooks/$h"
    assert_false "$h is not in .git/hooks" test -e ".git/hooks/$h"
done
expect_ok porch hooks status --json
assert_json "$OUT" 'd["dir"]' "$T/shared hooks" "status names core.hooksPath"
git add .porch.toml && commit "Add porch settings"
expect_ok porch spawn 1 abs
cd worktrees/task-1-abs
try_commit "bad with an absolute hooksPath"
assert_ne 0 "$RC" "the shims in an absolute core.hooksPath run for workers"
try_commit "[CHECKPOINT] good with an absolute hooksPath"
assert_eq 0 "$RC" "good message: $ERR"
assert_eq "[CHECKPOINT] good with an absolute hooksPath" "$(recorded task-1)" "and post-commit records"
cd "$T"

# core.hooksPath starting with ~ is not relative: git expands it to $HOME.
new_repo ht
cd ht
# shellcheck disable=SC2088 # the literal ~ is the point: git expands it
git config core.hooksPath '~/tilde-hooks'
run porch hooks install
assert_eq 0 "$RC" "install into ~/tilde-hooks: $ERR"
assert_true "shims go to \$HOME/tilde-hooks" test -x "$HOME/tilde-hooks/commit-msg"
assert_true "core.hooksPath '~/...' is reported as relative (git expands ~ to \$HOME): $ERR" \
    test -z "$ERR"
cd "$T"

# --- core.hooksPath, relative: shims go there, with a note ---------------------------------------
new_repo hr
cd hr
git config core.hooksPath .githooks
run porch hooks install
assert_eq 0 "$RC" "install with a relative core.hooksPath works: $ERR"
assert_contains "$ERR" "note: core.hooksPath is relative ('.githooks'): every worktree reads its own copy of that folder" \
    "a relative core.hooksPath gets a note"
for h in "${HOOKS[@]}"; do
    assert_true "$h is in the relative core.hooksPath" test -x ".githooks/$h"
done
run porch hooks status --json
assert_json "$OUT" 'd["dir"]' "$T/hr/.githooks" "status resolves the relative folder from the root"
# Following the note: commit the shims, and every worker's worktree has them.
git add .githooks && commit "Add porch hooks"
expect_ok porch spawn 1 rel
cd worktrees/task-1-rel
run porch hooks status --json
assert_json "$OUT" '[d["dir"], [h["state"] for h in d["hooks"]]]' \
    "[\"$T/hr/worktrees/task-1-rel/.githooks\",[\"installed\",\"installed\",\"installed\"]]" \
    "the worker's own copy of the relative folder has the shims"
try_commit "bad with a relative hooksPath"
assert_ne 0 "$RC" "the committed shims run in the worker"
try_commit "[CHECKPOINT] good with a relative hooksPath"
assert_eq 0 "$RC" "good message: $ERR"
assert_eq "[CHECKPOINT] good with a relative hooksPath" "$(recorded task-1)" "and post-commit records"
cd "$T"

# --- husky owns core.hooksPath: refused, with the lines to add ---------------------------------
new_repo hu
cd hu
mkdir -p .husky/_
printf '#!/bin/sh\necho husky\n' >.husky/_/commit-msg
chmod 755 .husky/_/commit-msg
git config core.hooksPath .husky/_
snapshot_state husky
expect_fail 128 "husky owns the hooks folder (core.hooksPath = .husky/_)" -- porch hooks install
# git-porch from PATH, else this binary (a GUI's PATH may lack it): see t_hook_managers.sh.
porch_cmd="\"\$(command -v git-porch || echo '$PORCH_BIN')\" hook"
for line in ".husky/commit-msg: $porch_cmd commit-msg \"\$1\"" \
    ".husky/post-commit: $porch_cmd post-commit" ".husky/post-merge: $porch_cmd post-merge \"\$1\""; do
    assert_contains "$ERR" "hint: $line" "the refusal says what to add: $line"
done
assert_state_unchanged husky . "a refused install writes nothing"
run porch hooks status
assert_eq 0 "$RC" "status works with husky"
assert_contains "$ERR" "note: husky manages core.hooksPath ('.husky/_')" "status explains husky"
# init with husky: either finish (hooks left to the user) or refuse without writing anything;
# not half of it and a failure.
run porch init
init_rc=$RC
snapshot_state husky_init
husky_init_ok() { [[ $init_rc -eq 0 ]] || cmp -s "$T/.snap.husky" "$T/.snap.husky_init"; }
assert_true "git porch init with husky exits $init_rc after writing .porch.toml and git config (half done; every rerun fails the same way)" \
    husky_init_ok
cd "$T"

# --- lefthook and pre-commit present: a note with a snippet --------------------------------------
new_repo lh
cd lh
printf 'pre-commit:\n  commands: {}\n' >lefthook.yml
run porch hooks install
assert_eq 0 "$RC" "install with lefthook.yml: $ERR"
assert_contains "$ERR" "note: lefthook found: 'lefthook install' replaces porch's hooks and never runs them again; add these lines to lefthook.yml" \
    "lefthook gets a note"
assert_contains "$ERR" "run: '\"\$(command -v git-porch || echo ''$PORCH_BIN'')\" hook commit-msg {1}'" \
    "the note has a lefthook snippet"
assert_true "the shims are installed anyway" test -x .git/hooks/commit-msg
snippet_on_lines() { grep -qx "      run: '.*hook commit-msg {1}'" "$ERR_FILE"; }
assert_true "the lefthook snippet is printed on one line with '?' for every newline, so it cannot be pasted" \
    snippet_on_lines
rm lefthook.yml
printf 'repos: []\n' >.pre-commit-config.yaml
run porch hooks status
assert_contains "$ERR" "note: pre-commit found: 'pre-commit install' keeps porch's hooks as <hook>.legacy and runs them first" \
    "pre-commit gets a note: porch needs no line in its config (t_hook_managers.sh runs the real one)"
rm .pre-commit-config.yaml
run porch hooks status
assert_eq "" "$ERR" "no note without a hook manager"
cd "$T"

# --- git-porch not on PATH: the shim falls back to the path baked in ------------------------------
assert_false "test setup: git-porch is not on the reduced PATH" env PATH="$NOPORCH_PATH" sh -c 'command -v git-porch'
assert_true "test setup: git is on the reduced PATH" env PATH="$NOPORCH_PATH" sh -c 'command -v git >/dev/null'
# A copy of the binary in a folder whose name needs quoting.
odd="$T/it's a \$dir"
mkdir -p "$odd"
cp "$PORCH_BIN" "$odd/git-porch"
new_repo p
cd p
expect_ok porch spawn 1 path
run "$odd/git-porch" hooks install
assert_eq 0 "$RC" "install from the copied binary: $ERR"
assert_contains "$(cat .git/hooks/commit-msg)" "$(printf '%s' "$odd/git-porch" | sed "s/'/'\\\\''/g")" \
    "the shim has the copy's path, quoted"
cd worktrees/task-1-path
PATH=$NOPORCH_PATH try_commit "bad without git-porch on PATH"
assert_ne 0 "$RC" "the fallback binary rejects a bad message"
assert_contains "$ERR" "commit rejected (task-1)" "the fallback binary ran the hook"
PATH=$NOPORCH_PATH try_commit "[CHECKPOINT] good without git-porch on PATH"
assert_eq 0 "$RC" "the fallback binary passes a good message: $ERR"
assert_eq "" "$ERR" "no warning on the fallback path"
assert_eq "[CHECKPOINT] good without git-porch on PATH" "$(recorded task-1)" \
    "post-commit recorded through the fallback binary"
# When the baked-in binary is gone too, the hook is skipped with a warning, never an error.
rm -rf "$odd"
PATH=$NOPORCH_PATH try_commit "not checked: porch is gone"
assert_eq 0 "$RC" "without any git-porch the commit goes through"
assert_contains "$ERR" "git porch: git-porch not found; commit-msg hook skipped" "and says the hook was skipped"
assert_contains "$ERR" "git porch: git-porch not found; post-commit hook skipped" "for post-commit too"
cd "$T/p"
expect_ok porch hooks status
assert_contains "$OUT" "  commit-msg   installed (outdated: run git porch hooks install)" \
    "a shim naming another binary is outdated"
expect_ok porch hooks install
assert_contains "$OUT" "updated commit-msg" "install rewrites the shims for this binary"
assert_contains "$(cat .git/hooks/commit-msg)" "'$PORCH_BIN' hook commit-msg" "the shim names this binary again"
cd "$T"

# --- direct hooks: links to git-porch, no shell on the commit path --------------------------------
new_repo d
cd d
git config porch.directHooks true
expect_ok porch init
dcommon=$T/d/.git/hooks
for h in "${HOOKS[@]}"; do
    assert_true "$h is a symbolic link" test -L "$dcommon/$h"
    assert_eq "$PORCH_BIN" "$(readlink "$dcommon/$h")" "$h links to this git-porch"
done
expect_ok porch hooks status --json
assert_json "$OUT" '[(h["state"], h["outdated"]) for h in d["hooks"]]' \
    '[["installed",false],["installed",false],["installed",false]]' "direct hooks are installed and current"
git add .porch.toml && commit "Add porch settings"
expect_ok porch spawn 1 direct
cd worktrees/task-1-direct
try_commit "no tag, direct"
assert_ne 0 "$RC" "a direct commit-msg hook refuses a worker's bad message"
assert_contains "$ERR" "commit rejected (task-1)" "the refusal comes from porch, run by the hook's name"
try_commit "[CHECKPOINT] direct hooks work"
assert_eq 0 "$RC" "a good message passes: $ERR"
assert_eq "" "$ERR" "nothing on stderr"
assert_eq "[CHECKPOINT] direct hooks work" "$(recorded task-1)" "post-commit recorded the commit"
# pre-commit (the tool) keeps the hook it replaces as <name>.legacy and runs it by that name.
printf '[CHECKPOINT] run as legacy\n' >"$T/legacy-msg"
ln -s "$PORCH_BIN" "$T/commit-msg.legacy"
run "$T/commit-msg.legacy" "$T/legacy-msg"
assert_eq 0 "$RC" "run as commit-msg.legacy, git-porch checks the message: $ERR"
printf 'no tag\n' >"$T/legacy-msg"
run "$T/commit-msg.legacy" "$T/legacy-msg"
assert_eq 1 "$RC" "and refuses a bad one"
cd "$T/d"
# Idempotent; a foreign hook to chain needs the shim, which runs it first.
expect_ok porch hooks install
assert_eq "nothing to do" "$OUT" "installing direct hooks again changes nothing"
rm "$dcommon/post-merge"
printf '#!/bin/sh\necho merged >>"%s"\n' "$T/d.merge.log" >"$dcommon/post-merge"
chmod +x "$dcommon/post-merge"
expect_ok porch hooks install
assert_true "a hook chaining the user's is a shim" test -f "$dcommon/post-merge" -a ! -L "$dcommon/post-merge"
assert_true "the user's hook is kept" test -f "$dcommon/post-merge.porch-chained"
# Switched off: install writes shims in place of the links.
git config porch.directHooks false
expect_ok porch hooks status
assert_contains "$OUT" "  commit-msg   installed (outdated: run git porch hooks install)" \
    "with porch.directHooks false a link is outdated"
expect_ok porch hooks install
assert_contains "$OUT" "updated commit-msg" "install replaces the link"
assert_contains "$(sed -n 2p "$dcommon/commit-msg")" "# git-porch hook shim v1 (commit-msg)" "by the shim"
git config porch.directHooks true
expect_ok porch hooks install
assert_true "and back to a link" test -L "$dcommon/commit-msg"
# The binary moved: git would skip a dangling link's hook; status and doctor tell and repair.
cp "$PORCH_BIN" "$T/moved-git-porch" && mkdir -p "$T/moved" && mv "$T/moved-git-porch" "$T/moved/git-porch"
run "$T/moved/git-porch" hooks install
assert_eq 0 "$RC" "install from another binary: $ERR"
assert_eq "$T/moved/git-porch" "$(readlink "$dcommon/commit-msg")" "the links follow the installing binary"
rm -rf "$T/moved"
expect_ok porch hooks status --json
assert_json "$OUT" '[h["outdated"] for h in d["hooks"]]' '[true,true,true]' \
    "links to a binary that is gone are outdated"
run porch doctor --fix
assert_contains "$OUT$ERR" "commit-msg" "doctor names the dangling hooks"
assert_eq "$PORCH_BIN" "$(readlink "$dcommon/commit-msg")" "doctor --fix links them to this binary again"
# A binary under another name gets shims: a link is known as porch's by its target's name.
cp "$PORCH_BIN" "$T/porch-dev"
run "$T/porch-dev" hooks install
assert_eq 0 "$RC" "install from a renamed binary: $ERR"
assert_true "a renamed binary installs a shim, not a link" test -f "$dcommon/commit-msg" -a ! -L "$dcommon/commit-msg"
rm -f "$T/porch-dev"
expect_ok porch hooks install
assert_true "this binary links again" test -L "$dcommon/commit-msg"
# A setting git cannot read as a boolean is refused, naming the fix.
git config porch.directHooks maybe
expect_fail 128 "porch.directHooks is not a boolean" -- porch hooks install
assert_contains "$ERR" "git config porch.directHooks true" "with the command to fix it"
git config porch.directHooks true
# uninstall takes the links away and restores the chained hook.
expect_ok porch hooks uninstall
for h in "${HOOKS[@]}"; do
    assert_false "$h link removed" test -L "$dcommon/$h"
done
assert_true "the user's post-merge is back" test -f "$dcommon/post-merge" -a ! -e "$dcommon/post-merge.porch-chained"
rm -f "$T/commit-msg.legacy"
cd "$T"

# --- no hook needs a terminal or reads standard input ---------------------------------------------
new_repo tty
cd tty
porch init -q </dev/null
git add .porch.toml && commit "Add porch settings"
porch spawn 1 tty >/dev/null </dev/null
cd worktrees/task-1-tty
printf 'x\n' >x.txt && git add x.txt
tick
run timeout 30 setsid -w git commit -q -m "[CHECKPOINT] no terminal" </dev/null
assert_eq 0 "$RC" "a commit without a terminal and stdin from /dev/null: $ERR"
assert_eq "" "$ERR" "nothing on stderr"
assert_eq "[CHECKPOINT] no terminal" "$(recorded task-1)" "recorded without a terminal"
printf 'y\n' >y.txt && git add y.txt
run timeout 30 setsid -w git commit -q -m "bad, no terminal" </dev/null
assert_eq 1 "$RC" "a rejection without a terminal is immediate, not a prompt"
# stdin that stays open and never delivers anything: a hook reading it would hang.
exec {hold}< <(exec sleep 40 2>/dev/null)
hold_pid=$!
tick
run timeout 20 setsid -w git commit -q -m "[CHECKPOINT] stdin never closes" <&"$hold"
assert_eq 0 "$RC" "no hook reads stdin (124 would mean it hung): $ERR"
run timeout 20 setsid -w git commit -q --allow-empty -m "bad, stdin never closes" <&"$hold"
assert_eq 1 "$RC" "a rejection does not wait on stdin either"
kill "$hold_pid" 2>/dev/null || true
exec {hold}<&-
cd "$T"

finish
