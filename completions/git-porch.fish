# fish completion for git porch: both `git-porch ...` and `git porch ...`.
# Installed as <datadir>/fish/vendor_completions.d/git-porch.fish.

# The subcommands, in the order of the command table (git-porch/commands.cpp), plus help and
# version.
function __git_porch_commands
    printf '%s\t%s\n' \
        init 'Set up porch in this repository (idempotent)' \
        plan 'Import, check, edit and apply the task plan in .porch/plan.toml' \
        spawn 'Create a worker: its branch and its worktree' \
        setup "Run a worker's [worktree] setup again, or trust the setup commands" \
        checkout 'Take over a worker whose branch is on a remote' \
        kickoff "Print a worker's kickoff prompt or write its launch script" \
        resume 'Print the continuation prompt for a stopped worker' \
        status "Show every worker's state" \
        graph 'Show the dependency graph (text or Graphviz DOT)' \
        pool 'Manage a pool of reusable worktree slots' \
        qa "Record QA's verdict on a complete worker" \
        retry "Count one more attempt at a failed worker's task" \
        integrate 'Merge complete workers in dependency order' \
        cleanup "Remove merged workers' worktrees (and branches)" \
        checkpoint "Write or read the orchestrator's session checkpoint" \
        handoff 'Tell the next session where to pick up' \
        sync 'Share events with teammates through a remote' \
        log 'Show the event timeline of one worker or all' \
        reindex "Rebuild workers' events from their branch history" \
        doctor 'Find and repair what failed workers left behind' \
        hooks "Install, remove or inspect porch's git hooks" \
        hook 'Run one hook (called by the installed shims)' \
        check-message 'Check a commit message against the protocol' \
        agent-hook "Record an agent session's state (called by the agent's hooks)" \
        help "Show the manual, or a command's options" \
        version 'Print the version'
end

# The subcommand on the command line, if any: the first word after git-porch, or after
# `git ... porch`, that is not an option.
function __git_porch_subcommand
    set -l words (commandline -opc)
    set -l commands (__git_porch_commands | string replace -r '\t.*' '')
    set -l seen_porch 0
    if string match -q -- '*git-porch' $words[1]
        set seen_porch 1
    end
    for word in $words[2..-1]
        if test $seen_porch = 0
            test "$word" = porch; and set seen_porch 1
            continue
        end
        if contains -- $word $commands
            echo $word
            return 0
        end
    end
    return 1
end

# True when no subcommand has been given yet.
function __git_porch_needs_subcommand
    not __git_porch_subcommand >/dev/null
end

# True when the subcommand is one of the arguments.
function __git_porch_using
    contains -- (__git_porch_subcommand) $argv
end

# The workers of this repository, task-<id>, from the worker branches work/task-<id>-<desc>
# (the default naming.branch pattern), described by their <desc>.
function __git_porch_workers
    command git for-each-ref --format='%(refname:lstrip=3)' 'refs/heads/work/task-*' 2>/dev/null |
        string replace -r -- '^(task-[a-z0-9]+)-(.*)$' '$1\t$2'
end

# The workers whose branch this repository has from a remote, and its own: what checkout takes.
function __git_porch_remote_workers
    command git for-each-ref --format='%(refname)' 'refs/remotes/*/work/task-*' 'refs/heads/work/task-*' 2>/dev/null |
        string replace -rf -- '^.*/work/(task-[a-z0-9]+)-(.*)$' '$1\t$2' | sort -u
end

# The tasks of the plan, task-<id>, from the id lines of .porch/plan.toml.
function __git_porch_plan_tasks
    set -l top (command git rev-parse --show-toplevel 2>/dev/null); or return 0
    test -f $top/.porch/plan.toml; or return 0
    string replace -rf -- '^id = "([a-z0-9]+)"$' 'task-$1' <$top/.porch/plan.toml
end

# The pool's slots, wt-<n>: the worktrees whose path ends in /wt-<n>, described by that path.
function __git_porch_slots
    command git worktree list --porcelain 2>/dev/null |
        string replace -rf -- '^worktree (.*/(wt-[0-9]+))$' '$2\t$1'
end

# Local branches (pool merge's target).
function __git_porch_branches
    command git for-each-ref --format='%(refname:short)' refs/heads 2>/dev/null
