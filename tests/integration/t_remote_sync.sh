#!/usr/bin/env bash
# git porch sync follows the workers: a git daemon on 127.0.0.1 and a file:// remote; an
# orchestrator clone and alice's clone, which pushes to the workers' branches. sync fetches the
# workers' branches (also into a --single-branch clone), fast-forwards a local branch that is
# strictly behind (not checked out: the ref; checked out in a clean worktree: merge --ff-only),
# leaves a dirty worktree with the command to type, never touches a diverged branch and says how
# to reconcile it. --branches pushes with an upstream, says up to date / pushed / behind /
# diverged / not pushed (git's reason) per branch, and exits 1 when one was not pushed. A worker
# spawned twice is reported with the way out.
source "$(dirname "$0")/lib.sh"
cd "$T"

serve_team # $T/srv/team.git, served at $URL
FILE_URL=file://$T/srv/team.git

# The remote's tip of a branch.
remote_tip() { git ls-remote "$URL" "refs/heads/$1" | cut -f1; }
line_of() { printf '%s\n' "$1" | grep -F -- "$2" || true; } # <text> <substring>: its lines

# --- the orchestrator spawns four workers and pushes their branches ----------------------------------
porch_repo orch
git config porch.name orch
git remote add origin "$URL"
expect_ok porch init -q
git push -q origin main
for w in "1 api" "2 web" "3 db" "4 ui"; do
    set -- $w
    expect_ok porch spawn "$1" "$2"
    commit -C "worktrees/task-$1-$2" "[CHECKPOINT] $2 started"
done
expect_ok porch sync --branches
for b in work/task-1-api work/task-2-web work/task-3-db work/task-4-ui; do
    assert_contains "$OUT" "$b: pushed to origin (1 commit, new there)" "--branches pushes $b, new on origin"
    assert_eq "$(git rev-parse "$b")" "$(remote_tip "$b")" "origin has $b"
    assert_eq "origin/$b" "$(git rev-parse --abbrev-ref "$b@{u}")" "$b tracks origin/$b"
done
expect_ok porch sync --branches
assert_contains "$OUT" "work/task-1-api: up to date on origin" "a second --branches has nothing to push"
assert_not_contains "$OUT" "pushed to" "and says so for every branch"
expect_ok porch sync --branches --json
assert_json "$OUT" 'sorted(d)' \
    '["added","branches","changed","duplicates","fast_forwards","malformed","overriding","pushed","remote","rounds","skipped"]' \
    "sync --json keys"
assert_json "$OUT" 'sorted(d["branches"][0])' \
    '["action","ahead","behind","branch","created","reason","result","upstream","worker"]' \
    "one entry per branch, with these keys"
assert_json "$OUT" '[(b["branch"], b["result"], b["upstream"]) for b in d["branches"]]' \
    '[["work/task-1-api","up-to-date","origin/work/task-1-api"],["work/task-2-web","up-to-date","origin/work/task-2-web"],["work/task-3-db","up-to-date","origin/work/task-3-db"],["work/task-4-ui","up-to-date","origin/work/task-4-ui"]]' \
    "each up to date, with its upstream"
cd "$T"

# --- alice moves all four on ------------------------------------------------------------------------
git clone -q "$FILE_URL" alice
git -C alice config porch.name alice
in_dir alice expect_ok porch init -q
for b in work/task-1-api work/task-2-web work/task-3-db work/task-4-ui; do
    git -C alice switch -q "$b"
    printf 'from alice\n' >"alice/alice-${b##*/}.txt"
    git -C alice add "alice-${b##*/}.txt"
    commit -C alice "[CHECKPOINT] alice on ${b##*/}"
    git -C alice push -q origin "$b"
done
git -C alice switch -q main

# --- in the orchestrator: one branch not checked out, one clean, one dirty, one diverged ---------------
cd "$T/orch"
git worktree remove --force worktrees/task-1-api
printf 'scratch\n' >worktrees/task-3-db/scratch.txt
commit -C worktrees/task-4-ui "[CHECKPOINT] ui, kept in the orchestrator"
tip3=$(git rev-parse work/task-3-db)
tip4=$(git rev-parse work/task-4-ui)
expect_ok porch sync
assert_contains "$OUT" "fast-forwarded work/task-1-api to origin/work/task-1-api (1 commit)" \
    "a branch no worktree has is fast-forwarded"
assert_eq "$(remote_tip work/task-1-api)" "$(git rev-parse work/task-1-api)" "to the remote's tip"
assert_contains "$OUT" "fast-forwarded work/task-2-web to origin/work/task-2-web (1 commit)" \
    "a branch checked out in a clean worktree is fast-forwarded"
assert_eq "$(remote_tip work/task-2-web)" "$(git -C worktrees/task-2-web rev-parse HEAD)" \
    "its worktree's HEAD moved"
assert_true "with alice's file in the worktree" test -f worktrees/task-2-web/alice-task-2-web.txt
assert_eq "" "$(git -C worktrees/task-2-web status --porcelain)" "and the worktree is clean"
assert_contains "$OUT" "left work/task-3-db 1 commit behind origin/work/task-3-db: its worktree has uncommitted changes" \
    "a dirty worktree is left alone"
