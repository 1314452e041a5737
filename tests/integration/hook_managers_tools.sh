#!/usr/bin/env bash
# hook_managers_tools.sh <dir>: installs the real hook managers t_hook_managers.sh uses, husky 9
# and lefthook 2, from npm into <dir>/node_modules, once: a later run finds them and does nothing.
# CTest runs it as the set-up fixture of integration/hook_managers; the script runs it too when
# started by hand. Without npm or the registry it writes why into <dir>/skip and exits 0: the
# test then skips those parts and says so. (pre-commit is a Debian package: ./dev.sh deps.)
set -uo pipefail
dir=${1:?usage: hook_managers_tools.sh <dir>}
mkdir -p "$dir"
cd "$dir" || exit 1
if [[ -x node_modules/.bin/husky && -x node_modules/.bin/lefthook ]] &&
    node_modules/.bin/lefthook version >/dev/null 2>&1; then
    rm -f skip
    exit 0
fi
if ! command -v npm >/dev/null; then
    echo "npm is not installed" >skip
    exit 0
fi
[[ -f package.json ]] || printf '{"name":"porch-hook-managers","private":true}\n' >package.json
# --ignore-scripts: lefthook's postinstall runs `lefthook install` in the enclosing repository
# (this build tree's), writing a lefthook.yml there and a hook into its shared hooks folder.
if ! timeout 300 npm install --ignore-scripts --no-audit --no-fund --loglevel=error \
    husky@9 lefthook@2 >npm.log 2>&1; then
    printf 'npm install husky@9 lefthook@2 failed: %s\n' "$(tail -n 3 npm.log | tr '\n' ' ')" >skip
    exit 0
fi
if ! node_modules/.bin/lefthook version >/dev/null 2>&1; then
    echo "lefthook from npm does not run here" >skip
    exit 0
fi
rm -f skip