end

# Branches, tags and remote-tracking branches, to start a worker from.
function __git_porch_refs
    command git for-each-ref --format='%(refname:short)' refs/heads refs/tags refs/remotes 2>/dev/null
end

# Each rule twice: for `git-porch` (condition as is) and for `git porch` (condition prefixed
# with fish's git check that the git subcommand is porch).
function __git_porch_complete -a condition
    complete -c git-porch -n "$condition" $argv[2..-1]
    complete -c git -n "__fish_git_using_command porch; and $condition" $argv[2..-1]
end

complete -c git-porch -f

# Before the subcommand.
__git_porch_complete __git_porch_needs_subcommand -f -a '(__git_porch_commands)'
__git_porch_complete __git_porch_needs_subcommand -s h -d 'List the commands'
__git_porch_complete __git_porch_needs_subcommand -l help -d 'Show the manual'
__git_porch_complete __git_porch_needs_subcommand -l version -d 'Print the version'

# Every subcommand.
__git_porch_complete 'not __git_porch_needs_subcommand; and not __git_porch_using help version' \
    -s h -l help -d "Print the command's options"

# init
__git_porch_complete '__git_porch_using init' -f
__git_porch_complete '__git_porch_using init' -s q -l quiet -d 'Print nothing on success'

# plan import <file.md>... | check | apply | merge <task> <task> | move <item> <task> |
# split <task> <item>... | sequential | parallel
function __git_porch_plan_commands
    printf '%s\t%s\n' \
        import 'Make .porch/plan.toml from markdown' \
        check 'Check the plan' \
        apply 'Spawn the next wave' \
        merge 'Fold the second task into the first' \
        move 'Move a work item to another task' \
        split 'Move work items to a new task' \
        sequential 'Run one task at a time' \
        parallel 'Let plan check choose the mode'
end
set -l plan_commands (__git_porch_plan_commands | string replace -r '\t.*' '')
__git_porch_complete "__git_porch_using plan; and not __fish_seen_subcommand_from $plan_commands" \
    -f -a '(__git_porch_plan_commands)'
__git_porch_complete '__git_porch_using plan; and __fish_seen_subcommand_from merge move split' \
    -f -a '(__git_porch_plan_tasks)'
__git_porch_complete '__git_porch_using plan; and __fish_seen_subcommand_from sequential parallel' -f
__git_porch_complete '__git_porch_using plan; and __fish_seen_subcommand_from import' -F
__git_porch_complete '__git_porch_using plan; and __fish_seen_subcommand_from import' -s f -l force \
    -d 'Overwrite an existing .porch/plan.toml'
__git_porch_complete '__git_porch_using plan; and __fish_seen_subcommand_from check apply' -f
__git_porch_complete '__git_porch_using plan; and __fish_seen_subcommand_from apply' -l wave -x \
    -d 'Apply only this wave'
__git_porch_complete '__git_porch_using plan; and __fish_seen_subcommand_from apply' -l pool \
    -d 'Acquire pool slots instead of making worktrees'
__git_porch_complete '__git_porch_using plan; and __fish_seen_subcommand_from apply' -l no-setup \
    -d 'Do not run [worktree] setup in the new worktrees'
__git_porch_complete '__git_porch_using plan; and __fish_seen_subcommand_from import check apply' \
    -l json -d 'Print JSON'

# spawn <id> <desc>: new names, nothing to offer for them.
__git_porch_complete '__git_porch_using spawn' -f
__git_porch_complete '__git_porch_using spawn' -l base -x -a '(__git_porch_refs)' \
    -d 'Branch or commit to start from (default: the base branch)'
__git_porch_complete '__git_porch_using spawn' -l needs -x -a '(__git_porch_workers)' \
    -d 'A worker this one depends on (repeatable)'
__git_porch_complete '__git_porch_using spawn' -l scope -r -F \
    -d 'A path this worker may change (repeatable)'
__git_porch_complete '__git_porch_using spawn' -l no-setup \
    -d 'Do not run [worktree] setup in the new worktree'
__git_porch_complete '__git_porch_using spawn' -l json -d 'Print the result as JSON'

