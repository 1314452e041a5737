#!/usr/bin/env bash
# The hooks at work with real `git commit`: commit-msg holds workers to the protocol (and agrees
# with git on what the subject is, comments and cleanup modes included), merges, reverts and
# fixups pass, the main checkout is left alone, pre-commit refuses a wrong branch and paths
# outside --scope (for the index git really commits), and --no-verify commits are recorded as
# invalid.
source "$(dirname "$0")/lib.sh"
cd "$T"

notes_tip() { git rev-parse -q --verify refs/notes/porch || echo none; }
# The commit events of a worker as a JSON array.
commit_events() { git porch log --json "$1" | python3 -c '
import json, sys
print(json.dumps([e for e in json.load(sys.stdin) if e["type"] == "commit"]))'; }
worker_json() { git porch status --json --worker "$1" | python3 -c '
import json, sys
print(json.dumps(json.load(sys.stdin)["workers"][0]))'; }
first_line() { git log -1 --format=%B HEAD | sed -n 1p; }
# try_commit <git commit args...>: stages a new file (distinct content), commits; RC/OUT/ERR.
N=0
try_commit() {
    N=$((N + 1))
    printf 'change %s\n' "$N" >"change-$N.txt"
    git add "change-$N.txt"
    tick
    run git commit -q "$@"
    [[ $RC -eq 0 ]] || git rm -q --cached "change-$N.txt"
}

new_repo r
cd r
mkdir -p src/db docs
printf 'a\n' >src/a.c
printf 'd\n' >docs/d.md
printf 'n\n' >srcnot.txt
git add . && commit "Add sources"
porch init -q
git add .porch.toml && commit "Add porch settings"
expect_ok porch spawn 1 proto
expect_ok porch spawn 2 other
W1=$T/r/worktrees/task-1-proto
W2=$T/r/worktrees/task-2-other

# --- a bad message in a worker is rejected, nothing is committed ---------------------------------
cd "$W1"
head=$(git rev-parse HEAD)
tip=$(notes_tip)
try_commit -m "bad"
assert_eq 1 "$RC" "a worker's non-protocol message is rejected"
assert_eq "" "$OUT" "nothing on stdout"
assert_contains "$ERR" "git porch: commit rejected (task-1): the subject must start with a status tag" \
    "the rejection names the worker and the problem"
for ex in "[CHECKPOINT] Add user model with validation" "[BLOCKED:missing-api-spec] Need endpoint definitions" \
    "[NEEDS:task-2/UserModel] Require User model for relations" "[COMPLETE] Analytics API endpoints implemented"; do
    assert_contains "$ERR" "  $ex" "the rejection shows the example $ex"
done
assert_contains "$ERR" "Your message is kept, with a status tag, in $T/r/.git/worktrees/task-1-proto/PORCH_COMMIT_MSG" \
    "the rejection says where the message is"
assert_eq "[CHECKPOINT] bad" "$(cat "$T/r/.git/worktrees/task-1-proto/PORCH_COMMIT_MSG" 2>/dev/null)" \
    "the message really is kept there, with a tag"
assert_no_esc "$ERR" "no escape codes when stderr is not a terminal"
assert_eq "$head" "$(git rev-parse HEAD)" "nothing was committed"
assert_eq "$tip" "$(notes_tip)" "nothing was recorded"
assert_eq "A  change-$N.txt" "$(git add "change-$N.txt" && git status --porcelain)" "the change can be staged again"
git rm -q --cached "change-$N.txt"

# Each problem named (a sample of the classifier, through the real hook).
bad_subject() { # <error substring> <message>
    local before
    before=$(git rev-parse HEAD)
    try_commit -m "$2"
    assert_eq 1 "$RC" "rejected: $2"
    assert_contains "$ERR" "$1" "the rejection of '$2' names the problem"
    assert_eq "$before" "$(git rev-parse HEAD)" "nothing committed for '$2'"
}
bad_subject "status tags are upper case: write [CHECKPOINT]" "[checkpoint] lower case"
bad_subject "unknown status tag [WIP]" "[WIP] not a tag"
bad_subject "[BLOCKED:<reason>] needs a reason" "[BLOCKED] no reason"
bad_subject "must name a worker and an item as task-<id>/<item>" "[NEEDS:foo] what"
bad_subject "text must follow [COMPLETE]" "[COMPLETE]"
bad_subject "use exactly one status tag per commit" "[CHECKPOINT] [COMPLETE] two tags"
bad_subject "a space must follow [CHECKPOINT]" "[CHECKPOINT]no space"
bad_subject "the subject must start with a status tag" "Merge is not a prefix here"
# The refused commits' files are left untracked: a [COMPLETE] would be refused for leaving them
# out (t_agent_advice.sh tests that).
git clean -fq

# --- each valid tag is accepted, recorded and sets the state -------------------------------------
good_subject() { # <message> <state> <reason> <needs>
    try_commit -m "$1"
    assert_eq 0 "$RC" "accepted: $1 ($ERR)"
    assert_eq "$1" "$(first_line)" "committed: $1"
    local ev
    ev=$(commit_events task-1)
    assert_json "$ev" '[d[-1]["commit"], d[-1]["subject"], d[-1]["kind"], d[-1]["valid"], d[-1]["state"], d[-1]["source"]]' \
        "[\"$(git rev-parse HEAD)\",\"$1\",\"protocol\",true,\"$2\",\"hook\"]" "the event of: $1"
    local w
    w=$(worker_json task-1)
    assert_json "$w" '[d["state"], d["reason"], d["needs"]]' "[\"$2\",$3,$4]" "status after: $1"
}
good_subject "[CHECKPOINT] Add the model" checkpoint null '[]'
good_subject "[BLOCKED:missing-spec] Waiting for the spec" blocked '"missing-spec"' '[]'
good_subject "[NEEDS:task-2/UserModel] Need the user model" needs null '[{"item":"UserModel","worker":"task-2"}]'
good_subject "[COMPLETE] All done" complete null '[]'
assert_json "$(commit_events task-1)" '[d[2]["needs_worker"], d[2]["needs_item"], d[1]["reason"]]' \
    '["task-2","UserModel","missing-spec"]' "the tags' arguments are recorded"
assert_json "$(commit_events task-1)" 'len(d)' 4 "exactly the four accepted commits are recorded"
# A body, leading blank lines and CRLF do not matter; the subject does.
try_commit -m "[CHECKPOINT] With a body" -m "Body text without any tag."
assert_eq 0 "$RC" "a body is fine: $ERR"
printf '\n\n[CHECKPOINT] After blank lines\r\n' >"$T/msg.crlf"
try_commit -F "$T/msg.crlf"
assert_eq 0 "$RC" "leading blank lines and CRLF are fine: $ERR"

# --- merges, reverts, fixups pass in a worker -----------------------------------------------------
cd "$W2"
printf 'other\n' >other.txt
git add other.txt
tick
git commit -q -m "[CHECKPOINT] Work of task-2"
cd "$W1"
tick
run git merge --no-ff --no-edit work/task-2-other
assert_eq 0 "$RC" "git merge --no-ff in a worker passes: $ERR"
merge=$(git rev-parse HEAD)
assert_eq "Merge branch 'work/task-2-other' into work/task-1-proto" "$(first_line)" "git's merge message"
assert_json "$(commit_events task-1)" "[[e['kind'], e['valid']] for e in d if e['commit'] == '$merge']" \
    '[["merge",true]]' "the merge commit is recorded exactly once, as a merge"
tick
run git revert --no-edit HEAD~1
assert_eq 0 "$RC" "git revert passes: $ERR"
assert_eq "Revert \"[CHECKPOINT] After blank lines\"" "$(first_line)" "git's revert message"
assert_json "$(commit_events task-1)" '[d[-1]["kind"], d[-1]["valid"], d[-1]["state"]]' '["revert",true,null]' \
    "the revert is recorded as such"
try_commit --fixup HEAD~2
assert_eq 0 "$RC" "git commit --fixup passes: $ERR"
assert_match "$(first_line)" '^fixup! ' "a fixup subject"
assert_json "$(commit_events task-1)" '[d[-1]["kind"], d[-1]["valid"]]' '["fixup",true]' "the fixup is recorded"
# A merge that stops on a conflict, concluded with git commit.
cd "$W2"
printf 'from task-2\n' >shared.txt
git add shared.txt
tick
git commit -q -m "[CHECKPOINT] shared from task-2"
cd "$W1"
printf 'from task-1\n' >shared.txt
git add shared.txt
tick
git commit -q -m "[CHECKPOINT] shared from task-1"
run git merge --no-edit work/task-2-other
assert_ne 0 "$RC" "test setup: the merge conflicts"
printf 'both\n' >shared.txt
git add shared.txt
tick
run git commit -q --no-edit
assert_eq 0 "$RC" "concluding a conflicted merge passes: $ERR"
merge2=$(git rev-parse HEAD)
assert_json "$(commit_events task-1)" "len([e for e in d if e['commit'] == '$merge2'])" 1 \
    "the concluded merge is recorded once"
# A merge with a message that breaks the protocol: "during a merge nothing is checked", so it
# passes; it then should not count as having bypassed the hooks.
cd "$W2"
tick
git commit -q --allow-empty -m "[CHECKPOINT] more of task-2"
cd "$W1"
tick
run git merge --no-ff -m "merged stuff" work/task-2-other
assert_eq 0 "$RC" "a merge with a free-form message passes the hook: $ERR"
unv=$(json_q "$(worker_json task-1)" 'd["unvalidated"]')
assert_true "a merge the hooks let through (free-form -m message) is counted as bypassing the protocol: unvalidated=$unv" \
    test "$unv" = 0

# --- the main checkout is not a worker: anything goes, nothing recorded ---------------------------
cd "$T/r"
tip=$(notes_tip)
for msg in "plain message on main" "[checkpoint] lower case on main" "# x"; do
    try_commit -m "$msg" -m "body"
    assert_eq 0 "$RC" "main accepts: $msg ($ERR)"
    assert_eq "" "$ERR" "nothing printed for a main commit"
done
try_commit -m "src change on main"
assert_eq "$tip" "$(notes_tip)" "main commits record nothing"

# --- comments and cleanup: the hook judges the subject git will really commit ---------------------
# A probe repository without hooks tells what git makes of each message; the worker must accept
# exactly when that subject is valid, and commit the same subject.
git init -q "$T/probe"
printf '# x\n[CHECKPOINT] y\n' >"$T/m.hash"
printf '; x\n[CHECKPOINT] y\n' >"$T/m.semi"
printf '[CHECKPOINT] y\n# trailing comment\n' >"$T/m.trail"
cleanup_case() { # <known-bug: yes|no> <description> <git args...>
    local bug=$1 what=$2
    shift 2
    local want
    # An editor that keeps the message: with -e git runs it; without, git tells the hooks GIT_EDITOR=:.
    want=$(cd "$T/probe" && GIT_EDITOR=true git "$@" -q --allow-empty >/dev/null 2>&1 && first_line)
    [[ -n $want ]] || {
        _check
        fail "test setup: the probe commit failed for: $what"
        return 0
    }
    local valid=0
    [[ $want == "[CHECKPOINT] y" ]] && valid=1
    cd "$W1"
    local before
    before=$(git rev-parse HEAD)
    tick
    GIT_EDITOR=true run git "$@" -q --allow-empty
    local accepted=0
    [[ $RC -eq 0 ]] && accepted=1
    local got=-
    ((accepted)) && got=$(first_line)
    if [[ $bug == yes ]]; then
        agrees() { [[ $accepted -eq $valid && ($accepted -eq 0 || $got == "$want") ]]; }
        known_bug "$what: git commits the subject '$want' (valid=$valid) but the hook $( ((accepted)) && echo accepted || echo rejected) it" agrees
    else
        assert_eq "$valid" "$accepted" "$what: git's subject is '$want'; accepted must be $valid ($ERR)"
        ((accepted)) && assert_eq "$want" "$got" "$what: the committed subject"
        ((accepted)) || assert_eq "$before" "$(git rev-parse HEAD)" "$what: nothing committed"
    fi
    cd "$T/r"
}
cleanup_case no "-m '# x' -m '[CHECKPOINT] y' (git keeps '#' lines with -m)" commit -m "# x" -m "[CHECKPOINT] y"
cleanup_case no "-c core.commentChar=';' with -m '# x'" -c "core.commentChar=;" commit -m "# x" -m "[CHECKPOINT] y"
cleanup_case no "-F with a '#' first line (kept)" commit -F "$T/m.hash"
cleanup_case no "-e (editor) strips the '#' first line" commit -e -F "$T/m.hash"
cleanup_case no "-c core.commentChar=';' -e: a '#' first line is the subject" -c "core.commentChar=;" commit -e -F "$T/m.hash"
cleanup_case no "-c core.commentChar=';' -e: a ';' first line is a comment" -c "core.commentChar=;" commit -e -F "$T/m.semi"
cleanup_case no "-c core.commentChar=auto -e with a '#' line" -c core.commentChar=auto commit -e -F "$T/m.hash"
cleanup_case no "-c core.commentChar=auto -e with a ';' line" -c core.commentChar=auto commit -e -F "$T/m.semi"
cleanup_case no "a trailing comment, -e" commit -e -F "$T/m.trail"
cleanup_case no "commit.cleanup=strip with -m" -c commit.cleanup=strip commit -m "# x" -m "[CHECKPOINT] y"
cleanup_case no "commit.cleanup=verbatim with -e" -c commit.cleanup=verbatim commit -e -F "$T/m.hash"
cleanup_case no "commit.cleanup=scissors with -m (git: whitespace without an editor)" -c commit.cleanup=scissors commit -m "# x" -m "[CHECKPOINT] y"
cleanup_case yes "--cleanup=strip with -m" commit --cleanup=strip -m "# x" -m "[CHECKPOINT] y"
cleanup_case yes "--cleanup=whitespace with -e" commit --cleanup=whitespace -e -F "$T/m.hash"
cleanup_case yes "--cleanup=verbatim with -e" commit --cleanup=verbatim -e -F "$T/m.hash"

# The core.commentChar=';' case above came from the config file: set it for real.
git config core.commentChar ';'
git -C "$T/probe" config core.commentChar ';'
cleanup_case no "core.commentChar=';' in .git/config, -e, '#' first line" commit -e -F "$T/m.hash"
git config --unset core.commentChar

# --- wrong branch: the worktree belongs to task-1, HEAD is elsewhere --------------------------------
cd "$W1"
git switch -q -c other
other_before=$(git rev-parse other)
tip=$(notes_tip)
try_commit -m "[CHECKPOINT] on the wrong branch"
assert_eq 1 "$RC" "a commit on another branch in task-1's worktree is refused"
assert_contains "$ERR" "git porch: commit refused: this worktree belongs to task-1 (branch work/task-1-proto), but HEAD is on 'other'" \
    "the refusal names task-1, its branch and the current branch"
assert_contains "$ERR" "Switch back with: git switch work/task-1-proto" "and how to switch back"
assert_eq "$other_before" "$(git rev-parse other)" "nothing committed on 'other'"
git switch -q --detach
try_commit -m "[CHECKPOINT] detached"
assert_eq 1 "$RC" "a commit on a detached HEAD in task-1's worktree is refused"
assert_contains "$ERR" "but HEAD is on a detached HEAD" "the refusal says HEAD is detached"
# Another worker's branch (one with no worktree) in task-1's worktree.
git branch work/task-5-loose "$other_before"
git switch -q work/task-5-loose
try_commit -m "[CHECKPOINT] on task-5's branch"
assert_eq 1 "$RC" "a commit on another worker's branch in task-1's worktree is refused"
assert_contains "$ERR" "this worktree belongs to task-1 (branch work/task-1-proto), but HEAD is on 'work/task-5-loose'" \
    "the refusal names both"
assert_eq "$other_before" "$(git rev-parse work/task-5-loose)" "nothing committed on task-5's branch"
assert_eq "$tip" "$(notes_tip)" "no refused commit was recorded"
git switch -q work/task-1-proto
git branch -q -D other work/task-5-loose
try_commit -m "[CHECKPOINT] back on the right branch"
assert_eq 0 "$RC" "back on the right branch commits work: $ERR"

# --- scope: a worker spawned with --scope src -------------------------------------------------------
cd "$T/r"
expect_ok porch spawn 3 scoped --scope src
W3=$T/r/worktrees/task-3-scoped
cd "$W3"
head=$(git rev-parse HEAD)
printf 'more\n' >>docs/d.md
git add docs/d.md
tick
run git commit -q -m "[CHECKPOINT] touches docs"
assert_eq 1 "$RC" "a staged path outside the scope is refused"
assert_contains "$ERR" "git porch: commit refused: task-3 may change only: src" "the refusal names the scope"
assert_contains "$ERR" $'These staged paths are outside that scope:\n  docs/d.md' "the refusal lists the path"
assert_eq "$head" "$(git rev-parse HEAD)" "nothing committed"
git restore --staged docs/d.md && git checkout -q -- docs/d.md
printf 'prefix, not folder\n' >>srcnot.txt
git add srcnot.txt
tick
run git commit -q -m "[CHECKPOINT] srcnot.txt is not in src"
assert_eq 1 "$RC" "a path sharing the scope's prefix is outside it"
assert_contains "$ERR" "  srcnot.txt" "and is listed"
git restore --staged srcnot.txt
git checkout -q -- srcnot.txt
printf 'in scope\n' >>src/a.c
mkdir -p src/db && printf 'deep\n' >src/db/new.c
git add src
tick
run git commit -q -m "[CHECKPOINT] inside the scope"
assert_eq 0 "$RC" "changes inside the scope are accepted: $ERR"
assert_eq "" "$ERR" "silently"
# A deletion outside the scope is a change outside it.
git rm -q docs/d.md
tick
run git commit -q -m "[CHECKPOINT] delete docs"
assert_eq 1 "$RC" "deleting a path outside the scope is refused"
assert_contains "$ERR" "  docs/d.md" "the deleted path is listed"
git restore --staged docs/d.md && git checkout -q -- docs/d.md

# git commit -a: the index git commits includes the tracked change outside the scope.
printf 'unstaged docs\n' >>docs/d.md
printf 'unstaged src\n' >>src/a.c
head=$(git rev-parse HEAD)
tick
run git commit -q -a -m "[CHECKPOINT] commit -a"
assert_eq 1 "$RC" "git commit -a with a tracked change outside the scope is refused"
assert_contains "$ERR" "  docs/d.md" "commit -a: docs/d.md listed"
assert_not_contains "${ERR%%Leave them out*}" "src/a.c" "commit -a: the in-scope path is not listed"
assert_contains "$ERR" "commit -F $T/r/.git/worktrees/task-3-scoped/PORCH_COMMIT_MSG -- src/a.c" \
    "commit -a: the in-scope path is committed by the advice"
assert_eq "$head" "$(git rev-parse HEAD)" "nothing committed by the refused commit -a"
# git commit <path>: only that path is committed, whatever else is staged.
git add docs/d.md
tick
run git commit -q -m "[CHECKPOINT] only src/a.c" src/a.c
assert_eq 0 "$RC" "git commit <in-scope path> with an out-of-scope path staged is accepted: $ERR"
assert_eq "src/a.c" "$(git show --name-only --format= HEAD)" "only src/a.c was committed"
assert_eq "M  docs/d.md" "$(git status --porcelain)" "docs/d.md is still staged, not committed"
git restore --staged docs/d.md
printf 'more src\n' >>src/a.c
git add src/a.c
head=$(git rev-parse HEAD)
tick
run git commit -q -m "[CHECKPOINT] only docs" docs/d.md
assert_eq 1 "$RC" "git commit <out-of-scope path> is refused even with only in-scope paths staged"
assert_contains "$ERR" "  docs/d.md" "git commit <path>: docs/d.md listed"
assert_not_contains "$ERR" "src/a.c" "git commit <path>: the staged in-scope path is not listed"
assert_eq "$head" "$(git rev-parse HEAD)" "nothing committed"
tick
run git commit -q -a -m "[CHECKPOINT] -a after all"
assert_eq 1 "$RC" "commit -a still sees docs/d.md"
tick
run git commit -q -m "[CHECKPOINT] the staged src" src/a.c
assert_eq 0 "$RC" "committing the in-scope path: $ERR"
git checkout -q -- docs/d.md
assert_eq "" "$(git status --porcelain)" "test setup: clean again"
# A merge is not scope-checked: it brings other workers' files by design.
tick
run git merge --no-ff --no-edit work/task-2-other
assert_eq 0 "$RC" "a merge into a scoped worker passes: $ERR"

# --- --no-verify: committed, but recorded as invalid ---------------------------------------------
cd "$W2"
tick
try_commit --no-verify -m "bypassing the hooks"
assert_eq 0 "$RC" "--no-verify commits a bad message: $ERR"
bypass=$(git rev-parse HEAD)
ev=$(commit_events task-2)
assert_json "$ev" "[[e['kind'], e['valid'], e['state'], e['subject']] for e in d if e['commit'] == '$bypass']" \
    '[["invalid",false,null,"bypassing the hooks"]]' "log --json records the bypass once, valid false"
assert_json "$(worker_json task-2)" '[d["unvalidated"], d["state"]]' '[1,"checkpoint"]' \
    "status --json: unvalidated 1, the state from the last protocol commit"
expect_ok porch status
assert_contains "$OUT" "task-2: 1 commit bypassed the protocol hooks" "status text alerts the bypass"
expect_ok porch log task-2
assert_contains "$OUT" "${bypass:0:7} bypassing the hooks  (bypassed the protocol)" "log marks the bypass"
try_commit --no-verify -m "[COMPLETE] valid even without the hooks"
assert_eq 0 "$RC" "--no-verify with a valid message"
assert_json "$(worker_json task-2)" '[d["unvalidated"], d["state"]]' '[1,"complete"]' \
    "a valid --no-verify commit is not unvalidated and sets the state"

finish
