// What porch tells the user about a worker whose branches disagree (diverged, or the local
// branch behind what was pushed) or whose id was spawned twice: the message and the command
// that fixes it, worded once for status's alerts, sync, doctor's findings and integrate's refusal.
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

// "task-2 has diverged: work/task-2-web at 1a2b3c4, origin/work/task-2-web at 5d6e7f8 each have
// commits the other lacks", with the merge and push that reconcile them; nullopt when not
// diverged.
std::optional<Advice> diverged_advice(const WorkerStatus& w);

// The local branch is behind its remote-tracking branch (and not ahead): the fast-forward.
std::optional<Advice> behind_remote_advice(const WorkerStatus& w);

// One per other spawn of the worker's id (another clone, another branch): both spawns, who made
// them, and the rename that gives the other one a free id in its own clone.
std::vector<Advice> duplicate_advice(const Context& ctx, const StatusReport& report,
                                     const WorkerStatus& w);

} // namespace porch::model