# setup <worker> | --trust
__git_porch_complete '__git_porch_using setup' -f
__git_porch_complete '__git_porch_at_arg setup 0' -a '(__git_porch_workers)'
__git_porch_complete '__git_porch_using setup' -l trust \
    -d 'Trust the [worktree] setup commands .porch.toml has now'
__git_porch_complete '__git_porch_using setup' -l json -d 'Print JSON'

# checkout <worker>
__git_porch_complete '__git_porch_using checkout' -f
__git_porch_complete '__git_porch_at_arg checkout 0' -a '(__git_porch_remote_workers)'
__git_porch_complete '__git_porch_using checkout' -l fetch \
    -d "First fetch every remote's branches and porch's notes"
__git_porch_complete '__git_porch_using checkout' -l needs -x -a '(__git_porch_workers)' \
    -d 'Adopting: a worker it depends on (repeatable)'
__git_porch_complete '__git_porch_using checkout' -l scope -r -F \
    -d 'Adopting: a path it may change (repeatable)'
__git_porch_complete '__git_porch_using checkout' -l no-setup \
    -d 'Do not run [worktree] setup in the new worktree'
__git_porch_complete '__git_porch_using checkout' -l json -d 'Print the result as JSON'

# kickoff <worker> | --all, resume <worker>
__git_porch_complete '__git_porch_using kickoff resume' -f
__git_porch_complete '__git_porch_at_arg kickoff 0' -a '(__git_porch_workers)'
__git_porch_complete '__git_porch_at_arg resume 0' -a '(__git_porch_workers)'
__git_porch_complete '__git_porch_using kickoff' -l all -d 'Every worker of this clone not complete'
__git_porch_complete '__git_porch_using kickoff' -l script \
    -d 'Write a launch script per worker (git config porch.agent or porch.agentCommand)'
__git_porch_complete '__git_porch_using kickoff resume' -l json -d 'Print JSON'

# status
__git_porch_complete '__git_porch_using status' -f
__git_porch_complete '__git_porch_using status' -l json -d 'Print machine-readable JSON'
__git_porch_complete '__git_porch_using status' -l worker -x -a '(__git_porch_workers)' \
    -d 'Show only this worker'
__git_porch_complete '__git_porch_using status' -l porcelain \
    -d 'One tab-separated line per worker, for scripts'
__git_porch_complete '__git_porch_using status' -l watch \
    -d 'Redraw every SECONDS (default 2; --watch=SECONDS) until interrupted'
__git_porch_complete '__git_porch_using status' -l no-alerts -d 'Leave out the alerts'
__git_porch_complete '__git_porch_using status' -l no-worktrees -d "Do not read the workers' worktrees"
__git_porch_complete '__git_porch_using status' -l fetch -d 'First fetch every remote\'s branches and porch\'s notes'
__git_porch_complete '__git_porch_using status' -l local -d "Only this clone's workers"

# graph
__git_porch_complete '__git_porch_using graph' -f
__git_porch_complete '__git_porch_using graph' -l dot -d 'Print Graphviz DOT (render with: dot -Tsvg)'

# How many words after the subcommand are not options (the subcommand's positional arguments).
function __git_porch_count_args
    set -l words (commandline -opc)
    set -l sub (__git_porch_subcommand); or return 1
    set -l at (contains -i -- $sub $words)
    set -l n 0
    for word in $words[(math $at + 1)..-1]
        string match -q -- '-*' $word; or set n (math $n + 1)
    end
    echo $n
end

# True when the subcommand is $argv[1] and it has $argv[2] positional arguments so far.
function __git_porch_at_arg -a subcommand n
    __git_porch_using $subcommand; and test (__git_porch_count_args) = $n
end

# pool <subcommand> ...
function __git_porch_pool_commands
    printf '%s\t%s\n' \
        init 'Create slots wt-1..wt-N (grows, never shrinks)' \
        acquire 'Take a free slot for a new worker' \
        release 'Return a slot to idle; the branch stays' \
        status 'Show the slots' \
        health 'Check the pool; --fix repairs what is safe' \
        merge "Merge busy slots' branches, in slot order" \
        cleanup 'Remove idle slots and their folders' \
        reset 'cleanup, then init'
end

