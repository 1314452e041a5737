#!/usr/bin/env bash
# git porch spawn refusals: each exits 128 (129 for command-line usage), prints one
# "fatal:"/"error:" line (plus hints), and creates nothing: no ref, no note, no worktree, no file,
# no config.
source "$(dirname "$0")/lib.sh"
cd "$T"

porch_repo r
expect_ok porch spawn 7 api
snapshot_state s

# refuse <code> <stderr-substring> <spawn args...>
refuse() {
    local code=$1 want=$2
    shift 2
    expect_fail "$code" "$want" -- porch spawn "$@"
    assert_state_unchanged s . "spawn $(printf '%q ' "$@")created something"
}

long_id=$(printf 'a%.0s' {1..33})
long_desc=$(printf 'a%.0s' {1..49})

# --- invalid ids ---------------------------------------------------------------------------------
refuse 128 "invalid worker id '..'" .. x
refuse 128 "invalid worker id 'a/b'" a/b x
refuse 128 "invalid worker id 'a b'" 'a b' x
refuse 128 "invalid worker id 'A'" A x
refuse 128 "invalid worker id 'Task-1'" Task-1 x
refuse 128 "invalid worker id 'task-1'" task-task-1 x
refuse 128 "invalid worker id 'a?'" $'a\x01' x
refuse 128 "invalid worker id 'a?[31m'" $'a\e[31m' x
refuse 128 "invalid worker id 'a?b'" $'a\nb' x
refuse 128 "is longer than 32 characters" "$long_id" x
refuse 128 "invalid worker id '-1'" -1 x
refuse 128 "invalid worker id '-x'" -- -x y
refuse 128 "invalid worker id '1.2'" 1.2 x
refuse 128 "invalid worker id 'a_b'" a_b x
refuse 128 "invalid worker id '<U+00E9>'" $'\xc3\xa9' x
# Look-alikes show as code points, so the refusal is not of what reads like a valid name.
refuse 128 "invalid worker id 't<U+0430>sk1'" $'t\xd0\xb0sk1' x
refuse 128 "invalid description 'ap<U+200B>i'" 1 $'ap\xe2\x80\x8bi'
refuse 128 "invalid worker id '<0xFF>1'" $'\xff1' x
refuse 128 "the worker id is empty" '' x
refuse 128 "the worker id is empty" task- x

# --- invalid descriptions ------------------------------------------------------------------------
refuse 128 "invalid description '..'" 1 ..
refuse 128 "invalid description 'a/b'" 1 a/b
refuse 128 "invalid description 'a b'" 1 'a b'
refuse 128 "invalid description 'Api'" 1 Api
refuse 128 "invalid description 'a?b'" 1 $'a\x01b'
refuse 128 "invalid description 'a?[31mb'" 1 $'a\e[31mb'
refuse 128 "invalid description 'a?b'" 1 $'a\x7fb'
refuse 128 "is longer than 48 characters" 1 "$long_desc"
refuse 128 "invalid description '-api'" 1 -- -api
refuse 128 "invalid description 'api-'" 1 api-
refuse 128 "invalid description 'a--b'" 1 a--b
refuse 128 "invalid description 'a.b'" 1 a.b
refuse 128 "invalid description 'a_b'" 1 a_b
refuse 128 "the description is empty" 1 ''
# Quoted text is cut, not dumped whole.
expect_fail 128 "'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa...'" -- porch spawn 1 "$long_desc"
assert_not_contains "$ERR" "$long_desc" "a long description is shortened in the message"

# --- the worker, its branch or its folder already exists ------------------------------------------
refuse 128 "worker task-7 already exists on branch work/task-7-api" 7 other
assert_contains "$ERR" "hint: pick another id" "the refusal hints at another id"
refuse 128 "worker task-7 already exists" task-7 other
refuse 128 "worker task-7 already exists" 7 api
# A branch of the worker's name made by hand.
git branch work/task-20-x
snapshot_state s
refuse 128 "work/task-20-x" 20 x
assert_contains "$ERR" "already exists" "a branch in the way is reported as existing"
# A folder (or a file) where the worktree would go.
mkdir -p worktrees/task-21-x
printf 'keep me\n' >worktrees/task-21-x/notes.txt
: >worktrees/task-22-x
snapshot_state s
refuse 128 "'$T/r/worktrees/task-21-x' already exists" 21 x
assert_contains "$ERR" "hint: move it away" "the folder refusal has a hint"
refuse 128 "'$T/r/worktrees/task-22-x' already exists" 22 x
assert_eq "keep me" "$(cat worktrees/task-21-x/notes.txt)" "the folder in the way is untouched"

