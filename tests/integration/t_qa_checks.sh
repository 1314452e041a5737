#!/usr/bin/env bash
# QA as the seeds run it: the default config as before; a third verdict, qa block (the seed's
# QA_BLOCKED: status shows it with its reason, integrate waits, a later verdict or a new commit
# replaces it); a worker rejected again after retry_on_failure attempts is failed (status, its
# alert, integrate skips it, retry refuses, handoff lists it); named checks from .porch.toml
# ([qa] checks, [qa.paths]: e2e only for the web), each judged with --check, shown per check,
# required by integrate, which names what it waits for.
source "$(dirname "$0")/lib.sh"
cd "$T"

# work <worktree> <file> <subject>: a commit there that adds <file>.
work() {
    mkdir -p "$(dirname "$1/$2")"
    printf '%s\n' "$3" >"$1/$2"
    git -C "$1" add "$2"
    tick
    git -C "$1" commit -q -m "$3"
}
# setting <sed expression>: changes .porch.toml.
setting() { sed -i "$1" .porch.toml; }
# of <worker> <python expression over w>: the value for that worker in status --json (in OUT).
of() { json_q "$OUT" "[$2 for w in d['workers'] if w['id'] == '$1'][0]"; }
alerts() { json_q "$OUT" "[[a['kind'], a['worker'], a['message'], a['action']] for a in d['alerts'] if a['kind'] in ($1,)]"; }

porch_repo r
W1=worktrees/task-1-api W2=worktrees/task-2-web W3=worktrees/task-3-docs
expect_ok porch spawn 1 api --scope src/api
expect_ok porch spawn 2 web --scope web
expect_ok porch spawn 3 docs
work $W1 src/api/routes.py "[COMPLETE] api"
work $W2 web/index.html "[COMPLETE] web"
work $W3 web/help.html "[COMPLETE] docs"

# --- the default config: nothing required, nothing held --------------------------------------------
expect_ok porch status --json
assert_json "$OUT" '[[w["qa"], w["checks"], w["failed"], w["failure"]] for w in d["workers"]]' \
    '[["pending",[],false,null],["pending",[],false,null],["pending",[],false,null]]' \
    "by default no check is required: complete workers are pending, as before"
expect_ok porch integrate f --dry-run
assert_contains "$OUT" $'  task-1 (work/task-1-api)\n  task-2 (work/task-2-web)\n  task-3 (work/task-3-docs)' \
    "by default integrate takes unjudged complete workers, as before"
assert_not_contains "$OUT" "skipped" "and skips none"

# --- qa block: QA could not judge it ---------------------------------------------------------------
expect_fail 129 "a block needs a reason" -- porch qa block 2
assert_contains "$ERR" 'hint: say what kept QA from judging it: git porch qa block task-2 -m "<environment issue>"' \
    "the refusal gives the command"
expect_ok porch qa block 2 -m "the test database is down"
assert_contains "$OUT" "task-2 blocked at $(git rev-parse --short=7 work/task-2-web): the test database is down" \
    "block says so, with the reason"
assert_contains "$OUT" 'next: investigate the environment issue, then judge it again: git porch qa approve task-2, or git porch qa reject task-2 -m "<what to fix>"' \
    "and what to do next"
expect_ok porch status --json
assert_eq '["blocked","the test database is down"]' "$(of task-2 '[w["qa"], w["qa_reason"]]')" \
    "status --json: QA blocked, with its reason"
assert_eq '[["qa-blocked","task-2","task-2: QA could not judge it (blocked): the test database is down","investigate the environment issue, then judge it again: git porch qa approve task-2, or git porch qa reject task-2 -m \"<what to fix>\""]]' \
    "$(alerts "'qa-blocked'")" "a qa-blocked alert, ending in the commands"
expect_ok porch status
assert_match "$OUT" "task-2 +complete \(QA blocked\) " "the table shows it"
expect_ok porch integrate f --dry-run
assert_contains "$OUT" "skipped task-2: QA could not judge it (blocked): the test database is down; it waits for a verdict" \
    "integrate waits for it, and says why"
assert_not_contains "$OUT" "  task-2 (" "integrate does not merge it"
expect_ok porch integrate f --dry-run --json
assert_json "$OUT" '[[s["worker"], s["kind"], s["checks"]] for s in d["skipped"]]' '[["task-2","qa-blocked",["qa"]]]' \
    "integrate --json: the kind and the check"
