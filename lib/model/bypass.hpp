// Commits that skipped porch's hooks (--no-verify, a rebase pick, a worker without porch): which
// of them left files outside the worker's scope, and what status and doctor say about them.
#pragma once

#include "git/repo.hpp"
#include "model/remote_advice.hpp"
#include "model/worker.hpp"

#include <optional>
#include <set>
#include <string>
#include <vector>

namespace porch::model {

// How many of a commit's paths outside the scope its event keeps: enough to flag it (and keep
// the line short); status reads the rest from git.
constexpr std::size_t max_recorded_outside = 8;
// How many commits that skipped the hooks status reads from git for their paths.
constexpr std::size_t max_checked_bypasses = 50;

// The paths `commit` changed against its first parent outside `scope`: none for a merge (it
// brings in other workers' files by design), or when there is no scope.
std::vector<std::string> paths_outside(const git::Repo& repo, const git::Commit& commit,
                                       const std::vector<std::string>& scope);

// Whether `commit` (hex) is on the worker's branch now: in `tip`'s history and not in `since`'s
// (the worker's base). A commit rewritten away (amended, squashed, reset) is not, nor one that
// is no longer in the repository.
bool on_branch(const git::Repo& repo, const std::string& commit, const git::Oid& tip,
               const std::optional<git::Oid>& since);

// Fills w.outside_scope from `suspects`, commits on the branch that skipped the scope check:
// their paths outside the scope that still differ at `tip` from `since` (the base the worker
// restores them from).
void find_outside_scope(const git::Repo& repo, const std::vector<git::Oid>& suspects,
                        const git::Oid& tip, const std::optional<git::Oid>& since, WorkerStatus& w);

// Of `commits` (hex), those on no branch any more, local or remote-tracking, nor in the
// repository at all: history rewritten away (amended, squashed, reset). Empty when telling would
// take too long.
std::set<std::string> gone_commits(const git::Repo& repo, const std::set<std::string>& commits);

// "task-1: 2 files outside its scope (src/api) were changed by commits that skipped porch's
// hooks: src/web/a.html, ...", with the commands that take them back; nullopt when none.
std::optional<Advice> outside_scope_advice(const WorkerStatus& w);

} // namespace porch::model
