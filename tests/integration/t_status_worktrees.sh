#!/usr/bin/env bash
# Status's worktree columns: uncommitted and untracked paths and commits behind the base, per
# worker whose worktree is here; the alerts on them; the table fitted to the terminal.
source "$(dirname "$0")/lib.sh"
cd "$T"
set_clock $(($(date +%s) + 86400 * 365)) # no worker is stalled
wt() { printf '%s/r/worktrees/%s' "$T" "$1"; }

porch_repo r
mkdir -p src/api src/web
printf 'a\n' >src/api/one.js
printf 'b\n' >src/web/one.js
printf 'build/\n' >.gitignore
git add . && commit "Add sources"
expect_ok porch spawn 1 api --scope src/api
expect_ok porch spawn 2 web --scope src/web

# --- counts ------------------------------------------------------------------------------------
echo changed >>"$(wt task-1-api)/src/api/one.js"
echo staged >"$(wt task-1-api)/src/api/two.js"
git -C "$(wt task-1-api)" add src/api/two.js
echo new >"$(wt task-1-api)/notes.txt"
mkdir "$(wt task-1-api)/src/api/new" && touch "$(wt task-1-api)/src/api/new/a" "$(wt task-1-api)/src/api/new/b"
mkdir "$(wt task-1-api)/build" && echo output >"$(wt task-1-api)/build/out.o" # ignored: not work
expect_ok porch status --json
assert_json "$OUT" "[x['worktree_state'] for x in d['workers'] if x['id'] == 'task-1'][0]" \
    '{"behind":0,"dirty":2,"paths":["src/api/one.js","src/api/two.js","notes.txt","src/api/new/"],"untracked":2}' \
    "changed and staged paths count as dirty, untracked files and folders once each, ignored ones not at all"
assert_json "$OUT" "[x['worktree_state'] for x in d['workers'] if x['id'] == 'task-2'][0]" \
    '{"behind":0,"dirty":0,"paths":[],"untracked":0}' "a clean worktree"
expect_ok porch status
assert_match "$OUT" "task-1 +new +0 +0 +2\\+2\\? " "the table: behind 0, 2 changed and 2 untracked"
assert_match "$OUT" "task-2 +new +0 +0 +0 " "the table: a clean worktree"
assert_contains "$OUT" "WORKER  STATE  AHEAD  BEHIND  DIRTY  AGE" "the columns' headers"

# --no-worktrees reads no worktree: no columns, null in --json.
expect_ok porch status --no-worktrees
assert_not_contains "$OUT" "DIRTY" "--no-worktrees: no DIRTY column"
assert_not_contains "$OUT" "BEHIND" "--no-worktrees: no BEHIND column"
expect_ok porch status --no-worktrees --json
assert_json "$OUT" '[x["worktree_state"] for x in d["workers"]]' '[null,null]' \
    "--no-worktrees --json: worktree_state is null"

# --- sparse checkout: the paths it leaves out are not changes ----------------------------------
git -C "$(wt task-2-web)" sparse-checkout set --no-cone '/*' '!/src/api/'
expect_ok porch status --json
assert_json "$OUT" "[x['worktree_state'] for x in d['workers'] if x['id'] == 'task-2'][0]['paths']" \
    '[]' "a sparse checkout's missing files are not uncommitted"
git -C "$(wt task-2-web)" sparse-checkout disable

# --- a complete worker with uncommitted files in its scope -------------------------------------
rm "$(wt task-1-api)/notes.txt" # outside the scope: the hook would refuse it
git -C "$(wt task-1-api)" add -A
tick
git -C "$(wt task-1-api)" commit -q -m "[CHECKPOINT] Most of it"
commit -C "$(wt task-1-api)" "[COMPLETE] The api"
echo more >>"$(wt task-1-api)/src/api/one.js"
echo aside >"$(wt task-1-api)/todo.txt"
run porch status --json
assert_json "$OUT" '[a["kind"] for a in d["alerts"] if a["worker"] == "task-1"]' '["worktree-dirty"]' \
    "one alert: the existing worktree-dirty one, extended"
assert_json "$OUT" '[a["message"] for a in d["alerts"] if a["worker"] == "task-1"][0]' \
    "task-1 is complete but its worktree has 2 uncommitted or untracked files (1 in its scope, which integrate would leave out): src/api/one.js, todo.txt" \
    "it says how many lie in the scope"
