#!/usr/bin/env bash
# Scopes and configured paths that try to leave the repository: "../x", "/etc", "a/../../x" and
# a symlink inside the repository that points outside, given to spawn, pool acquire, the plan
# (.porch/plan.toml) and .porch.toml's [naming] worktree; and the commit-msg hook's scope check
# against staged symlinks. (spawn --scope's lexical refusals are in t_spawn_refusals.sh.)
#
# Decision for the scope check: what git records is the staged path, never the file a symlink
# points at. A staged symlink is a blob holding its target's name, and git refuses to stage
# anything "beyond a symbolic link", so a commit cannot change a file outside the repository
# through one. The hook therefore judges the staged path alone: a symlink inside the scope that
# points outside passes, a symlink outside the scope that points inside is refused.
source "$(dirname "$0")/lib.sh"
cd "$T"

mkdir outside
printf 'secret\n' >outside/secret.txt
new_repo r
cd r
expect_ok porch init -q
mkdir -p src/api src/web
printf 'api\n' >src/api/a.txt
printf 'web\n' >src/web/w.txt
ln -s "$T/outside" out-abs           # a symlink to an absolute folder outside
ln -s ../outside out-rel             # the same, relative
ln -s ../../../outside src/api/up    # inside src/api, pointing out
git add .porch.toml src out-abs out-rel
commit "Add porch settings, sources and symlinks"
run porch pool init 1
assert_eq 0 "$RC" "test setup: pool init ($ERR)"
snapshot_state s

refuse() { # <substring> <cmd...>
    local want=$1
    shift
    expect_fail 128 "$want" -- "$@"
    assert_state_unchanged s . "$(printf '%q ' "$@")changed something"
}

# --- spawn and pool acquire -----------------------------------------------------------------------
for scope in ../x /etc a/../../x ./../x src/../../x '.././x' "$T/outside" 'src/api/../../../x'; do
    refuse "must be a relative path inside the repository" porch spawn 2 web --scope "$scope"
    refuse "must be a relative path inside the repository" porch pool acquire 2 web --scope "$scope"
done
# A scope through a symlink names a repository path (the symlink itself), which is all a commit
# can touch: accepted, as "out-abs". Its worker may commit the link, and nothing beyond it.
expect_ok porch spawn 3 links --scope out-abs --scope src/api/up
run git porch log task-3 --json
assert_json "$OUT" '[e["scope"] for e in d if e["type"] == "spawned"]' '[["out-abs","src/api/up"]]' \
    "the scope is recorded as the repository path"
WT3=worktrees/task-3-links
snapshot_state s3
printf 'x\n' >"$WT3/out-abs/new.txt" 2>/dev/null || true # lands outside, in $T/outside
run git -C "$WT3" add out-abs/new.txt
assert_true "git refuses to stage a path beyond a symlink (exit $RC)" test "$RC" -ne 0
assert_contains "$ERR" "beyond a symbolic link" "git says why"
rm -f "$T/outside/new.txt"
assert_state_unchanged s3 . "the refused add changed the repository"

# --- the plan --------------------------------------------------------------------------------------
mkdir -p .porch
for scope in ../x /etc a/../../x "$T/outside"; do
    cat >.porch/plan.toml <<TOML
[[task]]
id = "4"
desc = "fine"
scope = ["src/web/"]

[[task]]
id = "5"
desc = "escape"
scope = ["$scope"]
TOML
    snapshot_state p
    run porch plan check
    assert_true "plan check with scope $scope fails (exit $RC)" test "$RC" -ne 0 -a "$RC" -lt 129
    assert_contains "$OUT$ERR" "must be a relative path inside the repository" \
        "plan check names the escaping scope $scope"
    # apply refuses the whole plan: not even task 4, whose scope is fine, is spawned.
    expect_fail 128 "cannot apply the plan: it has errors" -- porch plan apply
    assert_state_unchanged p . "plan apply with scope $scope changed something"
    expect_fail 128 "cannot apply the plan" -- porch plan apply --pool
    assert_state_unchanged p . "plan apply --pool with scope $scope changed something"
done
rm -rf .porch

