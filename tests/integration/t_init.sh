#!/usr/bin/env bash
# git porch init: the commented .porch.toml, the info/exclude line, idempotence, where it runs.
source "$(dirname "$0")/lib.sh"
cd "$T"

exclude_count() { grep -cxF "$2" "$1/.git/info/exclude" || true; }

# --- a fresh repository ------------------------------------------------------------------------
new_repo fresh
cd fresh
expect_ok porch init
assert_contains "$OUT" "wrote .porch.toml" "init reports the file it wrote"
assert_contains "$OUT" "added /worktrees/ to .git/info/exclude" "init reports the exclude line"
assert_contains "$OUT" "next: git porch spawn" "init says what to do next"
assert_true ".porch.toml exists at the root" test -f .porch.toml
toml=$(cat .porch.toml)
# Commented: every line is a comment, blank, or a table header; no active setting.
active=$(grep -vE '^(#.*|\[naming\]|\[integrate\]|\[parallelization\]|\[qa\]|\[status\]|\[qa\.paths\]|\[protocol\]|\[worktree\])?$' .porch.toml || true)
assert_eq "" "$active" ".porch.toml has no uncommented line besides the table headers"
for key in 'base_branch = "main"' 'stall_after = ' 'worktree = "worktrees/task-{id}-{desc}"' \
    'branch = "work/task-{id}-{desc}"'; do
    assert_contains "$toml" "# $key" ".porch.toml documents $key"
done
assert_eq "[naming]" "$(grep -x '\[naming\]' .porch.toml)" ".porch.toml has the [naming] table"
assert_eq 1 "$(exclude_count . /worktrees/)" "/worktrees/ is in .git/info/exclude once"
assert_eq "?? .porch.toml" "$(git status --porcelain)" "init creates only .porch.toml"
# git config for the notes, and porch's hook shims.
assert_contains "$OUT" "set notes.rewriteRef = refs/notes/porch" "init reports notes.rewriteRef"
assert_contains "$OUT" "set notes.porch.mergeStrategy = cat_sort_uniq" "init reports the merge strategy"
assert_eq "refs/notes/porch" "$(git config --local --get-all notes.rewriteRef)" "notes.rewriteRef is set"
assert_eq "cat_sort_uniq" "$(git config --local notes.porch.mergeStrategy)" "notes.porch.mergeStrategy is set"
assert_eq "cat_sort_uniq" "$(git config --local notes.porch-archive.mergeStrategy)" \
    "so is the archive ref's"
assert_eq "" "$(git config --get-all remote.origin.fetch || true)" "no remote, no refspec"
for hook in commit-msg post-commit post-merge; do
    assert_contains "$OUT" "hooks: installed $hook in $T/fresh/.git/hooks" "init reports the $hook hook"
    assert_true "the $hook hook is executable" test -x ".git/hooks/$hook"
    assert_contains "$(sed -n 2p ".git/hooks/$hook")" "git-porch hook shim" "the $hook hook is porch's shim"
done
assert_eq "" "$(git for-each-ref refs/notes)" "init records no event"
cp .porch.toml "$T/fresh.toml"

# Idempotent: the second run changes nothing at all and says so.
snapshot_state init1
expect_ok porch init
assert_contains "$OUT" "porch is already set up here" "second init says it is already set up"
assert_not_contains "$OUT" "wrote" "second init writes nothing"
assert_not_contains "$OUT" "added" "second init adds nothing"
assert_state_unchanged init1 . "second init changes nothing"
assert_file_eq "$T/fresh.toml" .porch.toml "second init leaves .porch.toml byte-identical"
expect_ok porch init --quiet
assert_eq "" "$OUT" "init --quiet prints nothing"
expect_ok porch init -q
assert_eq "" "$OUT" "init -q prints nothing"
assert_state_unchanged init1 . "third and fourth init change nothing"
assert_eq 1 "$(exclude_count . /worktrees/)" "/worktrees/ still once after four inits"