assert_contains "$OUT" "  → commit or stash the changes, then fast-forward it: git -C '$T/orch/worktrees/task-3-db' merge --ff-only origin/work/task-3-db" \
    "with the command to type"
assert_eq "$tip3" "$(git rev-parse work/task-3-db)" "its branch did not move"
assert_true "nor did its file" test -f worktrees/task-3-db/scratch.txt
assert_contains "$OUT" "work/task-4-ui has diverged from origin/work/task-4-ui (1 commit here, 1 commit there): left alone" \
    "a diverged branch is reported"
assert_contains "$OUT" "reconcile them: git -C '$T/orch/worktrees/task-4-ui' merge origin/work/task-4-ui (on work/task-4-ui), then git -C '$T/orch/worktrees/task-4-ui' push origin work/task-4-ui" \
    "with status's commands to reconcile it"
assert_eq "$tip4" "$(git rev-parse work/task-4-ui)" "and never touched"
expect_ok porch status --json
assert_json "$OUT" '[a["action"] for a in d["alerts"] if a["kind"] == "diverged"]' \
    "[\"reconcile them: git -C '$T/orch/worktrees/task-4-ui' merge origin/work/task-4-ui (on work/task-4-ui), then git -C '$T/orch/worktrees/task-4-ui' push origin work/task-4-ui\"]" \
    "the same words as status's alert"

# --branches now: two up to date, one behind, one diverged: exit 1, every branch reported.
run porch sync --branches
assert_eq 1 "$RC" "--branches exits 1 when a branch could not be pushed ($ERR)"
assert_contains "$OUT" "work/task-1-api: up to date on origin" "task-1 is up to date"
assert_contains "$OUT" "work/task-3-db: behind origin/work/task-3-db by 1 commit, not pushed" \
    "task-3 is behind, not pushed"
assert_contains "$OUT" "work/task-4-ui: not pushed: it has diverged from origin/work/task-4-ui (1 commit here, 1 commit there)" \
    "task-4 has diverged, not pushed"
assert_eq 1 "$(line_of "$OUT" "has diverged" | wc -l)" "the diverged branch is reported once"
assert_eq "error: not pushed to origin: work/task-3-db, work/task-4-ui" "$ERR" \
    "stderr names the branches not pushed"
run porch sync --branches --json
assert_eq 1 "$RC" "--json too exits 1"
assert_json "$OUT" '[(b["branch"], b["result"], b["ahead"], b["behind"]) for b in d["branches"]]' \
    '[["work/task-1-api","up-to-date",0,0],["work/task-2-web","up-to-date",0,0],["work/task-3-db","behind",0,1],["work/task-4-ui","diverged",1,1]]' \
    "--json: every branch this clone spawned (task-1 has no worktree here any more), each with its counts"
assert_json "$OUT" '[(f["branch"], f["result"]) for f in d["fast_forwards"]]' \
    '[["work/task-3-db","left"],["work/task-4-ui","diverged"]]' "--json: what was left"
assert_json "$OUT" 'sorted(d["fast_forwards"][0])' \
    '["action","ahead","behind","branch","from","reason","remote_branch","result","to","worker","worktree"]' \
    "each fast-forward entry has these keys"