# The pool subcommand on the command line, if any: the first word after pool that is not an
# option.
function __git_porch_pool_subcommand
    __git_porch_using pool; or return 1
    set -l words (commandline -opc)
    set -l at (contains -i -- pool $words); or return 1
    for word in $words[(math $at + 1)..-1]
        string match -q -- '-*' $word; and continue
        echo $word
        return 0
    end
    return 1
end

# True when the pool subcommand is one of the arguments.
function __git_porch_pool_using
    contains -- (__git_porch_pool_subcommand) $argv
end

# How many words after the pool subcommand are not options.
function __git_porch_pool_count_args
    set -l words (commandline -opc)
    set -l sub (__git_porch_pool_subcommand); or return 1
    set -l at (contains -i -- pool $words)
    set -l n -1 # the pool subcommand itself is the first
    for word in $words[(math $at + 1)..-1]
        string match -q -- '-*' $word; or set n (math $n + 1)
    end
    echo $n
end

__git_porch_complete '__git_porch_using pool' -f
__git_porch_complete '__git_porch_using pool; and not __git_porch_pool_subcommand >/dev/null' \
    -a '(__git_porch_pool_commands)'
__git_porch_complete '__git_porch_pool_using acquire' -l base -x -a '(__git_porch_refs)' \
    -d 'Branch or commit to start from (default: the base branch)'
__git_porch_complete '__git_porch_pool_using acquire' -l needs -x -a '(__git_porch_workers)' \
    -d 'A worker this one depends on (repeatable)'
__git_porch_complete '__git_porch_pool_using acquire' -l no-setup \
    -d 'Do not run [worktree] setup in the slot'
__git_porch_complete '__git_porch_pool_using acquire' -l scope -r -F \
    -d 'A path this worker may change (repeatable)'
__git_porch_complete '__git_porch_pool_using acquire release status health' -l json \
    -d 'Print JSON'
__git_porch_complete '__git_porch_pool_using release' -s f -l force \
    -d 'Save uncommitted work under refs/porch/rescued/ first'
__git_porch_complete '__git_porch_pool_using release; and test (__git_porch_pool_count_args) = 0' \
    -a '(__git_porch_slots; __git_porch_workers)'
__git_porch_complete '__git_porch_pool_using health' -l fix -d 'Repair what is safe'
__git_porch_complete '__git_porch_pool_using merge; and test (__git_porch_pool_count_args) = 0' \
    -a '(__git_porch_branches)' -d 'Branch to merge into (default: the base branch)'

# qa approve|reject|block <worker>, retry <worker>
__git_porch_complete '__git_porch_using qa retry checkpoint handoff' -f
__git_porch_complete '__git_porch_at_arg qa 0' -a 'approve reject block'
__git_porch_complete '__git_porch_at_arg qa 1' -a '(__git_porch_workers)'
__git_porch_complete '__git_porch_using qa' -s m -l message -x -d 'Why (required to reject or block)'
__git_porch_complete '__git_porch_using qa' -l check -x -a 'qa' -d 'The check judged (see qa.checks)'
__git_porch_complete '__git_porch_at_arg retry 0' -a '(__git_porch_workers)'
__git_porch_complete '__git_porch_at_arg checkpoint 0' -a 'write read'
__git_porch_complete '__git_porch_using checkpoint' -l all -d 'Every checkpoint, newest first'
__git_porch_complete '__git_porch_using qa retry checkpoint handoff' -l json -d 'Print JSON'

# integrate <feature>
__git_porch_complete '__git_porch_using integrate' -f
__git_porch_complete '__git_porch_using integrate' -l base -x -a '(__git_porch_branches)' \
    -d 'Start the integration branch from this revision'
__git_porch_complete '__git_porch_using integrate' -l only -x -a '(__git_porch_workers)' \
    -d 'Only these workers'
__git_porch_complete '__git_porch_using integrate' -l include-incomplete -d 'Merge incomplete workers too'
__git_porch_complete '__git_porch_using integrate' -l dry-run -d 'Print the order and predicted conflicts'
__git_porch_complete '__git_porch_using integrate' -l continue -d 'Go on after resolving'
__git_porch_complete '__git_porch_using integrate' -l abort -d 'Put everything back where the run started'
__git_porch_complete '__git_porch_using integrate' -l finish -d 'Merge the integration branch into the base'
__git_porch_complete '__git_porch_using integrate' -l json -d 'Print JSON'