assert_json "$OUT" '[a["paths"] for a in d["alerts"] if a["worker"] == "task-1"][0]' \
    '["src/api/one.js","todo.txt"]' "and lists them"
git -C "$(wt task-1-api)" checkout -q -- src/api/one.js
run porch status --json
assert_json "$OUT" '[a["message"] for a in d["alerts"] if a["worker"] == "task-1"][0]' \
    "task-1 is complete but its worktree has 1 uncommitted or untracked file: todo.txt" \
    "outside the scope only: no word of integrate"
rm "$(wt task-1-api)/todo.txt"
run porch status --json
assert_json "$OUT" '[a["kind"] for a in d["alerts"] if a["worker"] == "task-1"]' '[]' "a clean worktree: no alert"

# --- behind the base ---------------------------------------------------------------------------
for i in 1 2 3 4 5; do commit "Base moves on $i"; done
expect_ok porch status --json
assert_json "$OUT" "[x['worktree_state']['behind'] for x in d['workers']]" '[5,5]' "5 commits behind"
assert_json "$OUT" '[a["kind"] for a in d["alerts"] if a["kind"] == "behind-base"]' '[]' \
    "under the default threshold (50): no alert"
printf '[status]\nbehind_alert = 5\n' >.porch.toml
run porch status --json
assert_json "$OUT" '[a["worker"] for a in d["alerts"] if a["kind"] == "behind-base"]' '["task-1","task-2"]' \
    "at the threshold: an alert per worker"
assert_json "$OUT" '[a for a in d["alerts"] if a["kind"] == "behind-base"][1]["message"]' \
    "task-2 is 5 commits behind main" "the alert says how far"
action=$(json_q "$OUT" '[a for a in d["alerts"] if a["kind"] == "behind-base"][1]["action"]')
assert_eq "catch it up: git -C '$(wt task-2-web)' merge main (or, before it is pushed: git -C '$(wt task-2-web)' rebase main)" \
    "$action" "with the merge to type"
merge=${action#catch it up: }
merge=${merge%% (or*}
expect_ok bash -c "$merge -q --no-edit"
run porch status --json
assert_json "$OUT" "[x['worktree_state']['behind'] for x in d['workers']]" '[5,0]' \
    "the printed merge catches it up"
assert_json "$OUT" '[a["worker"] for a in d["alerts"] if a["kind"] == "behind-base"]' '["task-1"]' \
    "and its alert goes"
printf '[status]\nbehind_alert = 0\n' >.porch.toml
run porch status --json
assert_json "$OUT" '[a["worker"] for a in d["alerts"] if a["kind"] == "behind-base"]' '[]' "0: never"
printf '[status]\nbehind_alert = "x"\n' >.porch.toml
expect_fail 128 "status.behind_alert" -- porch status
git checkout -q .porch.toml

# --- the table fits the terminal -----------------------------------------------------------------
expect_ok porch spawn 3 long-desc-for-paths
commit -C "$(wt task-3-long-desc-for-paths)" \
    "[CHECKPOINT] A subject that goes on and on, well past the edge of any ordinary terminal window"
widest() { # the widest line of the table (up to the first empty line) in $1, in columns
    python3 -c 'import re, sys
lines = re.sub(r"\x1b\[[0-9;]*m|\r", "", sys.argv[1]).split("\n")
print(max(len(l) for l in lines[:lines.index("")]))' "$1"
}
COLUMNS=80 run_tty porch status
assert_eq 80 "$(widest "$OUT")" "COLUMNS=80 on a terminal: the table takes 80 columns"
assert_contains "$OUT" "…" "cut values end in an ellipsis"
assert_contains "$OUT" "worktrees…" "the path is there, shortened"
COLUMNS=140 run_tty porch status
assert_eq 140 "$(widest "$OUT")" "COLUMNS=140: 140 columns"
assert_contains "$OUT" "worktrees/task-3-long-desc-for-paths" \
    "at 140 the path is whole: the subject gave way first"
COLUMNS=80 expect_ok porch status
assert_contains "$OUT" "past the edge of any ordinary terminal window" "piped: the subject is whole"
assert_contains "$OUT" "worktrees/task-3-long-desc-for-paths" \
    "piped: the path is whole"
assert_not_contains "$OUT" "…" "piped: nothing is cut"

finish
