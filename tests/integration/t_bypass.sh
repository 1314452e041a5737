#!/usr/bin/env bash
# Commits that skipped porch's hooks: status's alerts are about the commits on the worker's
# branch now (a squashed, amended or reset-away commit is history, which `log` shows marked
# gone); every commit made without the hooks is counted, as reindex records it; and a commit
# that skipped the hooks and changed files outside the worker's scope is reported by status (the
# files, and the command that takes them back) and by doctor.
source "$(dirname "$0")/lib.sh"
cd "$T"

# alerts <worker>: "<kind>: <message> -> <action>" per alert of the worker, from status --json.
alerts() { git porch status --json | python3 -c '
import json, sys
for a in json.load(sys.stdin)["alerts"]:
    if a["worker"] == sys.argv[1]: print("%s: %s -> %s" % (a["kind"], a["message"], a["action"]))' "$1"; }
# gone <worker> <subject>: "True"/"False" per commit event of that subject, from log --json.
gone() { git porch log --json "$1" | python3 -c '
import json, sys
for e in json.load(sys.stdin):
    if e["type"] == "commit" and e["subject"] == sys.argv[1]: print(e["gone"])' "$2"; }

porch_repo r
expect_ok porch spawn 1 squash --scope src/api
expect_ok porch spawn 2 nohooks --scope src/api
expect_ok porch spawn 3 scope --scope src/api
W1=$T/r/worktrees/task-1-squash
W2=$T/r/worktrees/task-2-nohooks
W3=$T/r/worktrees/task-3-scope

# --- item 6: alerts are about the commits on the branch now ----------------------------------
commit -C "$W1" "[CHECKPOINT] first"
git -C "$W1" commit -q --no-verify --allow-empty -m "wip, no tag"
assert_contains "$(alerts task-1)" "bypassed-hooks: task-1: 1 commit bypassed" "item 6: a --no-verify commit on the branch raises the alert"
git -C "$W1" commit -q --amend --allow-empty -m "[CHECKPOINT] second"
assert_not_contains "$(alerts task-1)" "bypassed-hooks" "item 6: an amended --no-verify commit no longer raises the alert"
assert_eq "True" "$(gone task-1 'wip, no tag')" "item 6: log marks the amended commit gone"
run porch log task-1
assert_match "$OUT" "wip, no tag .*\(gone: on no branch any more\)" "item 6: log's text marks it gone"
assert_eq "False" "$(gone task-1 '[CHECKPOINT] second')" "item 6: a commit on the branch is not gone"

git -C "$W1" commit -q --no-verify --allow-empty -m "reset me"
git -C "$W1" reset -q --hard HEAD~
assert_not_contains "$(alerts task-1)" "bypassed-hooks" "item 6: a reset-away --no-verify commit no longer raises the alert"
assert_eq "True" "$(gone task-1 'reset me')" "item 6: log marks the reset-away commit gone"

# rebase -i squashing three commits makes a temporary "# This is a combination of 2 commits".
commit -C "$W1" "[CHECKPOINT] a"
commit -C "$W1" "[CHECKPOINT] b"
commit -C "$W1" "[CHECKPOINT] c"
GIT_SEQUENCE_EDITOR="sed -i -e '2,3s/^pick/squash/'" GIT_EDITOR=true \
    git -C "$W1" rebase -q -i HEAD~3 >/dev/null 2>&1
assert_eq "[CHECKPOINT] a" "$(git -C "$W1" log -1 --format=%s)" "the squash made one commit"
assert_not_contains "$(alerts task-1)" "bypassed-hooks" "item 6: rebase -i squash's temporary commit raises no alert"

# --- item 7: every commit made without porch's hooks is counted --------------------------------
commit -C "$W2" "[CHECKPOINT] with hooks"
git -C "$W2" -c core.hooksPath=/dev/null commit -q --allow-empty -m "[CHECKPOINT] one"
git -C "$W2" -c core.hooksPath=/dev/null commit -q --allow-empty -m "[CHECKPOINT] two"
assert_contains "$(alerts task-2)" "unrecorded: task-2: 2 commits were made without porch's hooks" \
    "item 7: two commits without the hooks count 2"
run porch reindex task-2
assert_contains "$OUT" "task-2: recorded 2 commits" "item 7: reindex records the same 2"
assert_not_contains "$(alerts task-2)" "unrecorded" "item 7: once recorded, no alert"

# --- item 8: commits that skipped the hooks are checked against the scope ----------------------
mkdir -p "$W3/src/api" "$W3/src/web"
echo routes >"$W3/src/api/routes.txt"
git -C "$W3" add src/api && git -C "$W3" commit -q -m "[CHECKPOINT] Routes"
echo page >"$W3/src/web/page.html"
git -C "$W3" add src/web
git -C "$W3" commit -q --no-verify -m "[CHECKPOINT] A page too"
out=$(alerts task-3)
assert_contains "$out" "out-of-scope: task-3: 1 file outside its scope (src/api)" "item 8: status alerts on a --no-verify commit outside the scope"
assert_contains "$out" "src/web/page.html" "item 8: the alert names the file"
run porch doctor
assert_contains "$OUT$ERR" "out-of-scope" "item 8: doctor reports it"
assert_contains "$OUT$ERR" "src/web/page.html" "item 8: doctor names the file"
assert_ne 0 "$RC" "item 8: doctor does not call the repository healthy"
# The advised command takes the file back.
action=$(grep '^out-of-scope' <<<"$out" | sed 's/.*take them back: //')
(cd "$T/r" && eval "$action") >/dev/null
assert_false "item 8: the advised command removed the file" test -e "$W3/src/web/page.html"
assert_not_contains "$(alerts task-3)" "out-of-scope" "item 8: once taken back, no alert"

# A commit made with the hooks off, outside the scope.
mkdir -p "$W3/src/web" && echo style >"$W3/src/web/style.css"
git -C "$W3" add src/web
git -C "$W3" -c core.hooksPath=/dev/null commit -q -m "[CHECKPOINT] Style"
assert_contains "$(alerts task-3)" "src/web/style.css" "item 8: status alerts on a commit made without the hooks outside the scope"
run porch reindex task-3
assert_contains "$(alerts task-3)" "src/web/style.css" "item 8: still after reindex recorded it"

finish
