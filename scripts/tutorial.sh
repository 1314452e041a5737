#!/usr/bin/env bash
# The README's tutorial, run for real: a sandbox repository "shop" in a temporary folder, three
# workers, their kickoff, protocol commits in their worktrees (one refused by the commit-msg
# hook), status, log, QA, integration and cleanup; then a shared remote, a teammate's clone and
# a branch pushed without porch. Prints the ```console blocks the README shows:
# each command as "$ ..." followed by its output, the sandbox folder written as "~".
#
# usage: scripts/tutorial.sh [--update-readme] path/to/git-porch
#   Without the option it prints the blocks; with it, it writes them over the console blocks
#   between README.md's "tutorial.sh: begin" and "tutorial.sh: end" markers, region after region
#   (same number, same order; the prose around them stays). tests/integration/t_readme.sh checks that they match.
# Environment: TUTORIAL_STATUS=<file> receives "<exit code><TAB><command>" per command shown;
# TUTORIAL_KEEP=1 keeps the sandbox.
#
# Deterministic like tests/integration/lib.sh: temporary HOME, no system or global git config
# but ours, TZ=UTC, C locale, fixed commit dates one minute apart, so commit ids never change.
# Only the event times `git porch log` prints come from the real clock (t_readme.sh ignores them).
set -euo pipefail
if [[ ${1:-} == --update-readme && $# -eq 2 ]]; then
    readme=$(cd "$(dirname "$0")/.." && pwd)/README.md
    transcript=$(bash "$0" "$2")
    python3 - "$readme" "$transcript" <<'EOF'
import re, sys
path, transcript = sys.argv[1], sys.argv[2]
text = open(path, encoding="utf-8").read()
block = re.compile(r"^```console\n.*?^```$", re.S | re.M)
region = re.compile(r"<!-- tutorial\.sh: begin -->\n.*?<!-- tutorial\.sh: end -->", re.S)
regions = list(region.finditer(text))
if not regions:
    sys.exit("tutorial.sh: README.md lacks the tutorial.sh: begin/end markers")
old = [b for m in regions for b in block.findall(m.group(0))]
new = block.findall(transcript)
if len(old) != len(new):
    sys.exit("tutorial.sh: README.md's tutorial has %d console blocks, the script prints %d: "
             "edit README.md by hand" % (len(old), len(new)))
it = iter(new)
text = region.sub(lambda m: block.sub(lambda _: next(it), m.group(0)), text)
open(path, "w", encoding="utf-8").write(text)
print("tutorial.sh: updated %d console blocks in %s" % (len(new), path))
EOF
    exit
fi
if [[ $# -ne 1 || ! -f $1 || ! -x $1 ]]; then
    echo "usage: scripts/tutorial.sh [--update-readme] path/to/git-porch (an executable file)" >&2
    exit 129
fi
bin=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")

while IFS= read -r var; do unset "$var"; done < <(compgen -e | grep -E '^(GIT_|EMAIL$|XDG_)' || true)
unset NO_COLOR CLICOLOR CLICOLOR_FORCE PAGER LESS
# git porch status cuts alert lines at 160 columns, and two of the tutorial's alerts hold the
# sandbox's path: beyond 45 characters the output would depend on where TMPDIR is.
max_path=45
sandbox=$(mktemp -d "${TMPDIR:-/tmp}/tut.XXXXXX")
sandbox=$(cd "$sandbox" && pwd -P)
if ((${#sandbox} > max_path)); then
    rmdir "$sandbox"
    sandbox=$(cd "$(mktemp -d /tmp/tut.XXXXXX)" && pwd -P)
    if ((${#sandbox} > max_path)); then
        echo "tutorial.sh: $sandbox is longer than $max_path characters" >&2
        rmdir "$sandbox"
        exit 1
    fi
fi
if [[ ${TUTORIAL_KEEP:-0} == 1 ]]; then
    trap 'echo "tutorial.sh: sandbox kept at $sandbox" >&2' EXIT
else
    trap 'rm -rf "$sandbox"' EXIT
fi
export HOME=$sandbox GIT_CONFIG_NOSYSTEM=1 GIT_CONFIG_GLOBAL=$sandbox/.gitconfig
export TZ=UTC LC_ALL=C LANG=C TERM=dumb GIT_EDITOR=false
PATH="$(dirname "$bin"):$PATH"
export PATH
status_file=${TUTORIAL_STATUS:-/dev/null}
: >"$status_file"

git config --global user.name "Ann Example"
git config --global user.email ann@example.com
git config --global init.defaultBranch main
git config --global advice.detachedHead false
git config --global commit.gpgSign false

# Commit dates: fixed, one minute later before every command shown.
# They lie in the future (2100), so every age status shows is "0s" and no worker looks stalled.
epoch=4102444800 # 2100-01-01T00:00:00Z
tick() {
    epoch=$((epoch + 60))
    export GIT_AUTHOR_DATE="@$epoch +0000" GIT_COMMITTER_DATE="@$epoch +0000"
}
tick

out=$sandbox/.out
# show <command>: shows the command, runs it in this shell (so cd sticks), shows its output with
# the sandbox folder as "~". A command that fails stops the tutorial.
show() { _step 0 "$1"; }
# fails <command>: the same for a command that must fail.
fails() { _step 1 "$1"; }
_step() {
    local must_fail=$1 cmd=$2 rc=0
    tick
    printf '$ %s\n' "$cmd"
    eval "$cmd" >"$out" 2>&1 || rc=$?
    sed -e "s|$sandbox|~|g" "$out"
    printf '%s\t%s\n' "$rc" "$cmd" >>"$status_file"
    if [[ $must_fail == 0 && $rc != 0 ]] || [[ $must_fail == 1 && $rc == 0 ]]; then
        printf 'tutorial.sh: unexpected exit %s from: %s\n' "$rc" "$cmd" >&2
        exit 1
    fi
}
begin() { printf '```console\n'; }
end() { printf '```\n\n'; }

cd "$sandbox"
git init -q shop
cd shop
printf '# shop\n' >README.md
git add README.md
git commit -q -m "Initial commit"

# 1. Set up and spawn.
begin
show 'cd ~/shop'
show 'git porch init'
show 'git add .porch.toml && git commit -q -m "Add git porch settings"'
show 'git porch spawn 1 api --scope src/api'
show 'git porch spawn 2 models --scope src/models'
show 'git porch spawn 3 web --scope src/web --needs task-1'
end

# 2. Hand the workers to agents (this tutorial plays them itself).
begin
show 'git config porch.agent claude'
show 'git porch kickoff --all --script'
show "git porch kickoff task-3 | grep -A2 '^## Dependencies'"
end

# 3. Work in the worktrees.
begin
show 'cd worktrees/task-1-api'
show 'git commit -q --allow-empty -m "[BLOCKED:missing-api-spec] Need the spec of the order endpoints"'
show 'cd ../task-2-models && mkdir -p src/models && echo "class User: pass" > src/models/user.py'
fails 'git add src/models && git commit -q -m "Add the User model"'
show 'git commit -q -m "[COMPLETE] User model"'
show 'cd ../task-3-web && mkdir -p src/web && echo "<ul></ul>" > src/web/users.html'
show 'git add src/web && git commit -q -m "[NEEDS:task-1/users-route] The list needs GET /users"'
show 'cd ~/shop'
show 'git porch status'
end

# 4. The blocker is resolved; the needed work arrives.
begin
show 'cd worktrees/task-1-api && mkdir -p src/api && echo "GET /users" > src/api/routes.txt'
show 'git add src/api && git commit -q -m "[CHECKPOINT] GET /users"'
show 'git commit -q --allow-empty -m "[COMPLETE] User and order routes"'
show 'cd ~/shop'
show 'git porch status'
show 'git -C worktrees/task-3-web merge -q --no-ff --no-edit work/task-1-api'
show 'git -C worktrees/task-3-web commit -q --allow-empty -m "[COMPLETE] The users page"'
show 'git porch log task-3'
show 'git porch qa approve 3'
end

# 5. Integrate.
begin
show 'git porch integrate users --dry-run'
show 'git porch integrate users'
show 'git porch integrate users --finish'
show 'git porch cleanup --branches'
show 'git log --oneline -1 && git branch'
end

# 6. Workers on other machines: a shared remote, a worker that runs elsewhere, and a cloud agent
# without porch that only pushes a branch.
git init -q --bare "$sandbox/team.git"
begin
show 'git remote add origin ~/team.git && git push -q -u origin main'
show 'git porch spawn 4 search --scope src/search'
show 'git push -q origin work/task-4-search && git porch sync'
end

begin
show 'git clone -q ~/team.git ~/laptop && cd ~/laptop'
show 'git switch -q work/task-4-search'
show 'git commit -q --allow-empty -m "[COMPLETE] Search by name"'
show 'git push -q origin work/task-4-search'
show 'git switch -q -c work/task-5-export main'
show 'git commit -q --allow-empty -m "[BLOCKED:no-s3-credentials] Export needs a bucket"'
show 'git push -q origin work/task-5-export'
end

begin
show 'cd ~/shop'
show 'git porch status --fetch'
show 'git porch sync'
show 'git porch checkout task-5'
show 'git -C worktrees/task-5-export commit -q --allow-empty -m "[COMPLETE] Export to the bucket"'
show 'git porch sync --branches'
show 'git porch status'
end
