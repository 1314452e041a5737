#!/usr/bin/env bash
# The real hook managers beside porch: husky 9 and lefthook 2 from npm, pre-commit from Debian.
# Each set-up ends in real commits in worktrees made by `git porch spawn`: an untagged commit is
# refused and each tagged commit recorded exactly once. Every line porch prints for the user to
# follow is followed literally. Issue 16, items 10 to 14: each check's description names its item.
# A manager that cannot be installed here (no npm, no registry, no pre-commit) is skipped with a
# "SKIP:" line saying why.
source "$(dirname "$0")/lib.sh"
cd "$T"

# --- the tools ---------------------------------------------------------------------------------
TOOLS=${PORCH_HOOK_TOOLS:-$SOURCE_DIR/build/tests/integration/hook-managers}
HAVE_NPM_TOOLS=0
bash "$TESTS_DIR/hook_managers_tools.sh" "$TOOLS"
if [[ -f $TOOLS/skip ]]; then
    printf 'SKIP: husky and lefthook (item 10, 13 and their parts of 11, 12): %s\n' "$(cat "$TOOLS/skip")"
else
    HAVE_NPM_TOOLS=1
    export PATH="$TOOLS/node_modules/.bin:$PATH"
fi
HAVE_PRE_COMMIT=0
if command -v pre-commit >/dev/null; then
    HAVE_PRE_COMMIT=1
else
    printf 'SKIP: pre-commit (its parts of items 11, 12, 13): not installed (apt-get install pre-commit, or ./dev.sh deps)\n'
fi
export LEFTHOOK_OUTPUT=false NO_COLOR=1
export PRE_COMMIT_HOME=$T/pre-commit-cache

# A PATH without git-porch's folder, with git and the managers still on it.
PORCH_DIR=$(dirname "$PORCH_BIN")
NOPORCH_PATH=$(printf '%s' "$PATH" | tr ':' '\n' | grep -vxF "$PORCH_DIR" | paste -sd:)

# enforced <item> <worker> <worktree> [PATH]: in the worker's worktree an untagged commit is
# refused and a tagged one recorded exactly once.
enforced() {
    local item=$1 worker=$2 wt=$3 path=${4:-$PATH} subject
    subject="[CHECKPOINT] $item in $(basename "$wt") $N"
    if [[ ! -d $wt ]]; then
        _check
        fail "$item: no worktree $wt"
        return 0
    fi
    pushd "$wt" >/dev/null
    PATH=$path try_commit "no tag $N"
    assert_ne 0 "$RC" "$item: an untagged commit in $wt is refused"
    PATH=$path try_commit "$subject"
    assert_eq 0 "$RC" "$item: a tagged commit in $wt passes: $ERR"
    assert_eq 1 "$(recorded "$worker" | grep -cxF "$subject" || true)" \
        "$item: the tagged commit in $wt is recorded exactly once"
    popd >/dev/null
}
# note_body <start>: the lines of the note whose first line starts with <start>, but that one.
note_body() { sed -n "/^note: $1/,\$p" "$ERR_FILE" | sed '1d' | sed '/^note: /,$d'; }

# --- item 14: uninstall with core.hooksPath set --------------------------------------------------
porch_repo hp
git config core.hooksPath "$T/elsewhere"
run porch hooks uninstall
assert_eq 0 "$RC" "item 14: uninstall with core.hooksPath set works: $ERR"
assert_false "item 14: uninstall with core.hooksPath set removes porch's shims from .git/hooks too" \
    test -e .git/hooks/commit-msg
git config --unset core.hooksPath
expect_ok porch spawn 1 hp
cd worktrees/task-1-hp
try_commit "item 14: untagged after uninstall"
assert_eq 0 "$RC" "item 14: once core.hooksPath is unset, an uninstalled porch does not come back: $ERR"
cd "$T"