# cleanup
__git_porch_complete '__git_porch_using cleanup' -f
__git_porch_complete '__git_porch_using cleanup' -l merged-into -x -a '(__git_porch_branches)' \
    -d 'The integration branch (default: the base branch)'
__git_porch_complete '__git_porch_using cleanup' -l branches -d "Also delete the merged workers' branches"
__git_porch_complete '__git_porch_using cleanup' -s n -l dry-run -d 'Show what would be done; change nothing'
__git_porch_complete '__git_porch_using cleanup' -l json -d 'Print the result as JSON'

# sync [<remote>]
__git_porch_complete '__git_porch_using sync' -f
__git_porch_complete '__git_porch_at_arg sync 0' -a '(git remote 2>/dev/null)'
__git_porch_complete '__git_porch_using sync' -l no-push -d 'Fetch and merge only'
__git_porch_complete '__git_porch_using sync' -l branches -d "Also push this clone's workers' branches"
__git_porch_complete '__git_porch_using sync' -l json -d 'Print JSON'

# log [<worker>] and reindex [<worker>]
__git_porch_complete '__git_porch_using log reindex' -f
__git_porch_complete '__git_porch_at_arg log 0' -a '(__git_porch_workers)'
__git_porch_complete '__git_porch_at_arg reindex 0' -a '(__git_porch_workers)'
__git_porch_complete '__git_porch_using log' -l json -d 'Print a JSON array of events'

# doctor [--fix] [--json]
__git_porch_complete '__git_porch_using doctor' -f
__git_porch_complete '__git_porch_using doctor' -l fix -d 'Repair what is safe'
__git_porch_complete '__git_porch_using doctor' -l json -d 'Print JSON'

# hooks [install|uninstall|status]
__git_porch_complete '__git_porch_using hooks' -f
__git_porch_complete '__git_porch_at_arg hooks 0' -a install -d 'Install the hooks, chaining existing ones'
__git_porch_complete '__git_porch_at_arg hooks 0' -a uninstall -d 'Remove the hooks, restoring chained ones'
__git_porch_complete '__git_porch_at_arg hooks 0' -a status -d 'Show the state of the hooks (default)'
__git_porch_complete '__git_porch_using hooks' -l json -d 'Print JSON'

# hook <name> [<argument>...]: the arguments are git's (commit-msg's is a file).
__git_porch_complete '__git_porch_at_arg hook 0' -f -a 'commit-msg pre-commit post-commit post-merge'

# agent-hook <event> [<json>]
__git_porch_complete '__git_porch_using agent-hook' -f
__git_porch_complete '__git_porch_at_arg agent-hook 0' -a started -d 'The session started'
__git_porch_complete '__git_porch_at_arg agent-hook 0' -a working -d 'The session is working'
__git_porch_complete '__git_porch_at_arg agent-hook 0' -a waiting -d 'The session waits for a person'
__git_porch_complete '__git_porch_at_arg agent-hook 0' -a stopped -d 'The session stopped'
__git_porch_complete '__git_porch_at_arg agent-hook 0' -a claude -d "Claude Code's hook input on stdin"
__git_porch_complete '__git_porch_at_arg agent-hook 0' -a gemini -d "Gemini CLI's hook input on stdin"
__git_porch_complete '__git_porch_at_arg agent-hook 0' -a codex -d "Codex's notify argument"

# check-message <file|->
__git_porch_complete '__git_porch_using check-message' -F
__git_porch_complete '__git_porch_using check-message' -a - -d 'Read the message from standard input'

# help <command>: one command name; help itself is not a command to get help on.
function __git_porch_help_needs_command
    set -l words (commandline -opc)
    set -l at (contains -i -- help $words); or return 1
    set -l commands (__git_porch_commands | string replace -r '\t.*' '')
    for word in $words[(math $at + 1)..-1]
        contains -- $word $commands; and return 1
    end
    return 0
end
__git_porch_complete '__git_porch_using help' -f
__git_porch_complete '__git_porch_using help; and __git_porch_help_needs_command' \
    -f -a '(__git_porch_commands | string match -v -r "^help\t")'

# version: no arguments.
__git_porch_complete '__git_porch_using version' -f