# --- bad options -----------------------------------------------------------------------------------
refuse 128 "base 'nosuch' is not a commit here" 30 x --base nosuch
assert_contains "$ERR" "hint: give an existing branch or commit with --base" "--base hint"
refuse 128 "is not a commit here" 30 x --base 'HEAD^{tree}'
refuse 128 "is not a commit here" 30 x --base "$(git rev-parse HEAD:README)"
refuse 128 "is not a commit here" 30 x --base 0000000000000000000000000000000000000000
refuse 128 "task-30 cannot need itself" 30 x --needs 30
refuse 128 "task-30 cannot need itself" 30 x --needs task-30
refuse 128 "task-30 cannot need itself" task-30 x --needs 7 --needs 30
refuse 128 "bad --needs: invalid worker id 'A'" 30 x --needs A
refuse 128 "bad --needs: the worker id is empty" 30 x --needs ''
refuse 128 "bad --needs: invalid worker id 'a/b'" 30 x --needs a/b
refuse 128 "scope '../x' must be a relative path inside the repository" 30 x --scope ../x
refuse 128 "scope '/abs' must be a relative path inside the repository" 30 x --scope /abs
refuse 128 "scope 'a/../../x' must be a relative path" 30 x --scope a/../../x
refuse 128 "scope '' must be a relative path" 30 x --scope ''
refuse 128 "scope 'a?b' must be a relative path" 30 x --scope $'a\x1bb'
refuse 128 "scope '..' must be a relative path" 30 x --scope ok/ --scope ..

# --- command-line usage: 129 -------------------------------------------------------------------
refuse 129 "spawn: desc is required" 30
refuse 129 "spawn: id is required"
refuse 129 "spawn: " 30 x extra
refuse 129 "--bogus" 30 x --bogus
refuse 129 "--base" 30 x --base
refuse 129 "--scope" 30 x --scope
refuse 129 "argument was not expected: 8" 30 x --needs 7 8
refuse 129 "argument was not expected: b" 30 x --scope a b
assert_contains "$ERR" "hint: see 'git porch spawn -h'" "usage errors point at spawn -h"

# After all of that a valid spawn still works: the refusals were about their input.
expect_ok porch spawn 30 x --base main --needs 7 --scope src/
cd "$T"

# --- no repository, no commits, bare ---------------------------------------------------------------
mkdir outside
snapshot_state out outside
in_dir outside expect_fail 128 "not a git repository" -- porch spawn 1 x
assert_state_unchanged out outside "spawn outside a repository creates nothing"

git init -q empty
snapshot_state empty empty
in_dir empty expect_fail 128 "the repository has no commits yet" -- porch spawn 1 x
assert_contains "$ERR" "hint: make a first commit" "the no-commit refusal has a hint"
in_dir empty expect_fail 128 "no commits yet" -- porch spawn 1 x --base main
assert_state_unchanged empty empty "spawn without commits creates nothing"

git init -q --bare bare.git
snapshot_state bare bare.git
in_dir bare.git expect_fail 128 "bare repository" -- porch spawn 1 x
assert_state_unchanged bare bare.git "spawn in an empty bare repository creates nothing"
git clone -q --bare r full.git
snapshot_state full full.git
in_dir full.git expect_fail 128 "bare repository" -- porch spawn 2 x
assert_state_unchanged full full.git "spawn in a bare clone creates nothing"

# --- a branch that cannot be created: a branch named like the folder of worker branches ----------
new_repo df
git -C df branch work
snapshot_state df df
in_dir df expect_fail 128 "refs/heads/work/task-1-x" -- porch spawn 1 x
assert_state_unchanged df df "a refused branch leaves nothing behind"

# --- the worktree cannot be made (git worktree add fails): the branch is rolled back ---------------
new_repo wtfail
: >wtfail/worktrees # a file where the worktrees folder should be
snapshot_state wtfail wtfail
in_dir wtfail expect_fail 128 "cannot create worktree $T/wtfail/worktrees/task-1-x" -- porch spawn 1 x
assert_state_unchanged wtfail wtfail "a failed checkout leaves no branch, note or worktree"

finish
