// What porch tells the user about a worker's worktree that has something other than the
// worker's branch checked out (another branch, a detached HEAD): one wording, and one command,
// for status's alert and doctor's finding.
#pragma once

#include "git/repo.hpp"
#include "model/remote_advice.hpp"

#include <optional>
#include <string>
#include <vector>

namespace porch::model {

// "worktree <shown> belongs to <worker> but has a detached HEAD checked out", with the `git
// switch` that puts `branch` back; nullopt when `wt` has `branch` checked out (a rebase or
// bisect of it in progress counts: git still holds the branch there).
std::optional<Advice> wrong_checkout_advice(const std::string& worker, const std::string& shown,
                                            const git::Worktree& wt, const std::string& branch);

// "task-1 is complete but its worktree has 3 uncommitted or untracked files: a, b, c", with
// the commit (as a [COMPLETE] commit: the worker is complete) and the stash that deal with them,
// each typed as is from anywhere; `in_scope` of them lie in its scope (integrate merges the
// branch, so it would leave them out), said when not 0.
Advice dirty_worktree_advice(const std::string& worker, const std::string& worktree,
                             const std::vector<std::string>& paths, std::size_t in_scope = 0);

// "task-1 is 60 commits behind main", with the merge (or the rebase) that catches its worktree
// up, typed as is from anywhere.
Advice behind_base_advice(const std::string& worker, const std::string& worktree,
                          const std::string& base, std::size_t behind);

} // namespace porch::model