# --- [naming] worktree that leaves the repository ---------------------------------------------------
cp .porch.toml "$T/good.toml"
for wt in '../x/{id}' '/tmp/x/{id}' 'a/../../x/{id}' '{id}/../../x' '../{id}'; do
    printf '[naming]\nworktree = "%s"\n' "$wt" >.porch.toml
    snapshot_state n
    expect_fail 128 "'naming.worktree' must" -- porch spawn 6 x
    assert_state_unchanged n . "naming.worktree = $wt changed something"
    expect_fail 128 "'naming.worktree' must" -- porch status
done
cp "$T/good.toml" .porch.toml

# A worktree folder that is a symlink to a folder outside the repository: spawn would put the
# worker's checkout outside the repository, where cleanup and doctor no longer look. It must be
# refused like any folder in the way, and nothing may appear outside.
printf '[naming]\nworktree = "out-rel/task-{id}-{desc}"\n' >.porch.toml
snapshot_state l
snapshot_state lo "$T/outside"
expect_fail 128 "leads outside the repository" -- porch spawn 7 via-link
assert_state_unchanged l . "a refused spawn through a symlink changed something"
assert_state_unchanged lo "$T/outside" "a refused spawn through a symlink wrote outside"
cp "$T/good.toml" .porch.toml
snapshot_state s

# --- the commit-msg hook's scope check with staged symlinks ---------------------------------------
expect_ok porch spawn 8 api --scope src/api/
WT=worktrees/task-8-api
# In scope, pointing out: passes (the staged path is src/api/...; see the decision above).
ln -s /etc/passwd "$WT/src/api/passwd-link"
ln -s "$T/outside/secret.txt" "$WT/src/api/secret-link"
git -C "$WT" add src/api/passwd-link src/api/secret-link
tick
expect_ok git -C "$WT" commit -q -m "[CHECKPOINT] links inside the scope"
assert_eq "secret" "$(cat "$T/outside/secret.txt")" "the file a link points at is untouched"
# Out of scope, pointing in: refused, and the commit is not made.
ln -s src/api "$WT/api-alias"
git -C "$WT" add api-alias
before=$(git -C "$WT" rev-parse HEAD)
tick
run git -C "$WT" commit -q -m "[CHECKPOINT] an alias of the scope"
assert_true "a symlink outside the scope is refused (exit $RC)" test "$RC" -ne 0
assert_contains "$ERR" "api-alias" "the refusal names the staged symlink"
assert_eq "$before" "$(git -C "$WT" rev-parse HEAD)" "no commit was made"
git -C "$WT" rm -q --cached api-alias && rm "$WT/api-alias"
# A sibling whose name starts like the scope is outside it.
mkdir -p "$WT/src/api-evil" && printf 'x\n' >"$WT/src/api-evil/x"
git -C "$WT" add src/api-evil/x
tick
run git -C "$WT" commit -q -m "[CHECKPOINT] a look-alike folder"
assert_true "src/api-evil is outside src/api/ (exit $RC)" test "$RC" -ne 0
assert_contains "$ERR" "src/api-evil/x" "the refusal names it"
git -C "$WT" rm -q --cached src/api-evil/x
# A symlinked folder inside the scope cannot carry a path out: git refuses to stage through it.
ln -s ../web "$WT/src/api/web-link"
run git -C "$WT" add src/api/web-link/w.txt
assert_true "staging through a symlink is refused by git (exit $RC)" test "$RC" -ne 0
# A path that spells its way out of the scope lexically is normalised by git before the hook
# sees it: src/api/../web/w.txt is src/web/w.txt, outside.
printf 'changed\n' >"$WT/src/web/w.txt"
git -C "$WT" add src/api/../web/w.txt
tick
run git -C "$WT" commit -q -m "[CHECKPOINT] dot-dot into another scope"
assert_true "src/api/../web/w.txt is refused (exit $RC)" test "$RC" -ne 0
assert_contains "$ERR" "src/web/w.txt" "the refusal names the normalised path"
assert_eq "web" "$(git -C "$WT" show HEAD:src/web/w.txt)" "the file outside the scope is not committed"

finish