# The commands as printed do it: clean up task-3, reconcile task-4.
rm worktrees/task-3-db/scratch.txt
action=$(git porch status --json | python3 -c '
import json, sys
print([a["action"] for a in json.load(sys.stdin)["alerts"] if a["kind"] == "diverged"][0])')
merge_cmd=${action#reconcile them: }
merge_cmd=${merge_cmd%% (on *}
push_cmd=${action##*, then }
eval "$merge_cmd -q --no-edit"
eval "$push_cmd -q"
expect_ok porch sync --branches
assert_contains "$OUT" "fast-forwarded work/task-3-db to origin/work/task-3-db (1 commit)" \
    "a clean worktree is fast-forwarded on the next sync"
assert_contains "$OUT" "work/task-4-ui: up to date on origin" "the reconciled branch is up to date"

# A push the remote refuses: its update hook declines one branch; the others go through.
cat >"$T/srv/team.git/hooks/update" <<'EOF'
#!/bin/sh
case "$1" in refs/heads/work/task-5-*) echo "task-5 is frozen" >&2; exit 1 ;; esac
exit 0
EOF
chmod +x "$T/srv/team.git/hooks/update"
expect_ok porch spawn 5 frozen
commit -C worktrees/task-5-frozen "[CHECKPOINT] frozen work"
commit -C worktrees/task-2-web "[CHECKPOINT] web, more"
run porch sync --branches
assert_eq 1 "$RC" "a refused branch makes --branches exit 1"
assert_contains "$OUT" "work/task-5-frozen: not pushed: [remote rejected] (hook declined)" \
    "it names the branch and git's reason"
assert_contains "$OUT" "work/task-2-web: pushed to origin (1 commit)" "the others are pushed"
assert_eq "$(git rev-parse work/task-2-web)" "$(remote_tip work/task-2-web)" "origin has task-2's commit"
assert_eq "error: not pushed to origin: work/task-5-frozen" "$ERR" "stderr names it"
assert_not_contains "$OUT$ERR" "hint:" "no hint line stands for the reason"
run porch sync --branches --json
assert_json "$OUT" '[(b["result"], b["reason"]) for b in d["branches"] if b["branch"] == "work/task-5-frozen"]' \
    '[["failed","[remote rejected] (hook declined)"]]' "--json: failed, with git's reason"
rm "$T/srv/team.git/hooks/update"
expect_ok porch sync --branches
assert_contains "$OUT" "work/task-5-frozen: pushed to origin (1 commit, new there)" "pushed once the hook is gone"
expect_ok porch spawn 6 docs
commit -C worktrees/task-6-docs "[CHECKPOINT] docs started"
expect_ok porch sync --branches
cd "$T"

# --- alice works on a branch the orchestrator spawned: --branches pushes it from her clone ------------
cd alice
git fetch -q origin
git switch -q --no-track -c work/task-6-docs origin/work/task-6-docs
commit "[CHECKPOINT] docs, by alice"
assert_false "test setup: no upstream yet" git config branch.work/task-6-docs.merge
expect_ok porch sync --branches
assert_contains "$OUT" "work/task-6-docs: pushed to origin (1 commit)" \
    "a branch checked out here, spawned elsewhere, is pushed"
assert_eq "origin/work/task-6-docs" "$(git rev-parse --abbrev-ref "work/task-6-docs@{u}")" \
    "with its upstream"
assert_eq "$(git rev-parse work/task-6-docs)" "$(remote_tip work/task-6-docs)" "origin has it"
assert_not_contains "$OUT" "work/task-1-api:" "a branch neither spawned nor checked out here is not pushed"
cd "$T"

# --- a branch a rebase in progress holds (HEAD detached meanwhile) is left alone ---------------------
cd orch
tip6=$(git rev-parse work/task-6-docs)
GIT_SEQUENCE_EDITOR="sed -i 1ibreak" git -C worktrees/task-6-docs rebase -q -i HEAD~1 2>/dev/null
expect_ok porch sync
assert_contains "$OUT" "left work/task-6-docs 1 commit behind origin/work/task-6-docs: a rebase or bisect is in progress in $T/orch/worktrees/task-6-docs" \
    "a branch being rebased is not moved under the rebase"
assert_eq "$tip6" "$(git rev-parse work/task-6-docs)" "it stays where it was"
git -C worktrees/task-6-docs rebase --abort
expect_ok porch sync
assert_contains "$OUT" "fast-forwarded work/task-6-docs to origin/work/task-6-docs (1 commit)" \
    "once the rebase is over, sync fast-forwards it"
cd "$T"

# --- a --single-branch clone still gets the workers' branches ---------------------------------------
git clone -q --single-branch "$FILE_URL" narrow
assert_eq "+refs/heads/main:refs/remotes/origin/main" "$(git -C narrow config --get-all remote.origin.fetch)" \
    "test setup: the clone's refspec is narrow"
in_dir narrow expect_ok porch sync --no-push
assert_eq "$(remote_tip work/task-6-docs)" "$(git -C narrow rev-parse refs/remotes/origin/work/task-6-docs)" \
    "sync fetched the workers' branches"
in_dir narrow expect_ok porch status --json
assert_json "$OUT" '[w["id"] for w in d["workers"]]' '["task-1","task-2","task-3","task-4","task-5","task-6"]' \
    "and status sees every worker"

# --- one id spawned in two clones: sync reports it with the way out ------------------------------------
in_dir orch expect_ok porch spawn 7 search
in_dir alice expect_ok porch spawn 7 billing
in_dir alice expect_ok porch sync
in_dir orch expect_ok porch sync
assert_contains "$OUT" "task-7 was spawned twice: on work/task-7-search by orch, and on work/task-7-billing by alice" \
    "sync names both spawns and both clones"
assert_contains "$OUT" "in alice's clone: git branch -m work/task-7-billing work/task-8-billing && git porch reindex" \
    "with status's way out"
in_dir orch expect_ok porch sync --json
assert_json "$OUT" 'd["duplicates"]' \
    '[{"action":"in alice'"'"'s clone: git branch -m work/task-7-billing work/task-8-billing && git porch reindex","message":"task-7 was spawned twice: on work/task-7-search by orch, and on work/task-7-billing by alice","worker":"task-7"}]' \
    "--json: the duplicate with its way out"
# Alice's records of her commits that the orchestrator fast-forwarded to are merged, not dropped
# as overrides of its own: a fast-forward records nothing here.
alice_web=$(git -C alice rev-parse origin/work/task-2-web~1) # her commit, under the orchestrator's newer one
in_dir orch expect_ok porch log task-2 --json
assert_json "$OUT" "[e['clone'] for e in d if e.get('commit') == '$alice_web']" \
    "[\"$(git -C alice config porch.cloneId)\"]" "alice's commit is recorded once, by alice's clone"
in_dir orch expect_ok porch status
assert_contains "$OUT" "task-7 was spawned twice: on work/task-7-search by orch, and on work/task-7-billing by alice" \
    "status says the same"

finish
