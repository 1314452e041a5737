#!/usr/bin/env bash
# QA verdicts end to end (status, alerts, integrate with and without qa.required, a rejection
# sent back and fixed), retries bounded by retry_on_failure, and the session boundary protocol
# (checkpoint write/read, handoff).
source "$(dirname "$0")/lib.sh"
cd "$T"

qa_of() { git porch status --json | python3 -c '
import json, sys
d = json.load(sys.stdin)
print(" ".join("%s:%s" % (w["id"], w["qa"]) for w in d["workers"]))'; }

porch_repo r
expect_ok porch spawn 1 api
expect_ok porch spawn 2 ui
expect_ok porch spawn 3 docs
commit -C worktrees/task-1-api "[COMPLETE] api done"
commit -C worktrees/task-2-ui "[COMPLETE] ui done"
commit -C worktrees/task-3-docs "[CHECKPOINT] docs started"

# --- verdicts ------------------------------------------------------------------------------------
assert_eq "task-1:pending task-2:pending task-3:None" "$(qa_of)" "complete workers wait for QA"
expect_ok porch status
assert_not_contains "$OUT" "QA pending" "while QA is not required, waiting is not news in the table"
expect_fail 1 "task-3 is not complete (state checkpoint)" -- porch qa approve 3
expect_fail 129 "a rejection needs a reason" -- porch qa reject 2
expect_fail 129 "" -- porch qa maybe 1
expect_fail 128 "no worker task-9" -- porch qa approve 9

expect_ok porch qa approve 1
assert_contains "$OUT" "task-1 approved at" "approve says so"
expect_ok porch qa reject task-2 -m "buttons overlap on mobile" --json
assert_json "$OUT" '[d["worker"], d["verdict"], d["reason"]]' '["task-2","rejected","buttons overlap on mobile"]' \
    "reject --json"
assert_eq "task-1:approved task-2:rejected task-3:None" "$(qa_of)" "the verdicts in status"
expect_ok porch status --json
assert_json "$OUT" '[(a["kind"], a["worker"]) for a in d["alerts"] if a["kind"].startswith("qa")]' \
    '[["qa-rejected","task-2"]]' "a rejection is an alert"
assert_contains "$(json_q "$OUT" '[a["action"] for a in d["alerts"] if a["kind"] == "qa-rejected"][0]')" \
    "git porch resume task-2" "whose action sends the worker back"
expect_ok porch log task-2
assert_contains "$OUT" "qa" "the verdict is in the timeline"

# integrate never takes a rejected worker.
expect_ok porch integrate f1 --dry-run
assert_contains "$OUT" "task-1 (work/task-1-api)" "the approved worker would be merged"
assert_contains "$OUT" "skipped task-2: rejected by QA: buttons overlap on mobile" "the rejected one not"

# After a fix the worker completes again: its verdict was for the old tip, QA is pending again.
commit -C worktrees/task-2-ui "[COMPLETE] ui fixed"
assert_eq "task-1:approved task-2:pending task-3:None" "$(qa_of)" "a new tip waits for a new verdict"

# qa.required: only approved workers are merged, and waiting ones are alerts.
sed -i 's/^# required = false$/required = true/' .porch.toml
expect_ok porch integrate f2 --dry-run
assert_contains "$OUT" "skipped task-2: not approved by QA (qa.required)" "qa.required skips the unapproved"
expect_ok porch status --json
assert_json "$OUT" '[a["worker"] for a in d["alerts"] if a["kind"] == "qa-pending"]' '["task-2"]' \
    "with qa.required a waiting worker is an alert"
expect_ok porch status
assert_contains "$OUT" "complete (QA pending)" "and the table shows it waiting"
assert_contains "$OUT" "complete (QA approved)" "beside a verdict"
expect_ok porch qa approve 2
expect_ok porch integrate f2 --dry-run
assert_contains "$OUT" "task-2 (work/task-2-ui)" "once approved it is merged"

# --- retries ---------------------------------------------------------------------------------------
sed -i 's/^# retry_on_failure = 3$/retry_on_failure = 2/' .porch.toml
expect_ok porch retry 3
assert_contains "$OUT" "task-3: attempt 1 of 2" "the first retry"
expect_ok porch retry task-3 --json
assert_json "$OUT" '[d["attempt"], d["allowed"]]' '[2,2]' "the second"
expect_fail 1 "task-3 was retried 2 times already (parallelization.retry_on_failure = 2)" -- porch retry 3
assert_json "$(git porch status --json)" '[w["attempts"] for w in d["workers"]]' '[0,0,2]' "status counts attempts"

# --- the session boundary protocol ----------------------------------------------------------------
expect_ok porch checkpoint read
assert_contains "$OUT" "no checkpoint yet" "nothing to read at first"
expect_fail 129 "bad group name" -- porch checkpoint write 'group 1' "x"
expect_fail 129 "a checkpoint needs a summary" -- porch checkpoint write G1 ""
expect_ok porch checkpoint write POST_GROUP_1 "api and ui done; docs retried"
assert_contains "$OUT" "checkpoint POST_GROUP_1 written" "write"
expect_ok porch checkpoint read --json
assert_json "$OUT" '[d["group"], d["summary"], d["complete"], d["open"]]' \
    '["POST_GROUP_1","api and ui done; docs retried",["task-1","task-2"],["task-3"]]' "read gives it back"
expect_ok porch checkpoint write POST_GROUP_2 "second"
expect_ok porch checkpoint read --all --json
assert_json "$OUT" '[c["group"] for c in d]' '["POST_GROUP_2","POST_GROUP_1"]' "--all, newest first"
expect_ok porch handoff
assert_contains "$OUT" "Last checkpoint: POST_GROUP_2" "the handoff names the newest checkpoint"
assert_contains "$OUT" "- task-3 (checkpoint)" "and the open workers"
assert_contains "$OUT" "- git porch checkpoint read" "and what to run next"
expect_ok porch status --json
assert_json "$OUT" '[w["id"] for w in d["workers"]]' '["task-1","task-2","task-3"]' \
    "the session's events are not a worker"
expect_ok porch log --json
assert_contains "$OUT" '"type": "handoff"' "the handoff is an event"

finish
