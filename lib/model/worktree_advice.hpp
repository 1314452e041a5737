// What porch tells the user about a worker's worktree that has something other than the
// worker's branch checked out (another branch, a detached HEAD): one wording, and one command,
// for status's alert and doctor's finding.
#pragma once

#include "git/repo.hpp"
#include "model/remote_advice.hpp"

#include <optional>
#include <string>

namespace porch::model {

// "worktree <shown> belongs to <worker> but has a detached HEAD checked out", with the `git
// switch` that puts `branch` back; nullopt when `wt` has `branch` checked out (a rebase or
// bisect of it in progress counts: git still holds the branch there).
std::optional<Advice> wrong_checkout_advice(const std::string& worker, const std::string& shown,
                                            const git::Worktree& wt, const std::string& branch);

} // namespace porch::model
