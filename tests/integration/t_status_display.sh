#!/usr/bin/env bash
# git porch status on screen: colour only on a terminal and never with NO_COLOR, text from
# commits made safe for the terminal, and where status refuses to run.
source "$(dirname "$0")/lib.sh"
cd "$T"
ESC=$'\x1b'

new_repo r
cd r
expect_ok porch spawn 1 api
expect_ok porch spawn 2 web
commit -C worktrees/task-1-api "[BLOCKED:missing-spec] Waiting for the spec"
commit -C worktrees/task-2-web "[CHECKPOINT] Colours $ESC[31mred$ESC[0m and a bell "$'\a'" here"
evil_subject="[CHECKPOINT] Colours $ESC[31mred$ESC[0m and a bell "$'\a'" here"

# --- no colour when stdout is not a terminal -----------------------------------------------------
expect_ok porch status
plain=$OUT
assert_no_esc "$plain" "status into a pipe has no escape sequence"
assert_contains "$plain" "task-1  blocked" "the table is there"
# The commit subject's own escape sequence and bell are neutralised in the table.
assert_contains "$plain" "[CHECKPOINT] Colours ?[31mred?[0m and a bell ? here" \
    "control characters of a subject are shown as ?"
assert_false "no raw BEL byte in the table" grep -q $'\a' "$OUT_FILE"
# JSON keeps the subject exactly (escaped by JSON, never raw).
expect_ok porch status --json
assert_false "no raw ESC byte in the JSON" grep -q "$ESC" "$OUT_FILE"
assert_json "$OUT" 'd["workers"][1]["last_commit"]["subject"]' "$evil_subject" "JSON has the exact subject"
assert_contains "$OUT" '\u001b[31mred' "JSON escapes ESC as \\u001b"

# Colour forced by git config: proves this build can colour, so "no colour" above means something.
git config color.ui always
expect_ok porch status
assert_contains "$OUT" "$ESC[" "color.ui=always colours even into a pipe"
assert_contains "$OUT" "$ESC[31mblocked" "blocked is red"
assert_not_contains "$OUT" "$ESC[31mred" "a subject's escape sequence is not passed through even in colour"
expect_ok porch status --json
assert_no_esc "$OUT" "JSON is never coloured"
# NO_COLOR wins over git config.
NO_COLOR=1 expect_ok porch status
assert_no_esc "$OUT" "NO_COLOR=1 beats color.ui=always"
assert_eq "$plain" "$OUT" "NO_COLOR output = plain output"
git config color.porch never
expect_ok porch status
assert_no_esc "$OUT" "color.porch=never beats color.ui=always"
git config --unset color.porch
git config --unset color.ui

# `git -c color.ui=always porch status` (GIT_CONFIG_PARAMETERS) should colour like the config file.
run git -c color.ui=always porch status
assert_true "status ignores 'git -c color.ui=always' (GIT_CONFIG_PARAMETERS, which libgit2 does not read)" \
    grep -q "$ESC\\[" "$OUT_FILE"

# --- on a terminal ------------------------------------------------------------------------------------
COLUMNS=300 run_tty porch status # wide enough that nothing is cut
assert_eq 0 "$RC" "status on a terminal exits 0"
assert_contains "$OUT" "$ESC[1mtask-1$ESC[m" "on a terminal worker names are bold"
assert_contains "$OUT" "$ESC[31mblocked" "on a terminal blocked is red"
assert_contains "$OUT" "$ESC[2mnew" "on a terminal new is dim (task-2's only subject is invalid)"
assert_not_contains "$OUT" "$ESC[31mred" "on a terminal a subject's escape sequence is not passed through"
assert_contains "$OUT" "?[31mred?[0m" "on a terminal the subject shows ? for ESC"
assert_false "no raw BEL byte on the terminal either" grep -q $'\a' "$OUT_FILE"
NO_COLOR=1 COLUMNS=300 run_tty porch status
assert_eq 0 "$RC" "NO_COLOR status on a terminal exits 0"
assert_no_esc "$OUT" "NO_COLOR=1 on a terminal: no escape sequence"
assert_eq "$plain" "$(tr -d '\r' <<<"$OUT")" "NO_COLOR on a terminal = the plain table"
NO_COLOR= run_tty porch status
assert_contains "$OUT" "$ESC[" "an empty NO_COLOR does not disable colour"
TERM=dumb run_tty porch status
assert_no_esc "$OUT" "TERM=dumb: no colour"
git config color.ui never
run_tty porch status
assert_no_esc "$OUT" "color.ui=never on a terminal: no colour"
git config color.ui auto
run_tty porch status
assert_contains "$OUT" "$ESC[" "color.ui=auto on a terminal: colour"
git config --unset color.ui
run_tty porch status --json
assert_no_esc "$OUT" "JSON on a terminal is not coloured"