# --- item 12: the lines porch prints for hook managers, run where git-porch is not on PATH --------
# Faked managers' files (as in t_hooks_install.sh), so this runs without npm.
new_repo pl
cd pl
mkdir -p .husky/_
printf 'pre-commit:\n  commands: {}\n' >lefthook.yml
expect_ok porch spawn 1 pl
git config core.hooksPath .husky/_
run porch hooks install
husky_line=$(sed -n 's/^hint: \.husky\/commit-msg: *//p' "$ERR_FILE")
git config --unset core.hooksPath
run porch hooks status
# The first run: value (commit-msg's), a YAML plain or single-quoted scalar.
lefthook_run=$(note_body "lefthook found" | python3 -c '
import sys
for line in sys.stdin:
    v = line.strip()
    if v.startswith("run: "):
        v = v[5:]
        print(v[1:-1].replace("\x27\x27", "\x27") if v.startswith("\x27") else v)
        break')
cd worktrees/task-1-pl
printf '[CHECKPOINT] good\n' >"$T/good.msg"
printf 'no tag\n' >"$T/bad.msg"
for manager in husky lefthook; do
    if [[ $manager == husky ]]; then line=$husky_line; else line=${lefthook_run//\{1\}/\"\$1\"}; fi
    assert_ne "" "$line" "test setup: porch printed a $manager line"
    run env PATH="$NOPORCH_PATH" sh -c "$line" sh "$T/good.msg"
    assert_eq 0 "$RC" "item 12: the $manager line porch prints passes a good message where git-porch is not on PATH: $line: $ERR"
    run env PATH="$NOPORCH_PATH" sh -c "$line" sh "$T/bad.msg"
    assert_contains "$ERR" "commit rejected (task-1)" "item 12: the $manager line porch prints runs porch where git-porch is not on PATH"
done
cd "$T"

# --- husky ---------------------------------------------------------------------------------------
# husky_repo <dir> [folder]: a repository set up by `husky init` (or `husky <folder>`), committed.
husky_repo() {
    new_repo "$1"
    cd "$1"
    printf '{"name":"%s","private":true,"scripts":{}}\n' "$1" >package.json
    printf 'node_modules\n' >.gitignore
    ln -s "$TOOLS/node_modules" node_modules # as npm install would have them
    if [[ -n ${2:-} ]]; then
        run husky "$2"
        mkdir -p "$2"
    else
        run husky init
        rm -f .husky/pre-commit # `npm test`, which this package has not
    fi
    assert_eq 0 "$RC" "test setup: husky ${2:-init}: $ERR"
    run porch init -q
    git add -A && commit "Add husky and porch"
}
# follow_husky: runs git porch hooks install, which refuses and lists "<file>: <line>" hints;
# appends each line to its file and commits them.
follow_husky() {
    local item=$1 file line
    run porch hooks install
    assert_eq 128 "$RC" "$item: husky: hooks install refuses to write into husky's folder"
    assert_contains "$ERR" "hint: add these lines to husky's hooks, then commit them:" \
        "$item: husky: the refusal says what to add"
    local lines
    lines=$(sed -n 's/^hint: \([^ :]*\): /\1\t/p' "$ERR_FILE")
    assert_eq 3 "$(printf '%s\n' "$lines" | grep -c .)" "$item: three lines to add: $ERR"
    while IFS=$'\t' read -r file line; do
        [[ -n $file ]] || continue
        printf '%s\n' "$line" >>"$file"
    done <<<"$lines"
    git add -A && commit "Run porch from husky"
}
if ((HAVE_NPM_TOOLS)); then
    husky_repo hu
    follow_husky "item 13"
    expect_ok porch hooks status
    assert_contains "$OUT" "  commit-msg   run by .husky/commit-msg" "item 11: status says husky runs porch"
    assert_not_contains "$OUT" "next:" "item 11: status asks for nothing more with husky"
    run porch doctor
    assert_not_contains "$OUT" "hooks-" "item 11: doctor has no hook finding with husky: $OUT"
    expect_ok porch spawn 1 hu
    assert_true "item 10: the worktree spawn made has husky's hooks folder" \
        test -x worktrees/task-1-hu/.husky/_/commit-msg
    enforced "item 10" task-1 worktrees/task-1-hu
    enforced "item 12" task-1 worktrees/task-1-hu "$NOPORCH_PATH"
    expect_ok porch pool init 1
    expect_ok porch pool acquire 3 pooled
    enforced "item 10" task-3 worktrees/wt-1 # a pool slot gets husky's folder too
    # husky missing from the checkout spawn runs in: refused, with what to type.
    rm -rf .husky/_
    expect_fail 128 "git would run no hooks in the new worktree" -- porch spawn 2 nohusky
    assert_contains "$ERR" "hint: npx husky" "item 10: the refusal says how to make husky's folder"
    assert_false "item 10: a refused spawn leaves no worktree" test -e worktrees/task-2-nohusky
    run npx --no-install husky # the hint, followed
    assert_eq 0 "$RC" "item 10: npx husky works here: $ERR"
    expect_ok porch spawn 2 husky2
    enforced "item 10" task-2 worktrees/task-2-husky2
    cd "$T"

    # A custom folder: husky .config/husky
    husky_repo hc .config/husky
    assert_eq .config/husky/_ "$(git config core.hooksPath)" "test setup: husky .config/husky"
    assert_false "item 13: husky with a custom folder: porch writes nothing into its ignored _ folder" \
        test -e .config/husky/_/commit-msg.porch-chained
    assert_not_contains "$(cat .config/husky/_/commit-msg)" "git-porch hook shim" \
        "item 13: husky's own hook in .config/husky/_ is left alone"
    follow_husky "item 13"
    assert_true "item 13: the lines go to .config/husky/commit-msg" grep -q 'hook commit-msg' .config/husky/commit-msg
    expect_ok porch spawn 1 hc
    enforced "item 13" task-1 worktrees/task-1-hc
    cd "$T"
fi

# --- lefthook ------------------------------------------------------------------------------------
# lefthook_repo <dir> [hook]: lefthook.yml with a check of the team's own in pre-commit (and
# [hook]), `lefthook install`, porch init.
lefthook_repo() {
    new_repo "$1"
    cd "$1"
    printf 'pre-commit:\n  commands:\n    team-check:\n      run: "true"\n' >lefthook.yml
    [[ -z ${2:-} ]] || printf '%s:\n  commands:\n    team-check:\n      run: "true"\n' "$2" >>lefthook.yml
    git add lefthook.yml && commit "Add lefthook" 2>/dev/null
    run lefthook install
    assert_eq 0 "$RC" "test setup: lefthook install: $ERR"
    run porch init
    assert_eq 0 "$RC" "test setup: porch init beside lefthook: $ERR"
    git add .porch.toml && commit "Add porch settings" >/dev/null 2>&1
}
# follow_lefthook <item>: adds the lines porch's note prints to lefthook.yml and commits them.
follow_lefthook() {
    local item=$1
    run porch hooks status
    assert_contains "$ERR" "note: lefthook found" "$item: status advises lefthook lines"
    note_body "lefthook found" >>lefthook.yml
    # lefthook takes a config whose mtime is the second it recorded at install as unchanged
    # (2.2.2: no re-sync); a person's edit comes later than the setup's same-second one.
    touch -d "@$(($(date +%s) + 1))" lefthook.yml
    git add lefthook.yml && commit "Run porch from lefthook" 2>/dev/null # lefthook syncs its hooks
    run lefthook validate
    assert_eq 0 "$RC" "$item: lefthook.yml with porch's lines is valid: $OUT $ERR"
}
if ((HAVE_NPM_TOOLS)); then
    lefthook_repo lh
    expect_ok porch spawn 1 lh
    # Following the advice; lefthook re-installs its hooks when its config changes.
    follow_lefthook "item 11"
    git -C worktrees/task-1-lh merge -q --no-edit main >/dev/null 2>&1 # the worker gets it
    run porch hooks install # as init, doctor --fix or status's advice would
    assert_eq 0 "$RC" "item 11: hooks install beside lefthook running porch: $ERR"
    run porch hooks status
    assert_contains "$OUT" "  commit-msg   run by lefthook.yml" "item 11: status says lefthook runs porch"
    assert_contains "$OUT" "  post-commit  run by lefthook.yml" "item 11: status: post-commit too"
    assert_not_contains "$OUT" "next:" "item 11: status asks for nothing more with lefthook"
    assert_eq "" "$ERR" "item 11: no more advice once lefthook runs porch"
    assert_false "item 11: hooks install does not chain lefthook's hook (porch would run twice)" \
        test -e .git/hooks/commit-msg.porch-chained
    assert_false "item 13: porch's shim that lefthook kept as .old (never run) is cleared" \
        test -e .git/hooks/commit-msg.old
    run porch doctor
    assert_not_contains "$OUT" "hooks-" "item 11: doctor has no hook finding with lefthook: $OUT"
    enforced "item 11" task-1 worktrees/task-1-lh
    run lefthook install
    assert_eq 0 "$RC" "item 13: lefthook install again works: $ERR"
    enforced "item 12" task-1 worktrees/task-1-lh "$NOPORCH_PATH"
    cd "$T"

    # A second `lefthook install` over porch's chain, before lefthook runs porch.
    lefthook_repo l2 commit-msg
    assert_true "test setup: porch chained lefthook's commit-msg" test -e .git/hooks/commit-msg.porch-chained
    run lefthook install
    assert_eq 0 "$RC" "test setup: a second lefthook install: $ERR"
    run porch hooks status
    assert_contains "$OUT" "  commit-msg   not ours (porch inactive)" "item 13: status says porch is inactive"
    assert_contains "$OUT" "next: git porch hooks install" "item 13: status says to install again"
    run porch hooks install
    assert_eq 0 "$RC" "item 13: after a second lefthook install, the advised git porch hooks install works: $ERR"
    expect_ok porch spawn 1 l2
    enforced "item 13" task-1 worktrees/task-1-l2
    cd "$T"
fi

# --- pre-commit ----------------------------------------------------------------------------------
PC_TYPES=(--hook-type commit-msg --hook-type post-commit)
if ((HAVE_PRE_COMMIT)); then
    # porch first, then `pre-commit install`: porch's shims become <hook>.legacy, which pre-commit runs.
    porch_repo pc
    printf 'repos: []\n' >.pre-commit-config.yaml
    git add .pre-commit-config.yaml && commit "Add pre-commit"
    run pre-commit install "${PC_TYPES[@]}"
    assert_eq 0 "$RC" "test setup: pre-commit install: $ERR"
    assert_true "test setup: pre-commit kept porch's shim as commit-msg.legacy" \
        grep -q 'git-porch hook shim' .git/hooks/commit-msg.legacy
    run porch hooks status
    assert_contains "$OUT" "  commit-msg   run by commit-msg.legacy (kept by pre-commit)" \
        "item 11: status says porch runs through pre-commit's .legacy file"
    assert_not_contains "$OUT" "not ours" "item 11: status does not call porch inactive while it enforces"
    run porch doctor
    assert_not_contains "$OUT" "hooks-foreign" "item 11: doctor does not call porch inactive: $OUT"
    expect_ok porch spawn 1 pc
    enforced "item 11" task-1 worktrees/task-1-pc
    # uninstall takes porch out of the .legacy files too
    cp -a .git/hooks "$T/pc-hooks"
    expect_ok porch hooks uninstall
    assert_false "item 11: uninstall removes porch's shim kept as commit-msg.legacy" test -e .git/hooks/commit-msg.legacy
    cd worktrees/task-1-pc
    try_commit "item 11: untagged after uninstall"
    assert_eq 0 "$RC" "item 11: after hooks uninstall porch no longer enforces: $ERR"
    # Direct hooks (links to git-porch): pre-commit keeps the link as commit-msg.legacy, and
    # git-porch run by that name is porch's commit-msg.
    cd "$T"
    new_repo pcd
    cd pcd
    git config porch.directHooks true
    expect_ok porch init -q
    git add .porch.toml && commit "Add porch settings"
    printf 'repos: []\n' >.pre-commit-config.yaml
    git add .pre-commit-config.yaml && commit "Add pre-commit"
    run pre-commit install "${PC_TYPES[@]}"
    assert_eq 0 "$RC" "test setup: pre-commit install over direct hooks: $ERR"
    assert_eq "$PORCH_BIN" "$(readlink .git/hooks/commit-msg.legacy)" \
        "item 11, direct: pre-commit kept porch's link as commit-msg.legacy"
    run porch hooks status
    assert_contains "$OUT" "  commit-msg   run by commit-msg.legacy (kept by pre-commit)" \
        "item 11, direct: status says porch runs through the .legacy link"
    expect_ok porch spawn 1 pcd
    enforced "item 11, direct" task-1 worktrees/task-1-pcd
    expect_ok porch hooks uninstall
    assert_false "item 11, direct: uninstall removes the .legacy link" test -e .git/hooks/commit-msg.legacy
    cd "$T/pc"
    rm -rf .git/hooks && cp -a "$T/pc-hooks" .git/hooks
    # Following the advice: after `pre-commit install -f`, git porch hooks install.
    run porch hooks status
    assert_contains "$ERR" "note: pre-commit found: 'pre-commit install' keeps porch's hooks as <hook>.legacy" \
        "item 13: the pre-commit note"
    run pre-commit install -f "${PC_TYPES[@]}"
    assert_false "test setup: pre-commit install -f deletes the .legacy files" test -e .git/hooks/commit-msg.legacy
    run porch hooks status
    assert_contains "$OUT" "next: git porch hooks install" "item 13: after -f status says porch is inactive"
    run porch hooks install
    assert_eq 0 "$RC" "item 13: after pre-commit install -f, git porch hooks install works: $ERR"
    enforced "item 13" task-1 worktrees/task-1-pc
    # The advice earlier versions gave: a local hook in the config running porch too.
    cat >.pre-commit-config.yaml <<'EOF'
repos:
  - repo: local
    hooks:
      - id: git-porch-commit-msg
        name: git porch
        entry: git porch hook commit-msg
        language: system
        stages: [commit-msg]
      - id: git-porch-post-commit
        name: git porch post-commit
        entry: git porch hook post-commit
        language: system
        stages: [post-commit]
        always_run: true
        pass_filenames: false
EOF
    git add .pre-commit-config.yaml && commit "Run porch from pre-commit" >/dev/null 2>&1
    git -C worktrees/task-1-pc merge -q --no-edit main >/dev/null 2>&1
    run porch hooks status
    assert_not_contains "$OUT" "not ours" "item 11: with porch in pre-commit's config status does not call it inactive"
    enforced "item 11" task-1 worktrees/task-1-pc # porch runs twice, records once
    cd "$T"

    # pre-commit first, porch chains it, then a second `pre-commit install`.
    new_repo p2
    cd p2
    printf 'repos: []\n' >.pre-commit-config.yaml
    git add .pre-commit-config.yaml && commit "Add pre-commit"
    run pre-commit install "${PC_TYPES[@]}"
    porch init -q 2>/dev/null
    git add .porch.toml && commit "Add porch settings"
    run pre-commit install "${PC_TYPES[@]}"
    assert_eq 0 "$RC" "test setup: a second pre-commit install: $ERR"
    run porch hooks status
    assert_not_contains "$OUT" "not ours" "item 13: after a second pre-commit install status does not call porch inactive"
    run porch hooks install
    assert_eq 0 "$RC" "item 13: after a second pre-commit install git porch hooks install works: $ERR"
    expect_ok porch spawn 1 p2
    enforced "item 13" task-1 worktrees/task-1-p2
    cd "$T"
fi

finish
