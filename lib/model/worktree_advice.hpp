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
// each typed as is from anywhere.
Advice dirty_worktree_advice(const std::string& worker, const std::string& worktree,
                             const std::vector<std::string>& paths);

} // namespace porch::model