# With the hooks installed, git still commits when GIT_WORK_TREE is set (git --work-tree=...,
# IDEs): the hooks must not break the repository for that.
tick
run env GIT_WORK_TREE="$T/fresh" git commit -q --allow-empty -m "Commit with GIT_WORK_TREE set"
assert_true "after porch init, a commit with GIT_WORK_TREE set fails in porch's hooks: exit $RC, ${ERR%%$'\n'*}" \
    test "$RC" -eq 0

# With init done, a worker's worktree does not show up in the main checkout's git status.
git add .porch.toml && commit "Add porch settings"
expect_ok porch spawn 1 api
assert_true "the worktree was created" test -d worktrees/task-1-api
assert_eq "" "$(git status --porcelain)" "worktrees/ is ignored in the main checkout"
cd "$T"

# --- settings of the user are kept --------------------------------------------------------------
new_repo mine
git -C mine config notes.porch.mergeStrategy union
git -C mine config notes.rewriteRef refs/notes/commits
printf '#!/bin/sh\necho mine >>"%s/mine.log"\n' "$T" >mine/.git/hooks/post-commit
chmod +x mine/.git/hooks/post-commit
cp mine/.git/hooks/post-commit "$T/mine.hook"
in_dir mine expect_ok porch init
assert_eq "union" "$(git -C mine config notes.porch.mergeStrategy)" "a chosen merge strategy is kept"
assert_eq $'refs/notes/commits\nrefs/notes/porch' "$(git -C mine config --get-all notes.rewriteRef)" \
    "notes.rewriteRef gets porch's ref added, the user's kept"
assert_true "the user's own post-commit hook is kept byte for byte" \
    cmp -s "$T/mine.hook" mine/.git/hooks/post-commit.porch-chained
git -C mine commit -q --allow-empty -m "Run the hooks"
assert_eq "mine" "$(cat "$T/mine.log" 2>/dev/null)" "the user's hook still runs"
snapshot_state mine mine
in_dir mine expect_ok porch init
assert_state_unchanged mine mine "a second init keeps all of that as it is"

# --- an existing .porch.toml is never overwritten ------------------------------------------------
new_repo own
cd own
printf '# ours\r\nbase_branch = "main"\n\n[naming]\n' >.porch.toml # CRLF and all, kept as is
cp .porch.toml "$T/own.toml"
expect_ok porch init
assert_not_contains "$OUT" "wrote" "init does not claim to write an existing .porch.toml"
assert_contains "$OUT" "added /worktrees/ to .git/info/exclude" "the exclude line is still added"
assert_file_eq "$T/own.toml" .porch.toml "an existing .porch.toml is byte-identical after init"
# Even an empty one.
: >.porch.toml
expect_ok porch init
assert_eq 0 "$(stat -c %s .porch.toml)" "an empty .porch.toml stays empty"
cd "$T"

# --- info/exclude: missing file, missing folder, no final newline, line already there ----------
new_repo ex1
printf '*.log' >ex1/.git/info/exclude # no final newline
in_dir ex1 expect_ok porch init -q
assert_eq $'*.log\n/worktrees/' "$(cat ex1/.git/info/exclude)" \
    "the line goes on its own line after an unterminated last line"
assert_eq "0a" "$(tail -c 1 ex1/.git/info/exclude | od -An -tx1 | tr -d ' ')" \
    "exclude ends with a newline"

new_repo ex2
rm -rf ex2/.git/info
in_dir ex2 expect_ok porch init -q
assert_eq "/worktrees/" "$(cat ex2/.git/info/exclude)" "a missing .git/info folder is created"

new_repo ex3
printf '/worktrees/\n' >ex3/.git/info/exclude
in_dir ex3 expect_ok porch init
assert_not_contains "$OUT" "added" "a present line is not added again"
assert_eq "/worktrees/" "$(cat ex3/.git/info/exclude)" "exclude unchanged when the line is there"

# --- from a subfolder, and from inside a worker's worktree: the main root is used --------------
new_repo sub
mkdir -p sub/a/b
in_dir sub/a/b expect_ok porch init
assert_true ".porch.toml written at the root when run from a subfolder" test -f sub/.porch.toml
assert_false "no .porch.toml in the subfolder" test -e sub/a/b/.porch.toml
assert_eq 1 "$(exclude_count sub /worktrees/)" "exclude updated when run from a subfolder"
assert_file_eq "$T/fresh.toml" sub/.porch.toml "the same default file from a subfolder"

