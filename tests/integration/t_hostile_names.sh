#!/usr/bin/env bash
# Hostile names: ids, descriptions, slots, feature, group and branch names holding "..", '/',
# '\', spaces, control characters, terminal escape sequences, Unicode look-alikes and invisible
# characters, invalid UTF-8 and 1,000 characters, given to every command that takes a worker id
# or a name. Each is refused with one "fatal:"/"error:" line (plus hints), exit 128 (129 for
# command-line usage), nothing changed, no crash; the message never carries a raw control or
# escape character and cuts long input.
source "$(dirname "$0")/lib.sh"
cd "$T"

porch_repo r
expect_ok porch spawn 1 api
commit -C worktrees/task-1-api "[COMPLETE] api done"
run porch pool init 2
assert_eq 0 "$RC" "test setup: pool init ($ERR)"
git config porch.agentCommand 'true' # so kickoff --script gets as far as the worker
snapshot_state s

long=$(printf 'a%.0s' {1..1000})

# The hostile inputs, each once. Names are what the failure message shows.
names=(dotdot slash backslash space ctrl tab newline del csi osc cyrillic fullwidth divslash
    rtl zwsp invalid long empty)
declare -A bad=(
    [dotdot]='..'
    [slash]='a/b'
    [backslash]='a\b'
    [space]='a b'
    [ctrl]=$'a\x01b'
    [tab]=$'a\tb'
    [newline]=$'a\nb'
    [del]=$'a\x7fb'
    [csi]=$'a\e[31mb'                 # SGR: turns the terminal red
    [osc]=$'a\e]0;pwned\ab'            # OSC: sets the window title, ended by BEL
    [cyrillic]=$'t\xd0\xb0sk-1'        # "tаsk-1" with U+0430, looks like task-1
    [fullwidth]=$'\xef\xbc\x91'        # U+FF11, looks like 1
    [divslash]=$'a\xe2\x88\x95b'       # U+2215, looks like a/b
    [rtl]=$'\xe2\x80\xaeab'            # U+202E reverses what follows on screen
    [zwsp]=$'a\xe2\x80\x8bb'           # U+200B, invisible: looks like "ab"
    [invalid]=$'a\xff\xfeb'            # not UTF-8
    [long]=$long
    [empty]=''
)

# The message is clean: no C0 control besides newline, no DEL, no C1 control, no bidi override
# or isolate, valid UTF-8, and no line longer than 300 bytes (long input is cut). refuse keeps
# each message; check_clean_messages judges the kept ones in one python process (a process per
# refusal was most of this test's time).
mkdir -p "$T/messages"
MESSAGES=() # what each kept message was refused for, by index
check_clean_messages() {
    local line index
    while IFS= read -r line; do
        index=${line%% *}
        fail "${MESSAGES[index]}: message: ${line#* }" "    stderr:" "$(_show "$(cat "$T/messages/$index")")"
    done < <(python3 - "$T/messages" "${#MESSAGES[@]}" <<'EOF'
import os, re, sys
folder, count = sys.argv[1], int(sys.argv[2])
for index in range(count):
    data = open(os.path.join(folder, str(index)), "rb").read()
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as e:
        print(index, "not UTF-8: %s" % e)
        continue
    problems = []
    if re.search("[\x00-\x08\x0b-\x1f\x7f\x80-\x9f\u202a-\u202e\u2066-\u2069]", text):
        problems.append("a control, escape or bidi character")
    if any(len(line.encode()) > 300 for line in text.split("\n")):
        problems.append("a line over 300 bytes")
    if problems:
        print(index, "; ".join(problems))
EOF
    )
    MESSAGES=()
}

