// What to type about a worker whose commits are in more than one place (a local branch and a
// remote's, or two clones that spawned the same id): status's alerts, sync and doctor print the
// same words and commands, written once here.
#pragma once

#include "model/context.hpp"
#include "model/worker.hpp"

#include <optional>
#include <string>
#include <vector>

namespace porch::model {

struct Advice {
    std::string message; // one line; may contain others' text: sanitise before printing
    std::string action;  // what to type next
};

// "git -C '<worktree>' " when the branch is checked out in a worktree here, else "git ".
std::string git_in(const std::optional<std::string>& worktree);

// Fast-forwards the local `branch` to `remote_branch` (origin/work/task-1-api): a merge
// --ff-only in its worktree, else moving the branch.
std::string fast_forward_action(const std::optional<std::string>& worktree,
                                const std::string& branch, const std::string& remote_branch);

// Reconciles the local `branch` with its diverged copy `remote` (a remote-tracking tip): merge
// theirs into ours, then push the result.
std::string reconcile_action(const std::optional<std::string>& worktree, const std::string& branch,
                             const WorkerTip& remote);

// One per other spawn of `w`'s id (another clone, another branch): both spawns, who made them,
// and how to give the other one a free id.
std::vector<Advice> duplicate_advice(const Context& ctx, const StatusReport& report,
                                     const WorkerStatus& w);

} // namespace porch::model