expect_ok porch log task-2
assert_match "$OUT" "qa-check +blocked at [0-9a-f]{7}: the test database is down" "log shows the verdict"
# A new commit waits for a new verdict; a later verdict replaces a block.
work $W2 web/style.css "[COMPLETE] web, styled"
expect_ok porch status --json
assert_eq "pending" "$(of task-2 'w["qa"]')" "a new commit makes a blocked worker pending again"
expect_ok porch qa block task-2 -m "CI is down"
expect_ok porch qa approve 2
expect_ok porch status --json
assert_eq '["approved",null]' "$(of task-2 '[w["qa"], w["qa_reason"]]')" "an approval replaces the block"
expect_ok porch integrate f --dry-run
assert_contains "$OUT" "  task-2 (work/task-2-web)" "and integrate takes it"

# --- failed: rejected again with no attempt left --------------------------------------------------
setting 's/^# retry_on_failure = 3$/retry_on_failure = 1/'
expect_ok porch qa reject 1 -m "no tests"
expect_ok porch status --json
assert_eq 'false' "$(of task-1 'w["failed"]')" "a rejection with attempts left is no failure"
assert_eq '["qa-rejected"]' "$(json_q "$OUT" '[a["kind"] for a in d["alerts"] if a["worker"] == "task-1"]')" \
    "it is a qa-rejected alert"
expect_ok porch retry 1
assert_contains "$OUT" "task-1: attempt 1 of 1" "the one attempt allowed"
expect_ok porch status --json
assert_eq 'false' "$(of task-1 'w["failed"]')" "the retry answered that rejection: its attempt is under way"
work $W1 src/api/test_routes.py "[COMPLETE] api, with tests"
expect_ok porch qa reject 1 -m "the tests fail"
expect_ok porch status --json
assert_eq '[true,{"allowed":1,"attempts":1,"check":"qa","reason":"the tests fail"}]' \
    "$(of task-1 '[w["failed"], w["failure"]]')" "rejected again with no attempt left: failed"
assert_eq "complete" "$(of task-1 'w["state"]')" "its state is still the protocol's"
failed_alert=$(alerts "'failed','qa-rejected'")
assert_contains "$failed_alert" '["failed","task-1","task-1 failed: QA rejected it after 1 attempt (parallelization.retry_on_failure = 1): the tests fail",' \
    "a failed alert, naming the failure and the attempts"
assert_contains "$failed_alert" "report it to the user (git porch handoff lists it); or fix it by hand in $T/r/$W1 and commit [COMPLETE] again" \
    "its action: report, or take it over by hand"
assert_contains "$failed_alert" 'or raise retry_on_failure under [parallelization] in .porch.toml above 1, then run: git porch retry task-1"]' \
    "or allow more attempts, ending in the command"
assert_not_contains "$failed_alert" "qa-rejected" "one alert for it, not a rejection besides"
expect_ok porch status
assert_match "$OUT" "task-1 +complete \(failed: QA rejected\) " "the table shows it failed"
expect_ok porch integrate f --dry-run
assert_contains "$OUT" "skipped task-1: failed: QA rejected it after 1 attempt (parallelization.retry_on_failure = 1): the tests fail" \
    "integrate skips it with the reason"
expect_ok porch integrate f --dry-run --json
assert_json "$OUT" '[[s["worker"], s["kind"]] for s in d["skipped"]]' '[["task-1","failed"]]' "integrate --json: kind failed"
expect_fail 1 "task-1 failed: QA rejected it after 1 attempt (parallelization.retry_on_failure = 1): the tests fail" -- porch retry 1
assert_contains "$ERR" "then run: git porch retry task-1" "retry refuses, naming the failure, the way on in its hint"
expect_ok porch handoff
assert_contains "$OUT" $'## Failed: report these to the user\n- task-1 (QA rejected it after 1 attempt (parallelization.retry_on_failure = 1): the tests fail)' \
    "handoff lists the failed task for the user"
assert_not_contains "$OUT" "git porch resume task-1" "and does not send it back to work"
expect_ok porch handoff --json
assert_json "$OUT" 'd["failed"]' '["task-1 (QA rejected it after 1 attempt (parallelization.retry_on_failure = 1): the tests fail)"]' \
    "handoff --json: failed"
# More attempts allowed: no longer failed, and retry counts the next one.
setting 's/^retry_on_failure = 1$/retry_on_failure = 2/'
expect_ok porch status --json
assert_eq '[false,"rejected"]' "$(of task-1 '[w["failed"], w["qa"]]')" "raising retry_on_failure lifts the failure"
expect_ok porch retry 1
assert_contains "$OUT" "task-1: attempt 2 of 2" "and retry goes on"