new_repo wt
in_dir wt expect_ok porch spawn 3 ui # spawn before init: init later from the worktree
in_dir wt/worktrees/task-3-ui expect_ok porch init
assert_true "init from a worker worktree writes the main root's .porch.toml" test -f wt/.porch.toml
assert_false "no .porch.toml in the worker worktree" test -e wt/worktrees/task-3-ui/.porch.toml
assert_eq 1 "$(exclude_count wt /worktrees/)" "the common .git/info/exclude gets the line"
assert_false "no exclude file in the worktree's private git dir" \
    test -e wt/.git/worktrees/task-3-ui/info/exclude

# --- a custom worktree location is what gets excluded -------------------------------------------
new_repo custom
printf '[naming]\nworktree = ".trees/{id}-{desc}"\n' >custom/.porch.toml
in_dir custom expect_ok porch init
assert_contains "$OUT" "added /.trees/ to .git/info/exclude" "exclude follows naming.worktree"
assert_eq 0 "$(exclude_count custom /worktrees/)" "the default folder is not excluded then"
in_dir custom expect_ok porch spawn 2 api
assert_true "spawn honours naming.worktree" test -d custom/.trees/2-api
assert_eq "?? .porch.toml" "$(git -C custom status --porcelain)" "the custom folder is ignored"

new_repo custom2
printf '[naming]\nworktree = "wt-{id}"\n' >custom2/.porch.toml
in_dir custom2 expect_ok porch init
assert_contains "$OUT" "added /wt-* to .git/info/exclude" "a placeholder in the first folder excludes by prefix"

# --- a repository without commits is fine ----------------------------------------------------
git init -q empty
in_dir empty expect_ok porch init
assert_true "init works before the first commit" test -f empty/.porch.toml

# --- refusals: nothing created -----------------------------------------------------------------
git init -q --bare bare.git
snapshot_state bare bare.git
in_dir bare.git expect_fail 128 "bare repository" -- porch init
assert_state_unchanged bare bare.git "init in a bare repository creates nothing"

mkdir outside
snapshot_state outside outside
in_dir outside expect_fail 128 "not a git repository" -- porch init
assert_state_unchanged outside outside "init outside a repository creates nothing"

new_repo broken
printf 'base_branch = [\n' >broken/.porch.toml
snapshot_state broken broken
in_dir broken expect_fail 128 ".porch.toml:1:" -- porch init
assert_contains "$ERR" "hint: fix .porch.toml" "a broken .porch.toml is named with a hint"
assert_state_unchanged broken broken "init with a broken .porch.toml changes nothing"

# --- a clone: init makes a plain `git fetch` bring porch's notes into tracking refs -----------------
git init -q --bare "$T/shared.git"
new_repo first
git -C first remote add origin "$T/shared.git"
git -C first push -q origin main
git clone -q "$T/shared.git" second
cd second
expect_ok porch init
assert_contains "$OUT" "set remote.origin.fetch = +refs/notes/porch*:refs/notes/remotes/origin/porch*" \
    "init reports the notes refspec"
assert_eq $'+refs/heads/*:refs/remotes/origin/*\n+refs/notes/porch*:refs/notes/remotes/origin/porch*' \
    "$(git config --get-all remote.origin.fetch)" "the refspec is added beside the branch one"
expect_ok porch spawn 1 api
git push -q origin refs/notes/porch
cd "$T/first"
git fetch -q
assert_true "a plain fetch in a clone without porch's config brings nothing" \
    test -z "$(git for-each-ref refs/notes)"
porch init -q
git fetch -q
assert_eq "$(git -C "$T/second" rev-parse refs/notes/porch)" "$(git rev-parse refs/notes/remotes/origin/porch)" \
    "after init a plain fetch brings the notes into the tracking ref"
assert_false "and never over the local notes" git rev-parse -q --verify refs/notes/porch
cd "$T"

finish
