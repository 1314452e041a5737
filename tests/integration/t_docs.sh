#!/usr/bin/env bash
# The manual page and the shell completions keep up with the commands: every command that
# `git porch -h` lists has its "## <name>" subsection (in the same order) and a SYNOPSIS line in
# man/git-porch.1.scd, every completion file knows it, the long options of each command's -h are
# documented in its subsection and known to the completions, and the completion scripts parse
# (and, where the shell is installed, actually complete).
source "$(dirname "$0")/lib.sh"

MAN_SRC=$SOURCE_DIR/man/git-porch.1.scd
COMP_DIR=$SOURCE_DIR/completions
BASH_COMP=$COMP_DIR/git-porch.bash
ZSH_COMP=$COMP_DIR/_git-porch
FISH_COMP=$COMP_DIR/git-porch.fish
FISH_CONF=$COMP_DIR/git-porch.conf.fish
COMP_FILES=("$BASH_COMP" "$ZSH_COMP" "$FISH_COMP")

cd "$T"
for f in "$MAN_SRC" "$FISH_CONF" "${COMP_FILES[@]}"; do
    assert_true "$f exists" test -f "$f"
done

# --- the command list --------------------------------------------------------------------------

# The names under "commands:" in `git porch -h`, up to the blank line after them.
expect_ok porch -h
mapfile -t commands < <(awk '/^commands:$/ { on = 1; next } on && /^$/ { exit } on { print $1 }' \
    <<<"$OUT")
assert_true "git porch -h lists commands (got ${#commands[@]})" test "${#commands[@]}" -ge 10
for c in init spawn status graph pool log reindex hooks hook check-message help version; do
    assert_contains " ${commands[*]} " " $c " "git porch -h lists $c"
done

# man_section <name>: the text of the "## <name>" subsection under COMMANDS.
man_section() {
    awk -v want="## $1" '
        /^# / { in_commands = ($0 == "# COMMANDS"); on = 0; next }
        in_commands && /^## / { on = ($0 == want); next }
        on { print }' "$MAN_SRC"
}

# function_body <file> <name>: the lines of a shell function "<name>() {" or "function <name>",
# up to the "}" or "end" that closes it at the start of a line.
function_body() {
    awk -v name="$2" '
        !on && ($0 ~ "^" name "[ ]*[(][)][ ]*[{]" || $0 == "function " name) { on = 1; next }
        on && /^(}|end)$/ { exit }
        on { print }' "$1"
}
zsh_commands=$(function_body "$ZSH_COMP" __git_porch_commands)
fish_commands=$(function_body "$FISH_COMP" __git_porch_commands)
assert_ne "" "$zsh_commands" "_git-porch defines __git_porch_commands"
assert_ne "" "$fish_commands" "git-porch.fish defines __git_porch_commands"

# quietly <cmd...>: runs a command with its output thrown away.
quietly() { "$@" >/dev/null 2>&1; }

