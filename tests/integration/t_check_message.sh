#!/usr/bin/env bash
# git porch check-message <file|->: exit 0 for a valid protocol message, 1 with one error line
# and a hint with examples for an invalid one; comments as git strips them.
source "$(dirname "$0")/lib.sh"
cd "$T"

new_repo r
cd r
MSG=$T/msg

# valid <text>: the message (written byte-exact) passes, silently.
valid() {
    printf '%s' "$1" >"$MSG"
    expect_ok porch check-message "$MSG"
    assert_eq "" "$OUT" "check-message prints nothing for a valid message: $(printf '%q' "$1")"
}
# invalid <error-substring> <text>: exit 1, one error line naming the problem, the examples hint.
invalid() {
    printf '%s' "$2" >"$MSG"
    expect_fail 1 "$1" -- porch check-message "$MSG"
    assert_eq "hint: valid subjects look like:
hint: [CHECKPOINT] Add user model with validation
hint: [BLOCKED:missing-api-spec] Need endpoint definitions
hint: [NEEDS:task-2/UserModel] Require User model for relations
hint: [COMPLETE] Analytics API endpoints implemented" "$(grep '^hint: ' "$ERR_FILE")" \
        "the hint lists one example per tag: $(printf '%q' "$2")"
}

# --- each tag --------------------------------------------------------------------------------------
valid $'[CHECKPOINT] Add user model with validation\n'
valid $'[BLOCKED:missing-api-spec] Need endpoint definitions\n'
valid $'[NEEDS:task-2/UserModel] Require User model for relations\n'
valid $'[COMPLETE] Analytics API endpoints implemented\n'
valid $'[NEEDS:task-auth/Session token] Item with a space\n'
valid $'[BLOCKED: spaced reason ] Reason with spaces around it\n'
valid $'[CHECKPOINT] Subject\n\nA body with [BLOCKED:x] text, and [WIP], is fine.\n'
valid '[COMPLETE] No final newline'
valid $'[CHECKPOINT] Trailing spaces   \n'
valid $'\n\n   \n[CHECKPOINT] After blank lines\n'
# git's own subjects pass: merges, reverts, fixups.
valid $'Merge branch \'work/task-2-models\'\n'
valid $'Merge remote-tracking branch \'origin/main\' into work/task-1-api\n'
valid $'Revert "[CHECKPOINT] Add user model"\n'
valid $'fixup! [CHECKPOINT] Add user model\n'
valid $'squash! [CHECKPOINT] Add user model\n'
valid $'amend! [CHECKPOINT] Add user model\n'

# --- each problem, named -----------------------------------------------------------------------------
invalid "the subject must start with a status tag" $'Add user model\n'
invalid "unknown status tag [WIP]" $'[WIP] Add user model\n'
invalid "status tags are upper case: write [CHECKPOINT]" $'[checkpoint] Add user model\n'
invalid "status tags are upper case: write [COMPLETE]" $'[Complete] Done\n'
invalid "[BLOCKED:<reason>] needs a reason" $'[BLOCKED] Waiting\n'
invalid "[BLOCKED:<reason>] needs a reason" $'[BLOCKED:] Waiting\n'
invalid "[BLOCKED:<reason>] needs a reason" $'[BLOCKED:   ] Waiting\n'
invalid "[NEEDS:task-<id>/<item>] needs a worker and an item" $'[NEEDS] Something\n'
invalid "[NEEDS:2/UserModel] must name a worker and an item as task-<id>/<item>" $'[NEEDS:2/UserModel] x\n'
invalid "[NEEDS:task-2] must name a worker and an item" $'[NEEDS:task-2] x\n'
invalid "[NEEDS:task-2/] must name a worker and an item" $'[NEEDS:task-2/] x\n'
invalid "[NEEDS:task-Two/x] must name" $'[NEEDS:task-Two/x] y\n'
invalid "[CHECKPOINT] takes no ':' argument" $'[CHECKPOINT:now] Add user model\n'
invalid "[COMPLETE] takes no ':' argument" $'[COMPLETE:all] Done\n'
invalid "text must follow [CHECKPOINT]" $'[CHECKPOINT]\n'
invalid "text must follow [BLOCKED:x]" $'[BLOCKED:x]   \n'
invalid "a space must follow [CHECKPOINT]" $'[CHECKPOINT]Add user model\n'
invalid "use exactly one status tag per commit" $'[CHECKPOINT] [COMPLETE] Both\n'
invalid "the subject must start with a status tag" $' [CHECKPOINT] Leading space\n'
invalid "the subject contains a control character" $'[CHECKPOINT] Colour \x1b[31mred\n'
invalid "control character or invalid UTF-8" $'[CHECKPOINT] Invalid UTF-8 \xff here\n'
invalid "control character or invalid UTF-8" $'[CHECKPOINT] C1 control \xc2\x9b here\n'
invalid "control character or invalid UTF-8" $'[CHECKPOINT] Bidi \xe2\x80\xae override\n'
invalid "control character or invalid UTF-8" $'fixup! a \x1b[2J prefix does not let it through\n'
invalid "control character or invalid UTF-8" $'Merge branch \'x\x07\'\n'
valid $'[CHECKPOINT] A tab\there is fine\n'
valid $'[CHECKPOINT] UTF-8 text: caf\xc3\xa9, \xe2\x9c\x93\n'
invalid "the commit message is empty" ''
invalid "the commit message is empty" $'\n\n  \n'
invalid "the commit message is empty" $'# only a comment\n\n# and another\n'
# The examples name the tag in question.
invalid "for example: [BLOCKED:missing-api-spec] Need endpoint definitions" $'[BLOCKED] x\n'
invalid "for example: [NEEDS:task-2/UserModel] Require User model for relations" $'[NEEDS] x\n'