# refuse <what> <cmd...>: the command fails cleanly (128 or 129, one error line first, only
# hints after it, nothing on stdout, a clean message). That it changed nothing is checked once
# per input, after all commands had it (a snapshot per command would take minutes); the message
# is judged by the next check_clean_messages.
refuse() {
    local what=$1
    shift
    _check
    run "$@"
    local problems=() first rest
    [[ $RC -eq 128 || $RC -eq 129 ]] || problems+=("exit $RC, expected 128 or 129")
    [[ -z $OUT ]] || problems+=("stdout is not empty")
    first=$(head -n 1 "$ERR_FILE")
    [[ $first =~ ^(fatal|error):\ . ]] || problems+=("first stderr line is not fatal:/error:")
    rest=$(tail -n +2 "$ERR_FILE" | grep -v '^hint: ' || true)
    [[ -z $rest ]] || problems+=("stderr has lines besides the message and hints")
    cp "$ERR_FILE" "$T/messages/${#MESSAGES[@]}"
    MESSAGES+=("$what")
    if ((${#problems[@]})); then
        local IFS=';'
        fail "$what: ${problems[*]}" "    stderr:" "$(_show "$ERR")" "    stdout:" "$(_show "$OUT" 400)"
    fi
}

# --- every command that takes a worker id ---------------------------------------------------------
for n in "${names[@]}"; do
    v=${bad[$n]}
    refuse "spawn id $n" porch spawn "$v" x
    refuse "spawn id task-$n" porch spawn "task-$v" x
    refuse "spawn desc $n" porch spawn 2 "$v"
    refuse "spawn --needs $n" porch spawn 2 x --needs "$v"
    refuse "pool acquire id $n" porch pool acquire "$v" x
    refuse "pool acquire desc $n" porch pool acquire 2 "$v"
    refuse "pool release $n" porch pool release "$v"
    refuse "qa approve $n" porch qa approve "$v"
    refuse "qa reject $n" porch qa reject "$v" -m "not good"
    refuse "retry $n" porch retry "$v"
    refuse "resume $n" porch resume "$v"
    if [[ $n != empty ]]; then # for these an empty value is the default: every worker
        refuse "log $n" porch log "$v"
        refuse "reindex $n" porch reindex "$v"
        refuse "status --worker $n" porch status --worker "$v"
        refuse "integrate --only $n" porch integrate feat --only "$v" --dry-run
    fi
    # A group is a label, never a path: ".." is a valid one.
    [[ $n == dotdot ]] || refuse "checkpoint write group $n" porch checkpoint write "$v" "summary"
    if [[ $n != empty ]]; then # empty: the base branch
        refuse "pool merge into $n" porch pool merge "$v"
        refuse "cleanup --merged-into $n" porch cleanup --merged-into "$v" --dry-run
    fi
    # kickoff with no worker means "which one?": empty is a different question, asked below.
    [[ $n == empty ]] || refuse "kickoff $n" porch kickoff "$v"
    [[ $n == empty ]] || refuse "kickoff --script $n" porch kickoff "$v" --script
    assert_state_unchanged s . "a command given the $n input changed something"
    check_clean_messages
done
refuse "kickoff without a worker" porch kickoff

# A look-alike is refused even though it shows like a valid name; so is a valid-looking id that
# holds an invisible character.
refuse "spawn task-1 look-alike" porch spawn $'t\xd0\xb0sk-3' x
refuse "spawn id with a zero-width space" porch spawn $'3\xe2\x80\x8b' x
# Long input is cut in the message, never echoed whole.
run porch spawn 2 "$long"
assert_not_contains "$ERR" "$long" "a 1,000-character description is shortened"
run porch log "task-$long"
assert_not_contains "$ERR" "$long" "a 1,000-character worker is shortened (log)"
run porch checkpoint write "$long" summary
assert_not_contains "$ERR" "$long" "a 1,000-character group is shortened"
run porch pool merge "$long"
assert_not_contains "$ERR" "$long" "a 1,000-character branch is shortened (pool merge)"

# --- integrate <feature>: names that are not valid ref names --------------------------------------
features=('a..b' 'a.lock' 'a b' 'a@{1}' '@{' '@' 'a~1' 'a^' 'a:b' 'a?' 'a*' 'a[' 'a/' '/a'
    'a//b' '.a' 'a/.b' 'a.' 'HEAD' "$long" $'a\x01b' $'a\e[31m' $'a\e]0;t\a' $'a\nb' $'a\xffb'
    $'a\xe2\x80\xaeb' $'t\xd0\xb0sk' 'a\b' '')
for f in "${features[@]}"; do
    refuse "integrate $(printf '%q' "$f")" porch integrate -- "$f"
    refuse "integrate --dry-run $(printf '%q' "$f")" porch integrate --dry-run -- "$f"
    refuse "integrate --abort $(printf '%q' "$f")" porch integrate --abort -- "$f"
    assert_state_unchanged s . "integrate $(printf '%q' "$f") changed something"
    check_clean_messages
done
# An option-looking feature is an unknown option (usage), not a feature.
refuse "integrate -x" porch integrate -x
expect_fail 129 "integrate" -- porch integrate -x
refuse "integrate -- -x" porch integrate -- -x
run porch integrate -- "$long"
assert_not_contains "$ERR" "$long" "a 1,000-character feature is shortened"
assert_state_unchanged s . "the refusals changed something"

# --- free text is stored, but shown cleaned -------------------------------------------------------
# A checkpoint summary and a QA reason are text, not names: escape sequences are kept (as JSON
# escapes in the note) and never reach the terminal raw.
expect_ok porch checkpoint write GROUP_1 $'done \e]0;pwned\a\e[31mred\e[m \xe2\x80\xaeevil'
assert_no_esc "$OUT" "checkpoint write does not echo the escape"
expect_ok porch checkpoint read
assert_no_esc "$OUT" "checkpoint read shows the summary without raw escapes"
assert_not_contains "$OUT" $'\xe2\x80\xae' "checkpoint read drops the bidi override"
assert_not_contains "$OUT" $'\a' "checkpoint read drops the BEL"
expect_ok porch qa reject 1 -m $'fix \e[2J\e[Hthis'
assert_no_esc "$OUT" "qa reject does not echo the escape"
for cmd in "resume 1" "log task-1" "status" "handoff"; do
    # shellcheck disable=SC2086
    expect_ok porch $cmd
    assert_no_esc "$OUT" "$cmd shows a hostile reason or summary without raw escapes"
done
expect_fail 129 "the summary is longer than 1000 bytes" -- porch checkpoint write GROUP_2 "${long}a"
snapshot_state s
refuse "checkpoint write with a summary over 1,000 bytes" porch checkpoint write GROUP_2 "${long}a"
refuse "checkpoint write with an empty summary" porch checkpoint write GROUP_2 ''
assert_state_unchanged s . "a refused checkpoint changed something"
check_clean_messages

finish