# The "## " subsections under COMMANDS, in order, and the SYNOPSIS section.
mapfile -t man_commands < <(awk '/^# / { on = ($0 == "# COMMANDS"); next }
    on && /^## / { sub(/^## /, ""); print }' "$MAN_SRC")
synopsis=$(awk '/^# / { on = ($0 == "# SYNOPSIS"); next } on { print }' "$MAN_SRC")

assert_eq "${commands[*]}" "${man_commands[*]}" \
    "the man page's COMMANDS subsections follow git porch -h, in order"

for c in "${commands[@]}"; do
    # The man page: a subsection and a SYNOPSIS line.
    _check
    grep -qx -- "## $c" "$MAN_SRC" || fail "man/git-porch.1.scd has no '## $c' subsection"
    _check
    grep -q -- "^\*git porch $c\*" <<<"$synopsis" ||
        fail "man/git-porch.1.scd has no SYNOPSIS line for '*git porch $c*'"
    _check
    [[ -n $(man_section "$c" | tr -d '[:space:]') ]] || fail "the '## $c' subsection is empty"

    # Every completion file names the command (as a whole word, not inside another name), and
    # the zsh and fish command lists have it.
    for f in "${COMP_FILES[@]}"; do
        _check
        grep -Eq -- "(^|[^a-z-])$c([^a-z-]|\$)" "$f" || fail "$(basename "$f") does not mention '$c'"
    done
    _check
    grep -q -- "^ *'$c:" <<<"$zsh_commands" || fail "_git-porch: __git_porch_commands lacks '$c:...'"
    _check
    grep -Eq -- "^ *$c " <<<"$fish_commands" || fail "git-porch.fish: __git_porch_commands lacks $c"

    # `git porch help <cmd>` prints that command's -h; help and version are not in the command
    # table, and `help help` / `help version` print the command list.
    if [[ $c == help || $c == version ]]; then
        expect_ok porch help "$c"
        assert_contains "$OUT" "usage: git porch <command>" "git porch help $c prints the command list"
        continue
    fi
    expect_ok porch help "$c"
    help_out=$OUT
    expect_ok porch "$c" -h
    assert_eq "$OUT" "$help_out" "git porch help $c = git porch $c -h"
done

# --- options -----------------------------------------------------------------------------------

# long_options <cmd...>: the long options that `git porch <cmd...> -h` lists, --help aside.
long_options() {
    { git porch "$@" -h | sed -n '/^Options:/,/^$/p' | grep -oE -- '--[a-z][a-z-]*' |
        grep -vx -- '--help' | sort -u; } || true
}

# check_options <section> <cmd...>: each long option is in the man subsection and known to
# every completion file.
check_options() {
    local section=$1 text opt f
    shift
    text=$(man_section "$section")
    while IFS= read -r opt; do
        [[ -n $opt ]] || continue
        _check
        [[ $text == *"*$opt"* ]] || fail "the '## $section' subsection does not document $opt (git porch $* -h)"
        for f in "$BASH_COMP" "$ZSH_COMP"; do
            _check
            grep -q -- "$opt" "$f" || fail "$(basename "$f") does not offer $opt of git porch $*"
        done
        _check
        grep -Eq -- "-l ${opt#--}( |\$)" "$FISH_COMP" ||
            fail "git-porch.fish does not offer $opt of git porch $* (-l ${opt#--})"
    done < <(long_options "$@")
}

for c in "${commands[@]}"; do
    [[ $c != help && $c != version ]] || continue
    check_options "$c" "$c"
done

# check_subcommands <command> <subcommand...>: `git porch <command> -h` lists exactly these
# subcommands, each named in the command's subsection, in every completion file and in their
# zsh and fish lists (__git_porch_<command>_commands); their options too.
check_subcommands() {
    local cmd=$1 sub f text zsh_list fish_list
    shift
    expect_ok porch "$cmd" -h
    assert_eq "$*" "$(sed -n '/^Subcommands:/,/^$/p' <<<"$OUT" | awk 'NR > 1 && NF { print $1 }' | xargs)" \
        "git porch $cmd -h lists the $cmd subcommands"
    text=$(man_section "$cmd")
    zsh_list=$(function_body "$ZSH_COMP" "__git_porch_${cmd}_commands")
    fish_list=$(function_body "$FISH_COMP" "__git_porch_${cmd}_commands")
    for sub in "$@"; do
        _check
        grep -q -- "^ *'$sub:" <<<"$zsh_list" || fail "_git-porch: __git_porch_${cmd}_commands lacks '$sub:...'"
        _check
        grep -Eq -- "^ *$sub " <<<"$fish_list" || fail "git-porch.fish: __git_porch_${cmd}_commands lacks $sub"
        _check
        grep -q -- "^\*$sub\*" <<<"$text" || fail "the '## $cmd' subsection has no entry for *$sub*"
        for f in "${COMP_FILES[@]}"; do
            _check
            grep -Eq -- "(^|[^a-z-])$sub([^a-z-]|\$)" "$f" || fail "$(basename "$f") does not mention $cmd $sub"
        done
        check_options "$cmd" "$cmd" "$sub"
    done
}
pool_commands=(init acquire release status health merge cleanup reset)
check_subcommands pool "${pool_commands[@]}"
plan_commands=(import check apply merge move split sequential parallel)
check_subcommands plan "${plan_commands[@]}"

# --- the man page builds -----------------------------------------------------------------------

if command -v scdoc >/dev/null; then
    _check
    if ! scdoc <"$MAN_SRC" >"$T/git-porch.1" 2>"$T/scdoc.err" || [[ -s $T/scdoc.err ]]; then
        fail "scdoc rejects man/git-porch.1.scd" "$(_show "$(cat "$T/scdoc.err")")"
    fi
    assert_contains "$(cat "$T/git-porch.1")" ".SH ALERTS" "the page has its ALERTS section"
    assert_contains "$(cat "$T/git-porch.1")" ".SH LIMITATIONS" "the page has its LIMITATIONS section"
else
    echo "note: scdoc not found; the page's syntax is not checked" >&2
fi

# --- the completion scripts parse --------------------------------------------------------------

assert_true "bash -n git-porch.bash" bash -n "$BASH_COMP"
if command -v zsh >/dev/null; then
    assert_true "zsh -n _git-porch" zsh -n "$ZSH_COMP"
else
    echo "note: zsh not found; _git-porch is not checked" >&2
fi
if command -v fish >/dev/null; then
    assert_true "fish -n git-porch.fish" fish -n "$FISH_COMP"
    assert_true "fish -n git-porch.conf.fish" fish -n "$FISH_CONF"
else
    echo "note: fish not found; the fish completions are not checked" >&2
fi

# --- the completions complete ------------------------------------------------------------------

# A repository with workers and a pool, for the completions that read it.
new_repo r
cd r
expect_ok porch init -q
expect_ok porch spawn 1 api
expect_ok porch pool init 2
expect_ok porch pool acquire 2 web
assert_contains "$OUT" "wt-1|" "pool acquire took wt-1"
mkdir -p .porch && printf '[[task]]\nid = "7"\ndesc = "a"\n\n[[task]]\nid = "9"\ndesc = "b"\n' >.porch/plan.toml

# assert_offers <what> <candidates> <word...>: each word is among the candidates (one a line).
assert_offers() {
    local what=$1 got=$2 word
    shift 2
    for word in "$@"; do
        _check
        grep -qx -- "$word" <<<"$got" || fail "$what does not offer $word" "    offered:" "$(_show "$got")"
    done
}

# bash: git's own completion drives _git_porch, as it does for `git porch <TAB>`.
git_bash_completion=
for f in "$(pkg-config --variable=completionsdir bash-completion 2>/dev/null || true)/git" \
    /usr/share/bash-completion/completions/git /usr/share/git/completion/git-completion.bash \
    /usr/share/git-core/contrib/completion/git-completion.bash /etc/bash_completion.d/git; do
    if [[ -f $f ]]; then
        git_bash_completion=$f
        break
    fi
done
# bash_complete <line>: the candidates bash offers for the line's last word (trailing space: a
# new word), one a line, trailing spaces removed.
bash_complete() {
    bash -c '
        source "$1" && source "$2" || exit 1
        line=$3
        read -ra COMP_WORDS <<<"$line"
        [[ $line != *" " ]] || COMP_WORDS+=("")
        COMP_CWORD=$((${#COMP_WORDS[@]} - 1)) COMP_LINE=$line COMP_POINT=${#line}
        COMPREPLY=()
        __git_wrap__git_main
        printf "%s\n" "${COMPREPLY[@]}"' bash "$git_bash_completion" "$BASH_COMP" "$1" |
        sed 's/ *$//'
}
if [[ -n $git_bash_completion ]]; then
    assert_offers "bash: git porch <TAB>" "$(bash_complete "git porch ")" "${commands[@]}"
    assert_offers "bash: git porch pool <TAB>" "$(bash_complete "git porch pool ")" "${pool_commands[@]}"
    assert_offers "bash: git porch pool release <TAB>" "$(bash_complete "git porch pool release ")" \
        wt-1 wt-2 task-1 task-2
    assert_offers "bash: git porch plan <TAB>" "$(bash_complete "git porch plan ")" "${plan_commands[@]}"
    assert_offers "bash: git porch plan merge <TAB>" "$(bash_complete "git porch plan merge ")" \
        task-7 task-9
    assert_offers "bash: git porch graph --<TAB>" "$(bash_complete "git porch graph --")" --dot
    assert_offers "bash: git porch status --<TAB>" "$(bash_complete "git porch status --")" \
        --porcelain --watch --no-alerts --json
else
    echo "note: git's bash completion not found; bash completions are only parsed" >&2
fi

# fish: `git-porch` completions straight from the file (no user configuration before 3.3's
# --no-config: HOME is the test's own anyway).
fish_complete() {
    "${FISH[@]}" -c "source '$FISH_COMP'; complete -C'$1'" 2>&1 | cut -f1
}
if command -v fish >/dev/null; then
    FISH=(fish --no-config)
    quietly fish --no-config -c true || FISH=(fish)
    assert_offers "fish: git-porch <TAB>" "$(fish_complete "git-porch ")" "${commands[@]}"
    assert_offers "fish: git-porch pool <TAB>" "$(fish_complete "git-porch pool ")" "${pool_commands[@]}"
    assert_offers "fish: git-porch pool release <TAB>" "$(fish_complete "git-porch pool release ")" \
        wt-1 wt-2 task-1 task-2
    assert_offers "fish: git-porch plan <TAB>" "$(fish_complete "git-porch plan ")" "${plan_commands[@]}"
    assert_offers "fish: git-porch plan split <TAB>" "$(fish_complete "git-porch plan split ")" \
        task-7 task-9
    assert_offers "fish: git-porch graph -<TAB>" "$(fish_complete "git-porch graph -")" --dot
    assert_offers "fish: git-porch status -<TAB>" "$(fish_complete "git-porch status -")" \
        --porcelain --watch --no-alerts --json
fi

finish