# --- comments and the scissors line, as git strips them ---------------------------------------------
valid $'# Please enter the commit message for your changes.\n#\n[CHECKPOINT] After comments\n'
valid $'[CHECKPOINT] Before the scissors\n# ------------------------ >8 ------------------------\nNot a protocol line\n'
invalid "the commit message is empty" \
    $'# ------------------------ >8 ------------------------\n[CHECKPOINT] Below the scissors is cut\n'
invalid "the subject must start with a status tag" $'; not a comment with the default #\n[CHECKPOINT] x\n'

# core.commentChar of the repository.
git config core.commentChar ';'
valid $'; a comment now\n[CHECKPOINT] After a ; comment\n'
invalid "the subject must start with a status tag" $'# not a comment any more\n[CHECKPOINT] x\n'
invalid "the commit message is empty" $'; ------------------------ >8 ------------------------\n[CHECKPOINT] cut\n'
valid $'[CHECKPOINT] Before the ; scissors\n; ------------------------ >8 ------------------------\nbad\n'
mkdir -p sub/dir
printf '; comment\n[COMPLETE] From a subfolder\n' >"$MSG"
in_dir sub/dir expect_ok porch check-message "$MSG"
git config --unset core.commentChar
# core.commentString (git 2.45+) wins over core.commentChar and may be longer than one character.
git config core.commentChar ';'
git config core.commentString '//'
valid $'// a comment\n[CHECKPOINT] After a // comment\n'
invalid "the subject must start with a status tag" $'; not a comment when commentString is set\n[CHECKPOINT] x\n'
git config --unset core.commentString
git config --unset core.commentChar
# `git -c core.commentChar=; commit` passes the setting to hooks in GIT_CONFIG_PARAMETERS.
printf '; comment\n[CHECKPOINT] x\n' >"$MSG"
expect_ok git -c core.commentChar=';' porch check-message "$MSG"
invalid "the subject must start with a status tag" $'; comment\n[CHECKPOINT] x\n' # without -c: # applies
git config core.commentChar ';'
# core.commentChar=auto: git picks the character; the comment block it wrote tells which.
git config core.commentChar auto
valid $'[CHECKPOINT] x\n\n; Please enter the commit message for your changes.\n'
valid $'; Please enter the commit message for your changes.\n[CHECKPOINT] x\n'
git config --unset core.commentChar
invalid "the subject must start with a status tag" $'; Please enter the commit message\n[CHECKPOINT] x\n'
# Outside a repository git's default # applies.
mkdir "$T/outside"
printf '# comment\n[CHECKPOINT] Outside a repository\n' >"$MSG"
in_dir "$T/outside" expect_ok porch check-message "$MSG"
printf '; comment\n[CHECKPOINT] x\n' >"$MSG"
in_dir "$T/outside" expect_fail 1 "must start with a status tag" -- porch check-message "$MSG"

# --- CRLF --------------------------------------------------------------------------------------
valid $'[CHECKPOINT] Windows line ends\r\n\r\nBody\r\n'
valid $'# comment\r\n[COMPLETE] After a CRLF comment\r\n'
valid $'[CHECKPOINT] Before CRLF scissors\r\n# ------------------------ >8 ------------------------\r\nbad\r\n'
invalid "text must follow [CHECKPOINT]" $'[CHECKPOINT]\r\n' # the CR is a line end, not a character

# --- stdin --------------------------------------------------------------------------------------
expect_ok porch check-message - <<<"[COMPLETE] From stdin"
assert_eq "" "$OUT" "stdin: a valid message prints nothing"
expect_fail 1 "unknown status tag [DONE]" -- porch check-message - <<<"[DONE] From stdin"
expect_fail 1 "the commit message is empty" -- porch check-message - </dev/null
printf '# c\r\n[NEEDS:task-1/Api] CRLF on stdin\r\n' >"$MSG"
expect_ok porch check-message - <"$MSG"

# --- what a commit-msg hook gets: git's own message file -------------------------------------------
mkdir -p .git/hooks
printf '#!/bin/sh\nexec git porch check-message "$1"\n' >.git/hooks/commit-msg
chmod +x .git/hooks/commit-msg
tick
run git commit -q --allow-empty -m "[CHECKPOINT] Through the hook"
assert_eq 0 "$RC" "git commit with a valid message passes the hook (stderr: $ERR)"
tick
run git commit -q --allow-empty -m "Not protocol"
assert_eq 1 "$RC" "git commit with an invalid message is stopped by the hook"
assert_contains "$ERR" "error: the subject must start with a status tag" "the hook's error reaches the user"
assert_eq "[CHECKPOINT] Through the hook" "$(git log -1 --format=%s)" "the invalid commit was not made"
rm .git/hooks/commit-msg

# --- file errors and usage ------------------------------------------------------------------------
expect_fail 128 "cannot read '$T/nonexistent'" -- porch check-message "$T/nonexistent"
assert_contains "$ERR" "No such file or directory" "the reason is given"
expect_fail 129 "check-message: file is required" -- porch check-message
assert_contains "$ERR" "hint: see 'git porch check-message -h'" "usage hint"
expect_fail 129 "check-message: " -- porch check-message "$MSG" extra
in_dir "$T" run porch check-message "$T/outside"
assert_true "check-message on a directory exits $RC ('${ERR%%$'\n'*}') instead of 128 'cannot read'" \
    test "$RC" -eq 128

finish
