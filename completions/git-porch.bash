# bash completion for git porch                                 -*- shell-script -*-
#
# Installed as <datadir>/bash-completion/completions/git-porch. bash-completion loads it on
# demand: git's completion does so for `git porch` and then calls _git_porch; typing `git-porch`
# loads it directly, and it registers itself for that command below.
#
# _git_porch runs inside git's completion machinery, which provides cur, prev, words and cword
# and the __gitcomp helpers.

# The subcommands, in the order of the command table (git-porch/commands.cpp), plus help and
# version.
__git_porch_commands="init plan spawn setup checkout kickoff resume status graph pool qa retry integrate cleanup checkpoint handoff sync log reindex doctor hooks hook check-message agent-hook help version"

# The subcommands of `git porch plan`.
__git_porch_plan_commands="import check apply merge move split sequential parallel"

# The subcommands of `git porch pool`.
__git_porch_pool_commands="init acquire release status health merge cleanup reset"

# The workers of this repository, one task-<id> per line, from the worker branches
# work/task-<id>-<desc> (the default naming.branch pattern).
__git_porch_workers ()
{
	local ref id
	__git for-each-ref --format='%(refname:lstrip=3)' 'refs/heads/work/task-*' |
	while read -r ref; do
		id=${ref#task-}
		id=${id%%-*}
		[ -n "$id" ] && printf 'task-%s\n' "$id"
	done
}

# The workers whose branch this repository has from a remote, and its own: what checkout takes.
__git_porch_remote_workers ()
{
	local ref id
	{
		__git for-each-ref --format='%(refname)' 'refs/remotes/*/work/task-*'
		__git for-each-ref --format='%(refname)' 'refs/heads/work/task-*'
	} | while read -r ref; do
		id=${ref##*/work/task-}
		id=${id%%-*}
		[ -n "$id" ] && printf 'task-%s\n' "$id"
	done | sort -u
}

# The tasks of the plan, one task-<id> per line, from the id lines of .porch/plan.toml.
__git_porch_plan_tasks ()
{
	local top
	top=$(__git rev-parse --show-toplevel) || return 0
	sed -n 's/^id = "\([a-z0-9]*\)"$/task-\1/p' "$top/.porch/plan.toml" 2>/dev/null
}

# The pool's slots, wt-<n>: the worktrees whose path ends in /wt-<n>.
__git_porch_slots ()
{
	__git worktree list --porcelain |
	sed -n 's|^worktree .*/\(wt-[0-9][0-9]*\)$|\1|p'
}

# Completes file names (1: the word to complete, default $cur).
__git_porch_files ()
{
	local IFS=$'\n'
	__gitcomp_file_direct "$(compgen -f -- "${1-$cur}")"
}

# Offers nothing, and keeps bash from falling back to file names.
__git_porch_nothing ()
{
	COMPREPLY=()
	compopt +o default +o bashdefault 2>/dev/null
	return 0
}

# How many words after the subcommand (at $1) are not options, up to the current word.
__git_porch_count_args ()
{
	local c=$(($1 + 1)) n=0
	while [ "$c" -lt "$cword" ]; do
		case "${words[c]}" in
		-*)	;;
		*)	n=$((n + 1)) ;;
		esac
		c=$((c + 1))
	done
	echo "$n"
}

# `git porch pool <subcommand> ...`; $1 is the index of "pool" in words.
__git_porch_pool ()
{
	local c=$(($1 + 1)) pool_cmd= pool_idx=
	while [ "$c" -lt "$cword" ]; do
		case "${words[c]}" in
		-*)	;;
		*)	pool_cmd=${words[c]}
			pool_idx=$c
			break
			;;
		esac
		c=$((c + 1))
	done

	if [ -z "$pool_cmd" ]; then
		case "$cur" in
		-*)	__gitcomp "--help" ;;
		*)	__gitcomp "$__git_porch_pool_commands" ;;
		esac
		return
	fi

	case "$pool_cmd" in
	init|reset|cleanup)
		# init and reset take a number of slots: nothing to offer.
		case "$cur" in
		-*)	__gitcomp "--help" ;;
		*)	__git_porch_nothing ;;
		esac
		;;
	acquire)
		case "$cur" in
		--base=*)	__git_complete_refs --cur="${cur#--base=}" ;;
		--needs=*)	__gitcomp_nl "$(__git_porch_workers)" "" "${cur#--needs=}" ;;
		--scope=*)	__git_porch_files "${cur#--scope=}" ;;
		-*)		__gitcomp "--base= --needs= --scope= --no-setup --json --help" ;;
		# <id> and <desc> are new names.
		*)		__git_porch_nothing ;;
		esac
		;;
	release)
		case "$cur" in
		-*)	__gitcomp "--force --json --help" ;;
		*)	if [ "$(__git_porch_count_args "$pool_idx")" = 0 ]; then
				__gitcomp_nl "$(__git_porch_slots; __git_porch_workers)"
			else
				__git_porch_nothing
			fi
			;;
		esac
		;;
	status)
		case "$cur" in
		-*)	__gitcomp "--json --help" ;;
		*)	__git_porch_nothing ;;
		esac
		;;
	health)
		case "$cur" in
		-*)	__gitcomp "--fix --json --help" ;;
		*)	__git_porch_nothing ;;
		esac
		;;
	merge)
		case "$cur" in
		-*)	__gitcomp "--help" ;;
		*)	if [ "$(__git_porch_count_args "$pool_idx")" = 0 ]; then
				__gitcomp_direct "$(__git_heads "" "$cur" " ")"
			else
				__git_porch_nothing
			fi
			;;
		esac
		;;
	*)
		__git_porch_nothing
		;;
	esac
}

