#!/usr/bin/env bash
# The demo: a sandbox repository in a temporary folder, three workers, protocol commits in their
# worktrees (one blocked, one needing another, one complete), then `git porch status`.
# usage: scripts/demo.sh path/to/git-porch
set -euo pipefail
bin=$(cd "$(dirname "${1:?usage: demo.sh path/to/git-porch}")" && pwd)/$(basename "$1")
export PATH="$(dirname "$bin"):$PATH"
sandbox=$(mktemp -d "${TMPDIR:-/tmp}/porch-demo.XXXXXX")
export GIT_CONFIG_NOSYSTEM=1 GIT_CONFIG_GLOBAL="$sandbox/gitconfig"
git config --global user.name "Demo User"
git config --global user.email demo@example.com
git config --global init.defaultBranch main

say() { printf '\n$ %s\n' "$*"; }
run() { say "$*"; "$@"; }

cd "$sandbox"
git init -q shop && cd shop
echo "# shop" > README.md
git add -A && git commit -qm "Initial commit"

run git porch init
run git porch spawn 1 api-endpoints --scope src/api
run git porch spawn 2 user-model --scope src/models
run git porch spawn 3 web-frontend --scope src/web --needs task-1

( cd worktrees/task-1-api-endpoints && mkdir -p src/api
  echo "GET /users" > src/api/routes.txt && git add -A
  git commit -qm "[CHECKPOINT] Add user routes"
  git commit -q --allow-empty -m "[BLOCKED:missing-api-spec] Need endpoint definitions for orders" )
( cd worktrees/task-2-user-model && mkdir -p src/models
  echo "class User" > src/models/user.txt && git add -A
  git commit -qm "[CHECKPOINT] Add user model"
  echo "validates email" >> src/models/user.txt && git add -A
  git commit -qm "[COMPLETE] User model with validation" )
( cd worktrees/task-3-web-frontend && mkdir -p src/web
  echo "<ul>" > src/web/users.html && git add -A
  git commit -qm "[NEEDS:task-1/UserRoutes] Need the users endpoint to render the list" )

run git porch status
echo
echo "Sandbox kept at $sandbox (remove it with: rm -rf $sandbox)"