# --- named checks: qa for every task, e2e for the web ----------------------------------------------
setting 's/^# checks = .*/checks = ["qa", "e2e"]/; s|^# e2e = .*|e2e = ["web/**"]|'
expect_ok porch qa approve 1 # taken over: QA's later verdict replaces the rejection
expect_ok porch status --json
assert_eq '[["qa","approved",true,"qa.checks"]]' \
    "$(of task-1 '[[c["check"], c["verdict"], c["required"], c["required_by"]] for c in w["checks"]]')" \
    "task-1 (src/api) needs QA only"
assert_eq '[["qa","approved",true,"qa.checks"],["e2e","pending",true,"qa.paths: its scope web meets web/**"]]' \
    "$(of task-2 '[[c["check"], c["verdict"], c["required"], c["required_by"]] for c in w["checks"]]')" \
    "task-2 needs e2e too, by its scope"
assert_eq '[["qa","pending"],["e2e","pending","qa.paths: it changed web/help.html"]]' \
    "$(of task-3 '[[c["check"], c["verdict"]] + ([c["required_by"]] if c["check"] == "e2e" else []) for c in w["checks"]]')" \
    "task-3 (no scope) needs e2e by what it changed"
assert_eq '[["qa-pending","task-2","task-2 is complete and waits for e2e (qa.paths: its scope web meets web/**)","git porch qa approve task-2 --check e2e, or git porch qa reject task-2 --check e2e -m \"<what to fix>\""]]' \
    "$(json_q "$OUT" '[[a["kind"], a["worker"], a["message"], a["action"]] for a in d["alerts"] if a["worker"] == "task-2"]')" \
    "a pending check is an alert with the commands that judge it"
expect_ok porch status
assert_match "$OUT" "task-2 +complete \(QA approved, e2e pending\) " "the table shows each check"
expect_ok porch integrate f --dry-run
assert_contains "$OUT" "  task-1 (work/task-1-api)" "task-1 has what it needs"
assert_contains "$OUT" "skipped task-2: not approved by e2e (qa.paths: its scope web meets web/**)" \
    "integrate names the check it waits for"
assert_contains "$OUT" "skipped task-3: not approved by QA (qa.checks), e2e (qa.paths: it changed web/help.html)" \
    "and every one"
expect_ok porch integrate f --dry-run --json
assert_json "$OUT" '[[s["worker"], s["kind"], s["checks"]] for s in d["skipped"]]' \
    '[["task-2","qa-waiting",["e2e"]],["task-3","qa-waiting",["qa","e2e"]]]' "integrate --json: the checks"
expect_fail 129 "no check 'e2x' in .porch.toml (qa.checks: qa, e2e)" -- porch qa approve 2 --check e2x
assert_contains "$ERR" "hint: judge one of them: git porch qa approve task-2, or git porch qa approve task-2 --check e2e" \
    "an unknown check is refused with the known ones"
expect_ok porch qa approve 3
assert_contains "$OUT" 'next: it still waits for e2e; judge e2e: git porch qa approve task-3 --check e2e, or git porch qa reject task-3 --check e2e -m "<what to fix>"' \
    "approve says which check is still missing"
expect_ok porch qa reject 2 --check e2e -m "the menu overlaps on mobile"
assert_contains "$OUT" "task-2 rejected at $(git rev-parse --short=7 work/task-2-web) (e2e)" "a verdict on a check"
expect_ok porch status --json
assert_eq '["approved",["approved","rejected"]]' "$(of task-2 '[w["qa"], [c["verdict"] for c in w["checks"]]]')" \
    "each check keeps its own verdict"
assert_contains "$(alerts "'qa-rejected'")" '"task-2 was rejected by e2e: the menu overlaps on mobile"' "the rejection's alert names the check"
expect_ok porch integrate f --dry-run
assert_contains "$OUT" "skipped task-2: rejected by e2e: the menu overlaps on mobile" "integrate skips it"
expect_ok porch qa approve 2 --check e2e --json
assert_json "$OUT" '[d["check"], d["verdict"], d["waiting"]]' '["e2e","approved",[]]' "qa --json: the check"
expect_ok porch qa approve 3 --check e2e
expect_ok porch integrate f --dry-run
assert_contains "$OUT" $'  task-1 (work/task-1-api)\n  task-2 (work/task-2-web)\n  task-3 (work/task-3-docs)' \
    "every check approved: integrate takes them all"
assert_not_contains "$OUT" "skipped" "and skips none"
expect_ok porch log task-2
assert_match "$OUT" "qa-check +approved at [0-9a-f]{7} \(e2e\)" "log names the check"

# --- a bad value is one line naming the place ------------------------------------------------------
setting 's/^checks = .*/checks = ["E2E"]/'
expect_fail 128 ".porch.toml:" -- porch status
assert_contains "$ERR" "'qa.checks': 'E2E' is not a check name" "a bad check name is refused"

finish
