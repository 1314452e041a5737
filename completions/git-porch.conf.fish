# Installed as <datadir>/fish/vendor_conf.d/git-porch.fish: lets `git porch` complete.
#
# fish loads completions/git-porch.fish only when a `git-porch` command line is completed, and
# before fish 3.7 its git completion never hands `git porch` on to git-porch's completions (it
# looks for the subcommand "git-porch"), so the `complete -c git` rules in git-porch.fish would
# be missing until then. Load them once, through the autoloader (so the file is not read twice).
status is-interactive; or exit
type -q git-porch; and complete --do-complete='git-porch ' >/dev/null