_git_porch ()
{
	local found subcommand subcommand_idx
	found="$(__git_find_on_cmdline --show-idx "$__git_porch_commands")"
	subcommand="${found#* }"
	subcommand_idx="${found%% *}"

	if [ -z "$subcommand" ]; then
		case "$cur" in
		-*)	__gitcomp "--help --version" ;;
		*)	__gitcomp "$__git_porch_commands" ;;
		esac
		return
	fi

	# The value of an option given as "--option value" (spawn's options are pool acquire's too).
	case "$subcommand,$prev" in
	spawn,--base|pool,--base)
		__git_complete_refs
		return
		;;
	spawn,--needs|pool,--needs|checkout,--needs|status,--worker)
		__gitcomp_nl "$(__git_porch_workers)"
		return
		;;
	spawn,--scope|pool,--scope|checkout,--scope)
		__git_porch_files
		return
		;;
	cleanup,--merged-into)
		__git_complete_refs --mode="heads"
		return
		;;
	esac

	case "$subcommand" in
	init)
		case "$cur" in
		-*)	__gitcomp "--quiet --help" ;;
		*)	__git_porch_nothing ;;
		esac
		;;
	plan)
		# import <file.md>... | check | apply | merge <task> <task> | move <item> <task> |
		# split <task> <item>... | sequential | parallel
		local plan_cmd
		plan_cmd=$(__git_find_on_cmdline "$__git_porch_plan_commands")
		case "$plan_cmd,$cur" in
		import,-*)	__gitcomp "--force --json --help" ;;
		check,-*)	__gitcomp "--json --help" ;;
		apply,--wave=*)	__git_porch_nothing ;;
		apply,-*)	__gitcomp "--wave= --pool --no-setup --json --help" ;;
		,-*|merge,-*|move,-*|split,-*|sequential,-*|parallel,-*)
				__gitcomp "--help" ;;
		,*)		__gitcomp "$__git_porch_plan_commands" ;;
		import,*)	__git_porch_files ;;
		# Item numbers are the manifest's: only the tasks can be offered.
		merge,*|move,*|split,*)
				__gitcomp_nl "$(__git_porch_plan_tasks)" ;;
		*)		__git_porch_nothing ;;
		esac
		;;
	spawn)
		case "$cur" in
		--base=*)	__git_complete_refs --cur="${cur#--base=}" ;;
		--needs=*)	__gitcomp_nl "$(__git_porch_workers)" "" "${cur#--needs=}" ;;
		--scope=*)	__git_porch_files "${cur#--scope=}" ;;
		-*)		__gitcomp "--base= --needs= --scope= --no-setup --json --help" ;;
		# <id> and <desc> are new names: nothing to offer.
		*)		__git_porch_nothing ;;
		esac
		;;
	setup)
		case "$cur" in
		-*)	__gitcomp "--trust --json --help" ;;
		*)	if [ "$(__git_porch_count_args "$subcommand_idx")" = 0 ]; then
				__gitcomp_nl "$(__git_porch_workers)"
			else
				__git_porch_nothing
			fi
			;;
		esac
		;;
	checkout)
		case "$cur" in
		--needs=*)	__gitcomp_nl "$(__git_porch_workers)" "" "${cur#--needs=}" ;;
		--scope=*)	__git_porch_files "${cur#--scope=}" ;;
		-*)		__gitcomp "--fetch --needs= --scope= --no-setup --json --help" ;;
		*)	if [ "$(__git_porch_count_args "$subcommand_idx")" = 0 ]; then
				__gitcomp_nl "$(__git_porch_remote_workers)"
			else
				__git_porch_nothing
			fi
			;;
		esac
		;;
	kickoff|resume)
		case "$cur" in
		-*)	if [ "$subcommand" = kickoff ]; then
				__gitcomp "--all --script --json --help"
			else
				__gitcomp "--json --help"
			fi
			;;
		*)	if [ "$(__git_porch_count_args "$subcommand_idx")" = 0 ]; then
				__gitcomp_nl "$(__git_porch_workers)"
			else
				__git_porch_nothing
			fi
			;;
		esac
		;;
	status)
		case "$cur" in
		--worker=*)	__gitcomp_nl "$(__git_porch_workers)" "" "${cur#--worker=}" ;;
		--watch=*)	__git_porch_nothing ;;
		-*)		__gitcomp "--json --porcelain --worker= --watch --watch= --no-alerts --no-worktrees --local --fetch --help" ;;
		*)		__git_porch_nothing ;;
		esac
		;;
	graph)
		case "$cur" in
		-*)	__gitcomp "--dot --help" ;;
		*)	__git_porch_nothing ;;
		esac
		;;
	pool)
		__git_porch_pool "$subcommand_idx"
		;;
	qa)
		case "$cur" in
		--check=*)	__gitcomp "qa" "" "${cur#--check=}" ;;
		-*)	__gitcomp "--message= --check= --json --help" ;;
		*)	case "$(__git_porch_count_args "$subcommand_idx")" in
			0)	__gitcomp "approve reject block" ;;
			1)	__gitcomp_nl "$(__git_porch_workers)" ;;
			*)	__git_porch_nothing ;;
			esac
			;;
		esac
		;;
	retry)
		case "$cur" in
		-*)	__gitcomp "--json --help" ;;
		*)	__gitcomp_nl "$(__git_porch_workers)" ;;
		esac
		;;
	checkpoint)
		case "$cur" in
		-*)	__gitcomp "--all --json --help" ;;
		*)	if [ "$(__git_porch_count_args "$subcommand_idx")" = 0 ]; then
				__gitcomp "write read"
			else
				__git_porch_nothing
			fi
			;;
		esac
		;;
	handoff)
		case "$cur" in
		-*)	__gitcomp "--json --help" ;;
		*)	__git_porch_nothing ;;
		esac
		;;
	integrate)
		case "$cur" in
		--only=*)	__gitcomp_nl "$(__git_porch_workers)" "" "${cur#--only=}" ;;
		--base=*)	__git_complete_refs --cur="${cur#--base=}" ;;
		-*)	__gitcomp "--base= --only= --include-incomplete --dry-run --continue --abort --finish --json --help" ;;
		*)	__git_porch_nothing ;;
		esac
		;;
	cleanup)
		case "$cur" in
		--merged-into=*)	__git_complete_refs --mode="heads" --cur="${cur#--merged-into=}" ;;
		-*)	__gitcomp "--merged-into= --branches --dry-run --json --help" ;;
		*)	__git_porch_nothing ;;
		esac
		;;
	sync)
		case "$cur" in
		-*)	__gitcomp "--no-push --branches --json --help" ;;
		*)	if [ "$(__git_porch_count_args "$subcommand_idx")" = 0 ]; then
				__gitcomp_nl "$(git remote 2>/dev/null)"
			else
				__git_porch_nothing
			fi
			;;
		esac
		;;
	log|reindex)
		case "$cur" in
		-*)	if [ "$subcommand" = log ]; then
				__gitcomp "--json --help"
			else
				__gitcomp "--help"
			fi
			;;
		*)	if [ "$(__git_porch_count_args "$subcommand_idx")" = 0 ]; then
				__gitcomp_nl "$(__git_porch_workers)"
			else
				__git_porch_nothing
			fi
			;;
		esac
		;;
	doctor)
		case "$cur" in
		-*)	__gitcomp "--fix --json --help" ;;
		*)	__git_porch_nothing ;;
		esac
		;;
	hooks)
		case "$cur" in
		-*)	__gitcomp "--json --help" ;;
		*)	if [ "$(__git_porch_count_args "$subcommand_idx")" = 0 ]; then
				__gitcomp "install uninstall status"
			else
				__git_porch_nothing
			fi
			;;
		esac
		;;
	hook)
		case "$(__git_porch_count_args "$subcommand_idx"),$cur" in
		*,-*)	__gitcomp "--help" ;;
		0,*)	__gitcomp "commit-msg pre-commit post-commit post-merge" ;;
		# The hook's own arguments, as git passes them: commit-msg's is a file.
		*)	__git_porch_files ;;
		esac
		;;
	agent-hook)
		case "$(__git_porch_count_args "$subcommand_idx"),$cur" in
		*,-*)	__gitcomp "--help" ;;
		0,*)	__gitcomp "started working waiting stopped claude gemini codex" ;;
		esac
		;;
	check-message)
		case "$cur" in
		-?*)	__gitcomp "--help" ;;
		*)	__git_porch_files ;;
		esac
		;;
	help)
		# One command name after help; "help help" is not a thing.
		if [ "$(__git_porch_count_args "$subcommand_idx")" = 0 ]; then
			__gitcomp "${__git_porch_commands/ help / }"
		else
			__git_porch_nothing
		fi
		;;
	version)
		__git_porch_nothing
		;;
	esac
}

# `git-porch ...` typed directly: git's completion is needed for the helpers above. Load it if
# bash-completion has not yet, then register the same wrapper git's own __git_complete makes.
if ! declare -F __git_func_wrap >/dev/null 2>&1; then
	if declare -F __load_completion >/dev/null 2>&1; then
		__load_completion git
	elif declare -F _completion_loader >/dev/null 2>&1; then
		_completion_loader git >/dev/null 2>&1
	fi
fi
if declare -F __git_func_wrap >/dev/null 2>&1; then
	__git_wrap_git_porch ()
	{
		__git_func_wrap _git_porch
	}
	complete -o bashdefault -o default -o nospace -F __git_wrap_git_porch git-porch 2>/dev/null ||
		complete -o default -o nospace -F __git_wrap_git_porch git-porch
fi
