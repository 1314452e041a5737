#!/usr/bin/env bash
# README.md's tutorial is real output: scripts/tutorial.sh replays it against PORCH_BIN, every
# command it shows must behave as shown (each `git porch` one succeeds), and the ```console
# blocks between the README's "tutorial.sh: begin" and "tutorial.sh: end" markers (one or more
# regions, read in order) must equal the ones the script prints, up to the event times of
# `git porch log` and status's fetch age (the real clock). Commit ids are compared as they are:
# the script fixes every commit date. When porch's output changes, regenerate the blocks with
# scripts/tutorial.sh --update-readme <path/to/git-porch>.
source "$(dirname "$0")/lib.sh"

README=$SOURCE_DIR/README.md
TUTORIAL=$SOURCE_DIR/scripts/tutorial.sh
REGENERATE="regenerate with: scripts/tutorial.sh --update-readme <path/to/git-porch>"

assert_true "README.md exists" test -f "$README"
assert_true "scripts/tutorial.sh exists" test -f "$TUTORIAL"

# The set-up commands come first.
first_block=$(awk '/^```/ { if (on) exit; on = 1; next } on' "$README")
assert_contains "$first_block" "./dev.sh demo" "README's first block is the set-up"
assert_contains "$first_block" "./dev.sh test" "README's first block is the set-up"

# --- the replay --------------------------------------------------------------------------------

status=$T/status
_check
run env TMPDIR="$T" TUTORIAL_STATUS="$status" bash "$TUTORIAL" "$PORCH_BIN"
if [[ $RC -ne 0 || -n $ERR ]]; then
    fail "scripts/tutorial.sh failed (exit $RC)" "    stderr:" "$(_show "$ERR")"
fi
cp "$OUT_FILE" "$T/transcript.md"
assert_eq "" "$(find "$T" -maxdepth 1 -name 'tut.*')" "scripts/tutorial.sh removes its sandbox"

# --- README against the replay -----------------------------------------------------------------

# Prints one problem per paragraph (nothing when the README matches).
problems=$(python3 - "$README" "$T/transcript.md" "$status" <<'EOF'
import difflib, re, sys

readme_path, transcript_path, status_path = sys.argv[1:]
readme = open(readme_path, encoding="utf-8").read()
transcript = open(transcript_path, encoding="utf-8").read()
problems = []

def blocks(text):
    """The contents of the ```console blocks, in order."""
    return re.findall(r"^```console\n(.*?)^```$", text, re.S | re.M)

def normalise(block):
    # git porch log: "2026-11-22 07:55:41  task-3 ..." (event times come from the real clock)
    block = re.sub(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d(?=  )", "YYYY-MM-DD hh:mm:ss", block, flags=re.M)
    # status: "teammates' events fetched 0s ago" (FETCH_HEAD's time, the real clock too)
    return re.sub(r"(?<=events fetched )\d+[smhd](?= ago)", "Ns", block)

regions = re.findall(r"<!-- tutorial\.sh: begin -->\n(.*?)<!-- tutorial\.sh: end -->", readme, re.S)
if not regions:
    print("README.md lacks the <!-- tutorial.sh: begin --> ... <!-- tutorial.sh: end --> markers")
    sys.exit(0)
tutorial = "".join(regions)
shown, real = blocks(tutorial), blocks(transcript)
if not real:
    problems.append("scripts/tutorial.sh printed no console block")
if len(shown) != len(real):
    problems.append("README's tutorial has %d console blocks, scripts/tutorial.sh prints %d"
                    % (len(shown), len(real)))
for i, (a, b) in enumerate(zip(shown, real), 1):
    a, b = normalise(a), normalise(b)
    if a != b:
        diff = difflib.unified_diff(a.splitlines(), b.splitlines(), "README.md block %d" % i,
                                    "scripts/tutorial.sh block %d" % i, lineterm="", n=1)
        problems.append("console block %d of the tutorial differs:\n%s" % (i, "\n".join(diff)))

# Every command shown ran, and every `git porch` one succeeded.
ran = {}
for line in open(status_path, encoding="utf-8").read().splitlines():
    rc, _, cmd = line.partition("\t")
    ran.setdefault(cmd, []).append(int(rc))
porch_commands = 0
for block in shown:
    for line in block.splitlines():
        if not line.startswith("$ "):
            continue
        cmd = line[2:]
        if cmd not in ran:
            problems.append("README shows a command scripts/tutorial.sh does not run: " + cmd)
        elif cmd.startswith("git porch ") and any(rc != 0 for rc in ran[cmd]):
            problems.append("README shows `%s`, which exits %s" % (cmd, ran[cmd]))
        porch_commands += cmd.startswith("git porch ")
if porch_commands < 10:
    problems.append("README's tutorial shows only %d git porch commands" % porch_commands)
for want in ["git porch init", "git porch spawn ", "git porch status", "git porch log",
             "git porch integrate users --dry-run", "git porch integrate users\n",
             "git porch integrate users --finish", "git porch cleanup"]:
    if "$ " + want not in tutorial:
        problems.append("README's tutorial lacks `%s`" % want.strip())
print("\n\n".join(problems))
EOF
)
_check
if [[ -n $problems ]]; then
    fail "README.md's tutorial is out of date; $REGENERATE" "$problems"
fi

finish