commit -C worktrees/task-2-web "[CHECKPOINT] Fine now"
run_tty porch status
assert_contains "$OUT" "$ESC[36mcheckpoint" "on a terminal checkpoint is cyan"

# A bidi override (U+202E) in a subject: not a valid protocol commit, and not printed raw.
commit -C worktrees/task-1-api "[BLOCKED:"$'\xe2\x80\xae'"evil] Right-to-left override in the reason"
expect_ok porch status
assert_not_contains "$OUT" $'\xe2\x80\xae' "a bidi override in a subject is not printed raw"
assert_match "$OUT" "[0-9a-f]{7} \\[BLOCKED:[?]+evil\\] Right-to-left" "the subject shows ? for the override"
assert_contains "$OUT" "task-1 is blocked: missing-spec" "a subject with a bidi override does not change the state"

# A very long subject is cut with an ellipsis.
long=$(printf 'word %.0s' {1..40})
commit -C worktrees/task-2-web "[CHECKPOINT] $long"
COLUMNS=120 run_tty porch status --worker 2
line=$(sed -n 2p <<<"$OUT" | tr -d '\r')
assert_match "$line" $'\xe2\x80\xa6$' "on a terminal a long subject ends with an ellipsis"
expect_ok porch status --worker 2
assert_contains "$OUT" "${long% }" "into a pipe the subject is whole"
assert_json "$(porch status --json --worker 2)" 'd["workers"][0]["last_commit"]["subject"]' \
    "[CHECKPOINT] ${long% }" "JSON keeps the whole subject (trailing space trimmed by git)"

# Long names are cut with an ellipsis and the columns stay aligned (counted in characters).
expect_ok porch spawn abcdefghijklmnopqrstuvwxyz012345 a23456789-b23456789-c23456789-d23456789-e2345678
expect_ok porch status
assert_contains "$OUT" "work/task-abcdefghijklmnopqrstuvwxyz012345-a23456789-b23456789-c23456789-d23456789-e2345678 " \
    "into a pipe a long branch is whole"
NO_COLOR=1 COLUMNS=150 run_tty porch status
OUT=$(tr -d '\r' <<<"$OUT")
assert_contains "$OUT" $'work/task-abcdefghijklmnopqrst\xe2\x80\xa6  worktrees/task-\xe2\x80\xa6  ' \
    "on a terminal (150 columns) the subject, the worktree, then the branch give way"
gap=$(python3 -c '
import sys
h = sys.stdin.read().split("\n")[0]
print(h.index("WORKTREE") - h.index("BRANCH"), h.index("LAST COMMIT") - h.index("WORKTREE"))' <<<"$OUT")
assert_true "a cut cell keeps its column's width (counted in characters): BRANCH and WORKTREE spans are '$gap', expected '33 18'" \
    test "$gap" = "33 18"
starts=$(python3 -c '
import re, sys
lines = sys.stdin.read().split("\n")
rows = lines[: lines.index("")]
col = rows[0].index("LAST COMMIT")
# every row has a 7-hex commit id starting exactly under LAST COMMIT
print(all(re.fullmatch("[0-9a-f]{7}", r[col:col + 7]) and r[col - 2:col] == "  " for r in rows[1:]))
' <<<"$OUT")
assert_eq True "$starts" "the LAST COMMIT column is aligned in every row"
cd "$T"

# --- where status refuses ---------------------------------------------------------------------------
mkdir outside
snapshot_state out outside
in_dir outside expect_fail 128 "not a git repository" -- porch status
in_dir outside expect_fail 128 "not a git repository" -- porch status --json
assert_state_unchanged out outside "status outside a repository creates nothing"

git init -q --bare bare.git
in_dir bare.git run porch status
# A bare repository (a server, a mirror) has worker branches but no worktrees: status reports.
assert_eq 0 "$RC" "status works in a bare repository"
assert_contains "$OUT" "no workers"
git clone -q --bare r clone.git
in_dir clone.git run porch status --json
assert_eq 0 "$RC" "status works in a bare clone"
assert_contains "$OUT" '"id": "task-' "the bare clone lists the workers"

# An empty repository has no workers.
git init -q empty
in_dir empty expect_ok porch status
assert_contains "$OUT" "no workers" "status before the first commit"

finish
